/**
 * The Gemini batch backend against the mock's Batch Mode and Files API, with a hand-built BackendContext
 * (mock URL and key, the real Gemini adapter, an in-memory FileStore): submit → refresh → results in the
 * OpenAI format, inline and through an uploaded file; cancel; per-line errors; refusals; no key in errors.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { createGeminiBatchBackend, geminiBatchBackend } from "../../src/batches/backends/gemini";
import type { BackendContext, BatchInputLine, BatchOutputLine, BatchRecord } from "../../src/batches/types";
import { geminiAdapter } from "../../src/providers/gemini";
import { BifrostError } from "../../src/schemas/error";
import { MemoryFileStore } from "../support/batch-doubles/memory-file-store";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";
import { MOCK_DIALECTS } from "../support/mock";
import { createGeminiBatchMock } from "../support/mock/gemini-batch";
import { batchRecord } from "../support/batch-doubles/batch-record";

const KEY = "gm-secret-key-123";
const gemini = createGeminiBatchMock({ apiKey: KEY, pollsToFinish: 3 });
let mock: MockUpstream;
let files: MemoryFileStore;
let seq = 0;

beforeAll(async () => {
  mock = await startMockUpstream({ dialects: [gemini, ...MOCK_DIALECTS] });
});
afterAll(() => mock.stop());
beforeEach(() => {
  mock.reset();
  gemini.clear();
  files = new MemoryFileStore();
});

function ctx(key = KEY): BackendContext {
  return {
    target: (provider, model) => ({ provider, model: model ?? "", baseUrl: mock.url, apiKey: key, extraHeaders: {} }),
    adapter: () => geminiAdapter,
    fetch: (url, init) => fetch(url, init),
    files,
  };
}

function line(customId: string, text: string, model = "gemini-2.5-flash", url = "/v1/chat/completions"): BatchInputLine {
  return { custom_id: customId, method: "POST", url, body: { model, messages: [{ role: "system", content: "be brief" }, { role: "user", content: text }], max_tokens: 50 } };
}

async function* iterate<T>(items: T[]): AsyncIterable<T> {
  for (const i of items) yield i;
}

/** A batch record whose input file (OpenAI JSONL) is in the store, as the service would have it. */
async function batchOf(lines: BatchInputLine[]): Promise<BatchRecord> {
  const id = `batch_t${++seq}`;
  const input = await files.put(
    { id: `file-in${seq}`, owner: null, provider: "gemini", filename: "in.jsonl", purpose: "batch", createdAt: Date.now(), expiresAt: null, generated: false },
    iterate([new TextEncoder().encode(lines.map((l) => JSON.stringify(l)).join("\n") + "\n")]),
    1e9,
  );
  return batchRecord({ id, provider: "gemini", inputFileId: input.id, counts: { total: lines.length, completed: 0, failed: 0 } });
}

async function submitted(backend: typeof geminiBatchBackend, lines: BatchInputLine[]): Promise<BatchRecord> {
  const batch = await batchOf(lines);
  const s = await backend.submit(ctx(), batch, iterate(lines));
  return { ...batch, status: "in_progress", upstreamId: s.upstreamId, upstreamState: s.upstreamState ?? null };
}

async function collect(it: AsyncIterable<BatchOutputLine>): Promise<BatchOutputLine[]> {
  const out: BatchOutputLine[] = [];
  for await (const l of it) out.push(l);
  return out;
}

async function rejection(p: Promise<unknown>): Promise<BifrostError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(BifrostError);
    return e as BifrostError;
  }
  throw new Error("expected a rejection");
}

describe("gemini batch backend", () => {
  test("inline: submit → refresh until SUCCEEDED → OpenAI output lines, per-line errors included", async () => {
    const lines = [line("a", "hello there"), line("b", "please batch-fail this"), line("c", "gemini/ prefix", "gemini/gemini-2.5-flash")];
    const batch = await submitted(geminiBatchBackend, lines);
    expect(batch.upstreamId).toMatch(/^batches\/[a-z0-9]+$/);
    expect(batch.upstreamState).toEqual({ model: "gemini-2.5-flash", mode: "inline", total: 3 });

    // What went upstream: one model, the adapter's GenerateContentRequests keyed by custom_id, the key in its header.
    const create = mock.requests.find((r) => r.path.endsWith(":batchGenerateContent"))!;
    expect(create.path).toBe("/v1beta/models/gemini-2.5-flash:batchGenerateContent");
    expect(create.headers["x-goog-api-key"]).toBe(KEY);
    expect(create.search).toBe("");
    const items = create.body.batch.inputConfig.requests.requests;
    expect(create.body.batch.displayName).toBe(`bifrost-${batch.id}`);
    expect(items.map((i: any) => i.metadata.key)).toEqual(["a", "b", "c"]);
    expect(items[0].request).toEqual({
      contents: [{ role: "user", parts: [{ text: "hello there" }] }],
      systemInstruction: { parts: [{ text: "be brief" }] },
      generationConfig: { maxOutputTokens: 50 },
    });

    const first = await geminiBatchBackend.refresh(ctx(), batch);
    expect(first).toMatchObject({ status: "in_progress", counts: { total: 3, completed: 0, failed: 0 } });
    let now = first;
    while (now.status === "in_progress") now = await geminiBatchBackend.refresh(ctx(), batch);
    expect(now).toMatchObject({ status: "completed", counts: { total: 3, completed: 2, failed: 1 } });

    const out = await collect(geminiBatchBackend.results(ctx(), batch));
    expect(out.map((l) => l.custom_id)).toEqual(["a", "b", "c"]);
    const [a, b, c] = out as [BatchOutputLine, BatchOutputLine, BatchOutputLine];
    expect(a.id).toMatch(/^batch_req_/);
    expect(a.error).toBeNull();
    expect(a.response!.status_code).toBe(200);
    expect(a.response!.request_id).toMatch(/^mock-/);
    expect(a.response!.body).toMatchObject({
      object: "chat.completion",
      model: "gemini-2.5-flash",
      choices: [{ index: 0, message: { role: "assistant", content: "mock reply to: hello there" }, finish_reason: "stop" }],
      usage: { prompt_tokens: 4, completion_tokens: 5, total_tokens: 9 },
    });
    expect(b).toMatchObject({ custom_id: "b", response: null, error: { code: "invalid_argument", message: expect.stringContaining("batch-fail") } });
    expect(c.response!.body).toMatchObject({ choices: [{ message: { content: "mock reply to: gemini/ prefix" } }] });
  });

  test("a finish triggered by the test is seen at the next refresh", async () => {
    const batch = await submitted(geminiBatchBackend, [line("only", "quick")]);
    gemini.finish();
    expect(await geminiBatchBackend.refresh(ctx(), batch)).toMatchObject({ status: "completed", counts: { total: 1, completed: 1, failed: 0 } });
  });

  test("large input goes as an uploaded JSONL file, in chunks, and the staging copy is removed", async () => {
    const backend = createGeminiBatchBackend({ inlineMaxBytes: 300, uploadChunkBytes: 256 });
    const lines = Array.from({ length: 6 }, (_, i) => line(`row-${i}`, `question ${i}`));
    const batch = await submitted(backend, lines);
    const state = batch.upstreamState as any;
    expect(state).toMatchObject({ model: "gemini-2.5-flash", mode: "file", total: 6 });
    expect(state.inputFile).toMatch(/^files\//);

    // The upload: declared size and type, then chunks at increasing offsets, the last one finalizing.
    const start = mock.requests.find((r) => r.path === "/upload/v1beta/files" && r.headers["x-goog-upload-command"] === "start")!;
    expect(start.headers["x-goog-upload-protocol"]).toBe("resumable");
    expect(start.headers["x-goog-upload-header-content-type"]).toBe("application/jsonl");
    const chunks = mock.requests.filter((r) => r.path === "/upload/v1beta/files" && r.search.includes("upload_id"));
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.map((r) => r.headers["x-goog-upload-command"])).toEqual([...Array(chunks.length - 1).fill("upload"), "upload, finalize"]);
    expect(chunks.every((r) => r.headers["x-goog-api-key"] === KEY)).toBe(true);
    const uploaded = gemini.files.get(state.inputFile)!;
    const sent = uploaded.content.trim().split("\n").map((l) => JSON.parse(l));
    expect(Number(start.headers["x-goog-upload-header-content-length"])).toBe(Buffer.byteLength(uploaded.content));
    expect(sent.map((l) => l.key)).toEqual(lines.map((l) => l.custom_id));
    expect(sent[0].request.contents).toEqual([{ role: "user", parts: [{ text: "question 0" }] }]);
    const create = mock.requests.find((r) => r.path.endsWith(":batchGenerateContent"))!;
    expect(create.body.batch.inputConfig).toEqual({ fileName: state.inputFile });

    // Staged through the FileStore, then removed.
    expect(files.puts.some((m) => m.purpose === "batch_staging" && m.owner === "bifrost:gemini-staging" && m.generated)).toBe(true);
    expect([...files.metas.values()].some((m) => m.purpose === "batch_staging")).toBe(false);

    gemini.finish();
    expect(await backend.refresh(ctx(), batch)).toMatchObject({ status: "completed", counts: { total: 6, completed: 6, failed: 0 } });
    const out = await collect(backend.results(ctx(), batch));
    expect(out.map((l) => l.custom_id)).toEqual(lines.map((l) => l.custom_id));
    expect(out.every((l) => l.response?.status_code === 200 && l.error === null)).toBe(true);
    expect((out[5]!.response!.body as any).choices[0].message.content).toBe("mock reply to: question 5");
    expect(mock.requests.some((r) => r.path.startsWith("/download/v1beta/files/") && r.search === "?alt=media")).toBe(true);
    // The uploaded input is removed once the results are read.
    expect(gemini.files.has(state.inputFile)).toBe(false);
  });

  test("cancel: the batch ends cancelled and every unanswered line is an error line", async () => {
    const lines = [line("x", "one"), line("y", "two")];
    const batch = await submitted(geminiBatchBackend, lines);
    const after = await geminiBatchBackend.cancel(ctx(), { ...batch, status: "cancelling" });
    expect(after.status).toBe("cancelled");
    expect(mock.requests.some((r) => r.method === "POST" && r.path === `/v1beta/${batch.upstreamId}:cancel`)).toBe(true);
    const out = await collect(geminiBatchBackend.results(ctx(), { ...batch, status: "cancelled" }));
    expect(out).toEqual([
      { id: expect.stringMatching(/^batch_req_/), custom_id: "x", response: null, error: { code: "batch_cancelled", message: expect.stringContaining("cancelled") } },
      { id: expect.stringMatching(/^batch_req_/), custom_id: "y", response: null, error: { code: "batch_cancelled", message: expect.stringContaining("cancelled") } },
    ]);
  });

  test("a failed batch reports its error; an expired one its status", async () => {
    const failed = await submitted(geminiBatchBackend, [line("f", "one")]);
    gemini.fail(failed.upstreamId!, "quota exhausted for the batch");
    expect(await geminiBatchBackend.refresh(ctx(), failed)).toMatchObject({ status: "failed", errors: [{ code: "internal", message: "quota exhausted for the batch" }] });
    const expired = await submitted(geminiBatchBackend, [line("e", "two")]);
    gemini.expire(expired.upstreamId!);
    expect((await geminiBatchBackend.refresh(ctx(), expired)).status).toBe("expired");
    const out = await collect(geminiBatchBackend.results(ctx(), expired));
    expect(out).toMatchObject([{ custom_id: "e", error: { code: "batch_expired" } }]);
  });

  test("lines naming several models are refused before anything goes upstream", async () => {
    const lines = [line("a", "one"), line("b", "two", "gemini-2.0-flash")];
    const e = await rejection(geminiBatchBackend.submit(ctx(), await batchOf(lines), iterate(lines)));
    expect(e.status).toBe(400);
    expect(e.code).toBe("mixed_models");
    expect(e.message).toContain('line 2 (custom_id "b")');
    expect(e.message).toContain('"gemini-2.5-flash"');
    expect(e.message).toContain('"gemini-2.0-flash"');
    expect(gemini.batches.size).toBe(0);
  });

  test("a second model past the inline limit is refused too, and nothing is uploaded or left staged", async () => {
    const backend = createGeminiBatchBackend({ inlineMaxBytes: 200 });
    const lines = [...Array.from({ length: 4 }, (_, i) => line(`r${i}`, `question ${i}`)), line("odd", "other", "gemini-2.0-flash")];
    const e = await rejection(backend.submit(ctx(), await batchOf(lines), iterate(lines)));
    expect(e).toMatchObject({ status: 400, code: "mixed_models" });
    expect(e.message).toContain('line 5 (custom_id "odd")');
    expect(mock.requests.some((r) => r.path.startsWith("/upload/"))).toBe(false);
    expect([...files.metas.values()].some((m) => m.purpose === "batch_staging")).toBe(false);
    expect(gemini.batches.size).toBe(0);
  });

  test("embeddings lines and malformed chat bodies are refused with the line named", async () => {
    const emb = [{ custom_id: "e1", method: "POST" as const, url: "/v1/embeddings", body: { model: "gemini-embedding-001", input: "hi" } }];
    const e1 = await rejection(geminiBatchBackend.submit(ctx(), await batchOf(emb), iterate(emb)));
    expect(e1).toMatchObject({ status: 400, code: "unsupported_endpoint" });
    expect(e1.message).toContain("/v1/embeddings");
    const bad = [line("ok", "fine"), { custom_id: "bad", method: "POST" as const, url: "/v1/chat/completions", body: { model: "gemini-2.5-flash", messages: "nope" } }];
    const e2 = await rejection(geminiBatchBackend.submit(ctx(), await batchOf(bad), iterate(bad)));
    expect(e2.status).toBe(400);
    expect(e2.message).toContain('line 2 (custom_id "bad")');
    expect(gemini.batches.size).toBe(0);
  });

  test("the key never appears in an error", async () => {
    const lines = [line("a", "one")];
    const wrong = "gm-wrong-key-456";
    const denied = await rejection(geminiBatchBackend.submit({ ...ctx(wrong) }, await batchOf(lines), iterate(lines)));
    expect(denied.status).toBe(401);
    expect(denied.message).not.toContain(wrong);

    // An upstream that echoes the key back: the message is redacted.
    mock.fault({ status: 500, message: `internal error for key ${KEY}`, match: { path: "/v1beta/models/gemini-2.5-flash:batchGenerateContent" } });
    const echoed = await rejection(geminiBatchBackend.submit(ctx(), await batchOf(lines), iterate(lines)));
    expect(echoed.status).toBe(500);
    expect(echoed.message).toContain("[redacted]");
    expect(echoed.message).not.toContain(KEY);
    expect(JSON.stringify(echoed.toJSON())).not.toContain(KEY);

    // An unknown batch: Google's 404 comes back as it is.
    const batch = await submitted(geminiBatchBackend, lines);
    const missing = await rejection(geminiBatchBackend.refresh(ctx(), { ...batch, upstreamId: "batches/doesnotexist" }));
    expect(missing.status).toBe(404);
    expect(missing.message).not.toContain(KEY);
  });
});
