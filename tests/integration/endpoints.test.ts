/** The other OpenAI endpoints: text completions (chat-backed), audio, images, and the /openai/v1 prefix. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI, { toFile } from "openai";
import { openGateway, type Gateway } from "../support/gateway";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";

let mock: MockUpstream;
let gw: Gateway;
let client: OpenAI;

beforeAll(async () => {
  mock = await startMockUpstream();
  gw = await openGateway({
    providers: {
      openai: { keys: [{ value: "sk-endpoints-1" }], network_config: { base_url: mock.url } },
      anthropic: { keys: [{ value: "sk-endpoints-2" }], network_config: { base_url: mock.url } },
      vllm: { keys: [{ value: "sk-vllm-1" }], network_config: { base_url: mock.url } }, // vLLM started with --api-key
    },
  });
  client = new OpenAI({ baseURL: `${gw.url}/openai/v1`, apiKey: "unused", maxRetries: 0 });
});
afterAll(async () => {
  await gw?.close();
  await mock?.stop();
});

describe("/v1/completions", () => {
  test("a text prompt is answered by a chat model, in text_completion shape", async () => {
    const res = await client.completions.create({ model: "anthropic/claude-3-5-haiku-latest", prompt: "Say hi", max_tokens: 20 });
    expect(res.object).toBe("text_completion");
    expect(res.choices[0]!.text).toStartWith("mock reply to: Say hi");
    expect(res.usage!.total_tokens).toBeGreaterThan(0);
  });

  test("streams text_completion chunks", async () => {
    const stream = await client.completions.create({ model: "openai/gpt-4o-mini", prompt: "Stream text", stream: true });
    let text = "";
    for await (const c of stream) text += c.choices[0]?.text ?? "";
    expect(text).toStartWith("mock reply to: Stream text");
  });

  test("a self-hosted server answers completions itself: the raw prompt, no chat template", async () => {
    const res = await client.completions.create({ model: "vllm/meta-llama/Llama-3.1-8B", prompt: "Once upon a time" });
    expect(res.choices[0]!.text).toBe("mock completion of: Once upon");
    expect(mock.requests.at(-1)!.path).toBe("/v1/completions");
    expect(mock.requests.at(-1)!.body.model).toBe("meta-llama/Llama-3.1-8B");
    let text = "";
    let usage: any = null;
    for await (const c of await client.completions.create({ model: "vllm/meta-llama/Llama-3.1-8B", prompt: "Once upon a time", stream: true, stream_options: { include_usage: true } })) {
      text += c.choices[0]?.text ?? "";
      usage ??= c.usage;
    }
    expect(text).toBe("mock completion of: Once upon");
    expect(usage.completion_tokens).toBe(5);
    // A chat-only provider still answers through chat.
    await client.completions.create({ model: "openai/gpt-4o-mini", prompt: "hi" });
    expect(mock.requests.at(-1)!.path).toBe("/v1/chat/completions");
  });

  test("several prompts at once are a 400", async () => {
    const e = await client.completions.create({ model: "openai/gpt-4o-mini", prompt: ["a", "b"] }).catch((x) => x);
    expect(e.status).toBe(400);
  });
});

describe("audio", () => {
  test("/v1/audio/speech answers audio bytes with their content type", async () => {
    const res = await client.audio.speech.create({ model: "openai/tts-1", voice: "alloy", input: "hello there", response_format: "wav" });
    expect(res.headers.get("content-type")).toBe("audio/wav");
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe("ID3alloy:hello there");
  });

  test("/v1/audio/transcriptions takes a multipart upload", async () => {
    const res = await client.audio.transcriptions.create({ model: "openai/whisper-1", file: await toFile(Buffer.from("RIFFfakewav"), "clip.wav") });
    expect(res.text).toBe("mock transcription of clip.wav");
    const up = mock.requests.at(-1)!;
    expect(up.headers["content-type"]).toStartWith("multipart/form-data");
    expect(up.body).toContain("RIFFfakewav");
    expect(up.body).toContain('name="model"\r\n\r\nwhisper-1');
  });

  test("a transcription without a file is a 400 naming it", async () => {
    const form = new FormData();
    form.append("model", "openai/whisper-1");
    const res = await gw.fetch("/v1/audio/transcriptions", { method: "POST", body: form });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.param).toBe("file");
  });

  test("speech on a provider without it is a 400", async () => {
    const res = await gw.fetch("/v1/audio/speech", { method: "POST", body: JSON.stringify({ model: "anthropic/claude-3-5-haiku-latest", voice: "x", input: "y" }) });
    expect(res.status).toBe(400);
  });
});

describe("images", () => {
  test("/v1/images/generations", async () => {
    const res = await client.images.generate({ model: "openai/dall-e-3", prompt: "a lighthouse", n: 2 });
    expect(res.data).toHaveLength(2);
    expect((res as any).extra_fields.provider).toBe("openai");
  });
});
