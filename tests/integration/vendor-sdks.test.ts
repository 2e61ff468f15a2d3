/** Each vendor's official SDK, pointed at the gateway's drop-in prefix, once each. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { GoogleGenAI } from "@google/genai";
import { CohereClientV2 } from "cohere-ai";
import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand } from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { openGateway, type Gateway } from "../support/gateway";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";

let mock: MockUpstream;
let gw: Gateway;

beforeAll(async () => {
  mock = await startMockUpstream();
  gw = await openGateway({
    providers: {
      openai: { keys: [{ value: "sk-vendor-1" }], network_config: { base_url: mock.url } },
      anthropic: { keys: [{ value: "sk-vendor-2" }], network_config: { base_url: mock.url } },
      gemini: { keys: [{ value: "sk-vendor-3" }], network_config: { base_url: mock.url } },
      cohere: { keys: [{ value: "sk-vendor-4" }], network_config: { base_url: mock.url } },
      elevenlabs: { keys: [{ value: "sk-vendor-5" }], network_config: { base_url: mock.url } },
    },
  });
});
afterAll(async () => {
  await gw?.close();
  await mock?.stop();
});

test("@google/genai: generateContent and generateContentStream, served by OpenAI", async () => {
  const ai = new GoogleGenAI({ apiKey: "unused", httpOptions: { baseUrl: `${gw.url}/genai` } });
  const res = await ai.models.generateContent({ model: "openai/gpt-4o-mini", contents: "hello from genai" });
  expect(res.text).toStartWith("mock reply to: hello from");
  expect(res.usageMetadata?.candidatesTokenCount).toBe(5);
  let text = "";
  for await (const chunk of await ai.models.generateContentStream({ model: "anthropic/claude-3-5-haiku-latest", contents: "stream from genai" })) text += chunk.text ?? "";
  expect(text).toStartWith("mock reply to: stream from");
});

test("cohere-ai: chat and chatStream, served by Gemini", async () => {
  const co = new CohereClientV2({ token: "unused", environment: `${gw.url}/cohere` });
  const res = await co.chat({ model: "gemini/gemini-2.0-flash", messages: [{ role: "user", content: "hello from cohere" }] });
  expect((res.message?.content?.[0] as any).text).toStartWith("mock reply to: hello from");
  expect(res.usage?.tokens?.outputTokens).toBe(5);
  let text = "";
  for await (const ev of await co.chatStream({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "stream from cohere" }] })) {
    if (ev.type === "content-delta") text += ev.delta?.message?.content?.text ?? "";
  }
  expect(text).toStartWith("mock reply to: stream from");
});

test("/v1/rerank through Cohere, documents echoed", async () => {
  const res = await gw.fetch("/v1/rerank", {
    method: "POST",
    body: JSON.stringify({ model: "cohere/rerank-v3.5", query: "capital of France", documents: ["Paris is the capital of France", "Berlin is in Germany"], return_documents: true }),
  });
  const j: any = await res.json();
  expect(res.status).toBe(200);
  expect(j.results).toHaveLength(2);
  expect(j.results[0].document.text).toBeString();
  expect(j.extra_fields.provider).toBe("cohere");
});

test("/v1/audio/speech through ElevenLabs", async () => {
  const res = await gw.fetch("/v1/audio/speech", { method: "POST", body: JSON.stringify({ model: "elevenlabs/eleven_multilingual_v2", voice: "voice123", input: "hello" }) });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toStartWith("audio/mpeg");
  expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
});

test("@aws-sdk/client-bedrock-runtime: Converse and ConverseStream, served by Anthropic and OpenAI", async () => {
  // The SDK speaks HTTP/2 to AWS; the gateway serves HTTP/1.1, so hand it the HTTP/1.1 handler.
  const client = new BedrockRuntimeClient({
    region: "us-east-1",
    endpoint: `${gw.url}/bedrock`,
    credentials: { accessKeyId: "unused", secretAccessKey: "unused" },
    requestHandler: new NodeHttpHandler(),
  });
  const res = await client.send(new ConverseCommand({ modelId: "anthropic/claude-3-5-haiku-latest", messages: [{ role: "user", content: [{ text: "hello from bedrock" }] }] }));
  expect(res.output?.message?.content?.[0]?.text).toStartWith("mock reply to: hello from");
  expect(res.usage?.outputTokens).toBe(5);
  const stream = await client.send(new ConverseStreamCommand({ modelId: "openai/gpt-4o-mini", messages: [{ role: "user", content: [{ text: "stream from bedrock" }] }] }));
  let text = "";
  let usage: any;
  for await (const ev of stream.stream!) {
    text += ev.contentBlockDelta?.delta?.text ?? "";
    usage ??= ev.metadata?.usage;
  }
  expect(text).toStartWith("mock reply to: stream from");
  expect(usage.outputTokens).toBe(5);
  const bad = await client.send(new ConverseCommand({ modelId: "nobody/none", messages: [{ role: "user", content: [{ text: "x" }] }] })).catch((e) => e);
  expect(bad.name).toBe("ValidationException");
});
