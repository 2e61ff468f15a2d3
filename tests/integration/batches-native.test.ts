/**
 * Issue 17's native batches through the real gateway and service, with each vendor's official SDK, against
 * the mock upstream's OpenAI Files/Batch, Anthropic Message Batches and Gemini batch endpoints:
 * upload → create → poll → results for each native provider; the OpenAI-format batch routed to Anthropic
 * and to Gemini and back (OpenAI output lines); the Anthropic and GenAI SDKs natively and routed to OpenAI
 * with x-model-provider. Provider keys reach only their upstream, never an answer.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Anthropic, { toFile as toAnthropicFile } from "@anthropic-ai/sdk";
import { GoogleGenAI, JobState } from "@google/genai";
import OpenAI, { toFile } from "openai";
import { openGateway, type Gateway } from "../support/gateway";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";
import { FAIL_MODEL } from "../support/mock/openai-batches";

const KEYS = { openai: "sk-openai-batch-key-1111", anthropic: "sk-ant-batch-key-2222", gemini: "gemini-batch-key-3333" };
let mock: MockUpstream;
let gw: Gateway;

beforeAll(async () => {
  mock = await startMockUpstream();
  gw = await openGateway({
    providers: {
      openai: { keys: [{ name: "oa", value: KEYS.openai, models: ["*"], weight: 1 }], network_config: { base_url: mock.url } },
      anthropic: { keys: [{ name: "an", value: KEYS.anthropic, models: ["*"], weight: 1 }], network_config: { base_url: mock.url } },
      gemini: { keys: [{ name: "ge", value: KEYS.gemini, models: ["*"], weight: 1 }], network_config: { base_url: mock.url } },
    },
    batches: { store: { type: "sqlite", path: join(mkdtempSync(join(tmpdir(), "bf-native-")), "batches.db") }, poll_interval_seconds: 0.05 },
  });
}, 60_000);
afterAll(async () => {
  await gw?.close();
  await mock?.stop();
});

const openai = () => new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "unused", maxRetries: 0 });
const line = (id: string, model: string, text = id) =>
  JSON.stringify({ custom_id: id, method: "POST", url: "/v1/chat/completions", body: { model, messages: [{ role: "user", content: `say ${text}` }], max_tokens: 16 } });

/** Upload → create → retrieve until ended → the output and error files' lines, through the OpenAI SDK. */
async function openaiBatch(provider: string, lines: string[]) {
  const oa = openai();
  const file = await oa.files.create({ file: await toFile(Buffer.from(lines.join("\n") + "\n"), "input.jsonl"), purpose: "batch", provider } as Parameters<OpenAI["files"]["create"]>[0]);
  let batch = await oa.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h", provider } as Parameters<OpenAI["batches"]["create"]>[0]);
  expect(batch.id).toMatch(/^batch_/);
  for (let i = 0; i < 400 && !["completed", "failed", "expired", "cancelled"].includes(batch.status); i++) {
    await Bun.sleep(25);
    batch = await oa.batches.retrieve(batch.id);
  }
  const read = async (id: string | null | undefined) => (id ? (await (await oa.files.content(id)).text()).split("\n").filter(Boolean).map((l) => JSON.parse(l)) : []);
  return { batch, output: await read(batch.output_file_id), errors: await read(batch.error_file_id) };
}

const upstream = (path: RegExp) => mock.requests.filter((r) => path.test(r.path));

describe("the OpenAI SDK's files and batches, native at each provider", () => {
  test("openai: the file and batch go to OpenAI's own APIs; results come back as OpenAI output and error lines", async () => {
    const { batch, output, errors } = await openaiBatch("openai", [line("a", "gpt-4o-mini"), line("b", FAIL_MODEL), line("c", "openai/gpt-4o-mini")]);
    expect(batch.status).toBe("completed");
    expect(batch.request_counts).toEqual({ total: 3, completed: 2, failed: 1 });
    expect(output.map((l) => l.custom_id).sort()).toEqual(["a", "c"]);
    expect(output[0].response.status_code).toBe(200);
    expect(output[0].response.body.object).toBe("chat.completion");
    expect(errors.map((l) => l.custom_id)).toEqual(["b"]);
    const uploads = upstream(/^\/v1\/files$/);
    expect(uploads.at(-1)!.headers.authorization).toBe(`Bearer ${KEYS.openai}`);
    expect(upstream(/^\/v1\/batches$/).length).toBeGreaterThan(0);
  });

  test("anthropic: an OpenAI-format JSONL becomes a Message Batch and comes back as chat.completion lines", async () => {
    const { batch, output, errors } = await openaiBatch("anthropic", [line("q1", "claude-3-5-haiku-latest", "one"), line("q2", "anthropic/claude-3-5-haiku-latest", "two")]);
    expect(batch.status).toBe("completed");
    expect(batch.request_counts).toMatchObject({ total: 2, completed: 2, failed: 0 });
    expect(errors).toEqual([]);
    expect(output.map((l) => l.custom_id).sort()).toEqual(["q1", "q2"]);
    for (const l of output) {
      expect(l.response.body.object).toBe("chat.completion");
      expect(typeof l.response.body.choices[0].message.content).toBe("string");
      expect(l.response.body.usage.prompt_tokens).toBeGreaterThan(0);
    }
    const created = upstream(/^\/v1\/messages\/batches$/).at(-1)!;
    expect(created.headers["x-api-key"]).toBe(KEYS.anthropic);
    const requests = (created.body as { requests: Array<{ custom_id: string; params: { model: string; messages: unknown[] } }> }).requests;
    expect(requests.map((r) => [r.custom_id, r.params.model])).toEqual([
      ["q1", "claude-3-5-haiku-latest"],
      ["q2", "claude-3-5-haiku-latest"],
    ]);
  });

  test("gemini: an OpenAI-format JSONL becomes a Gemini batch and comes back as chat.completion lines", async () => {
    const { batch, output } = await openaiBatch("gemini", [line("g1", "gemini-2.0-flash"), line("g2", "gemini-2.0-flash")]);
    expect(batch.status).toBe("completed");
    expect(output.map((l) => l.custom_id).sort()).toEqual(["g1", "g2"]);
    expect(output[0].response.body.object).toBe("chat.completion");
    const created = upstream(/batchGenerateContent$/).at(-1)!;
    expect(created.headers["x-goog-api-key"]).toBe(KEYS.gemini);
  });
});

describe("the Anthropic SDK's message batches", () => {
  const anthropic = (provider?: string) =>
    new Anthropic({ baseURL: `${gw.url}/anthropic`, apiKey: "unused", maxRetries: 0, defaultHeaders: provider ? { "x-model-provider": provider } : {} });

  async function run(client: Anthropic, model: string) {
    let b = await client.messages.batches.create({
      requests: [
        { custom_id: "m1", params: { model, max_tokens: 32, messages: [{ role: "user", content: "first" }] } },
        { custom_id: "m2", params: { model, max_tokens: 32, system: "be brief", messages: [{ role: "user", content: "second" }] } },
      ],
    });
    expect(b.type).toBe("message_batch");
    for (let i = 0; i < 400 && b.processing_status !== "ended"; i++) {
      await Bun.sleep(25);
      b = await client.messages.batches.retrieve(b.id);
    }
    expect(b.processing_status).toBe("ended");
    const results: Array<Anthropic.Messages.Batches.MessageBatchIndividualResponse> = [];
    for await (const r of await client.messages.batches.results(b.id)) results.push(r);
    return { batch: b, results };
  }

  test("native at Anthropic: results in Anthropic's shape", async () => {
    const { batch, results } = await run(anthropic(), "claude-3-5-haiku-latest");
    expect(batch.request_counts).toMatchObject({ succeeded: 2, errored: 0 });
    expect(results.map((r) => r.custom_id).sort()).toEqual(["m1", "m2"]);
    for (const r of results) {
      expect(r.result.type).toBe("succeeded");
      if (r.result.type === "succeeded") expect(r.result.message.content[0]!.type).toBe("text");
    }
    const listed = await anthropic().messages.batches.list({ limit: 5 });
    expect(listed.data.map((b) => b.id)).toContain(batch.id);
  });

  test("routed to OpenAI with x-model-provider: OpenAI's batch API runs it, results still in Anthropic's shape", async () => {
    const before = upstream(/^\/v1\/batches$/).length;
    const { results } = await run(anthropic("openai"), "gpt-4o-mini");
    expect(upstream(/^\/v1\/batches$/).length).toBe(before + 1);
    expect(results.map((r) => r.result.type)).toEqual(["succeeded", "succeeded"]);
  });
});

describe("the GenAI SDK's batches", () => {
  test("native at Gemini: inline requests, polled until done, responses inline", async () => {
    const ai = new GoogleGenAI({ apiKey: "unused", httpOptions: { baseUrl: `${gw.url}/genai` } });
    let job = await ai.batches.create({
      model: "gemini-2.0-flash",
      src: [
        { contents: [{ role: "user", parts: [{ text: "hello" }] }], metadata: { key: "k1" } },
        { contents: "second", metadata: { key: "k2" } },
      ],
    });
    expect(job.name).toMatch(/^batches\/batch_/);
    for (let i = 0; i < 400 && (job.state === JobState.JOB_STATE_PENDING || job.state === JobState.JOB_STATE_RUNNING); i++) {
      await Bun.sleep(25);
      job = await ai.batches.get({ name: job.name! });
    }
    expect(job.state).toBe(JobState.JOB_STATE_SUCCEEDED);
    const inlined = job.dest?.inlinedResponses ?? [];
    expect(inlined.length).toBe(2);
    expect(inlined[0]!.response?.candidates?.[0]?.content?.parts?.[0]?.text).toBeString();
  });
});

describe("the vendors' file APIs over the same store", () => {
  test("Anthropic beta files: upload, metadata, list, download, delete; the OpenAI SDK sees the same file", async () => {
    const c = new Anthropic({ baseURL: `${gw.url}/anthropic`, apiKey: "unused", maxRetries: 0 });
    const up = await c.beta.files.upload({ file: await toAnthropicFile(new Blob(["line one\nline two\n"]), "notes.jsonl") });
    expect(up.id).toMatch(/^file-/);
    expect((await c.beta.files.retrieveMetadata(up.id)).size_bytes).toBe(18);
    expect((await openai().files.retrieve(up.id)).bytes).toBe(18);
    expect(await (await c.beta.files.download(up.id)).text()).toBe("line one\nline two\n");
    await c.beta.files.delete(up.id);
    expect(await c.beta.files.retrieveMetadata(up.id).catch((e) => e.status)).toBe(404);
  });

  test("GenAI files: the resumable upload streamed into the store, then get and delete", async () => {
    const ai = new GoogleGenAI({ apiKey: "unused", httpOptions: { baseUrl: `${gw.url}/genai` } });
    const dir = mkdtempSync(join(tmpdir(), "bf-genai-file-"));
    const path = join(dir, "requests.jsonl");
    await Bun.write(path, '{"key":"a","request":{"contents":[{"parts":[{"text":"hi"}]}]}}\n');
    const file = await ai.files.upload({ file: path, config: { mimeType: "application/jsonl" } });
    expect(file.name).toMatch(/^files\//);
    const got = await ai.files.get({ name: file.name! });
    expect(Number(got.sizeBytes)).toBeGreaterThan(10);
    await ai.files.delete({ name: file.name! });
    expect(await ai.files.get({ name: file.name! }).then(() => 200, (e) => e.status)).toBe(404);
  });
});

test("no provider key appears in any answer of these flows", async () => {
  const all = [...(await (await gw.fetch("/v1/batches?limit=100")).text()), ...(await (await gw.fetch("/v1/files")).text())].join("");
  for (const k of Object.values(KEYS)) expect(all).not.toContain(k);
});
