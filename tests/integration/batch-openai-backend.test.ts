/**
 * The OpenAI batch backend (src/batches/backends/openai.ts) against the mock's OpenAI Files and Batch APIs
 * (tests/support/mock/openai-batches.ts): submit → refresh until it ends → results; cancel; the provider's
 * errors as BifrostErrors (never the key); an upload streamed from a generator, not joined in memory.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { openaiBatchBackend } from "../../src/batches/backends/openai";
import { jsonlTexts } from "../../src/batches/jsonl";
import { ENDED, type BackendContext, type BatchInputLine, type BatchOutputLine, type BatchRecord } from "../../src/batches/types";
import { getAdapter } from "../../src/providers";
import type { ProviderTarget } from "../../src/providers/types";
import { BifrostError } from "../../src/schemas/error";
import { MemoryFileStore } from "../support/batch-doubles/memory-file-store";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";
import { createOpenAIBatchMock, FAIL_MODEL } from "../support/mock/openai-batches";
import { batchRecord } from "../support/batch-doubles/batch-record";

const KEY = "sk-batch-test-0123456789abcdef";
const openai = createOpenAIBatchMock({ key: KEY });
let mock: MockUpstream;

beforeAll(async () => {
  mock = await startMockUpstream({ dialects: [openai] });
});
afterAll(async () => {
  await mock.stop();
});
beforeEach(() => {
  mock.reset();
  openai.clear();
  openai.key = KEY;
  openai.autoAdvance = true;
});

interface CtxOptions {
  key?: string;
  baseUrl?: string;
  extraHeaders?: Record<string, string>;
  fetch?: BackendContext["fetch"];
}

const targets: Array<{ provider: string; model?: string }> = [];

function context(o: CtxOptions = {}): BackendContext {
  return {
    target(provider, model): ProviderTarget {
      targets.push({ provider, model });
      return { provider, model: model ?? "", baseUrl: o.baseUrl ?? mock.url, apiKey: o.key ?? KEY, extraHeaders: o.extraHeaders ?? {} };
    },
    adapter: () => getAdapter("openai"),
    fetch: o.fetch ?? ((url, init) => globalThis.fetch(url, init)),
    files: new MemoryFileStore(),
  };
}

function record(over: Partial<BatchRecord> = {}): BatchRecord {
  return batchRecord({ id: `batch_gw${crypto.randomUUID().slice(0, 8)}`, provider: "openai", inputFileId: "file-gw", ...over });
}

const chatLine = (id: string, model: string, text: string, extra: Record<string, unknown> = {}): BatchInputLine => ({
  custom_id: id,
  method: "POST",
  url: "/v1/chat/completions",
  body: { model, messages: [{ role: "user", content: text }], ...extra },
});

async function* from<T>(items: T[]): AsyncIterable<T> {
  for (const i of items) yield i;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function caught(p: Promise<unknown> | (() => Promise<unknown>)): Promise<BifrostError> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(BifrostError);
    return e as BifrostError;
  }
  throw new Error("expected a BifrostError");
}

/** Submits, then refreshes (as the service would) until the batch ends; returns the record as it ended. */
async function runToEnd(ctx: BackendContext, batch: BatchRecord, lines: AsyncIterable<BatchInputLine>): Promise<{ batch: BatchRecord; polls: string[] }> {
  const sub = await openaiBatchBackend.submit(ctx, batch, lines);
  let b: BatchRecord = { ...batch, upstreamId: sub.upstreamId, upstreamState: sub.upstreamState ?? null };
  const polls: string[] = [];
  for (let i = 0; i < 10 && !ENDED.has(b.status); i++) {
    const r = await openaiBatchBackend.refresh(ctx, b);
    polls.push(r.status);
    b = { ...b, status: r.status, counts: r.counts, errors: r.errors ?? null, upstreamState: r.upstreamState ?? b.upstreamState };
  }
  return { batch: b, polls };
}

describe("OpenAI batch backend against the mock's Files and Batch APIs", () => {
  test("submit, refresh until completed, then every result: the output file's lines, then the error file's", async () => {
    const ctx = context({ extraHeaders: { "openai-organization": "org-mock", "openai-project": "proj_mock" } });
    const lines = [
      chatLine("first", "openai/gpt-4o-mini", "hello there", { fallbacks: ["anthropic/claude-3-5-haiku"] }),
      chatLine("broken", FAIL_MODEL, "this one fails"),
      chatLine("third", "gpt-4o-mini", "and a third"),
    ];
    const batch = record({ metadata: { job: "nightly" } });
    const { batch: ended, polls } = await runToEnd(ctx, batch, from(lines));

    expect(polls).toEqual(["in_progress", "completed"]);
    expect(ended.counts).toEqual({ total: 3, completed: 2, failed: 1 });
    expect(ended.upstreamId).toStartWith("batch_");
    expect(JSON.stringify(ended.upstreamState)).not.toContain(KEY);
    // The key was asked for the first line's model, without its provider part.
    expect(targets.at(-1)).toEqual({ provider: "openai", model: "gpt-4o-mini" });

    // What the provider got: one multipart upload with the lines as OpenAI takes them, then the batch.
    const upload = mock.requests.find((r) => r.path === "/v1/files")!;
    expect(upload.headers["content-type"]).toStartWith("multipart/form-data; boundary=");
    expect(upload.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(upload.headers["openai-organization"]).toBe("org-mock");
    expect(upload.headers["openai-project"]).toBe("proj_mock");
    const inputId = (ended.upstreamState as any).inputFileId as string;
    const uploaded = openai.files.get(inputId)!;
    expect(uploaded.purpose).toBe("batch");
    expect(uploaded.filename).toBe(`${batch.id}.jsonl`);
    const sent = uploaded.content.trim().split("\n").map((l) => JSON.parse(l));
    expect(sent.map((l) => [l.custom_id, l.body.model])).toEqual([["first", "gpt-4o-mini"], ["broken", FAIL_MODEL], ["third", "gpt-4o-mini"]]);
    expect(sent[0].body.fallbacks).toBeUndefined();
    expect(sent[0]).toEqual({ custom_id: "first", method: "POST", url: "/v1/chat/completions", body: { model: "gpt-4o-mini", messages: [{ role: "user", content: "hello there" }] } });
    const create = mock.requests.find((r) => r.path === "/v1/batches" && r.method === "POST")!;
    expect(create.body).toEqual({ input_file_id: inputId, endpoint: "/v1/chat/completions", completion_window: "24h", metadata: { job: "nightly" } });

    const results: BatchOutputLine[] = await collect(openaiBatchBackend.results(ctx, ended));
    expect(results.map((r) => r.custom_id)).toEqual(["first", "third", "broken"]);
    const ok = results[0]!.response!;
    expect(ok.status_code).toBe(200);
    expect(ok.request_id).toStartWith("req_");
    expect(ok.body).toMatchObject({ object: "chat.completion", model: "gpt-4o-mini", choices: [{ message: { role: "assistant", content: "mock reply to: hello there" } }], usage: { prompt_tokens: 2, completion_tokens: 5, total_tokens: 7 } });
    expect(results[2]).toMatchObject({ custom_id: "broken", response: { status_code: 404, body: { error: { code: "model_not_found" } } }, error: null });
    // The lines are the provider's, unchanged.
    const outputFile = openai.files.get(openai.batches.get(ended.upstreamId!)!.obj.output_file_id)!;
    expect(outputFile.content.trim().split("\n").map((l) => JSON.parse(l))).toEqual(results.slice(0, 2));
  });

  test("results of a batch recorded without its file ids ask the provider for them", async () => {
    const ctx = context();
    const sub = await openaiBatchBackend.submit(ctx, record(), from([chatLine("only", "openai/gpt-4o-mini", "hi")]));
    openai.complete(sub.upstreamId);
    const results = await collect(openaiBatchBackend.results(ctx, record({ upstreamId: sub.upstreamId, upstreamState: sub.upstreamState ?? null, status: "completed" })));
    expect(results.map((r) => r.custom_id)).toEqual(["only"]);
  });

  test("results arriving in small writes are read line by line", async () => {
    const ctx = context();
    const lines = Array.from({ length: 40 }, (_, i) => chatLine(`line-${i}`, "openai/gpt-4o-mini", `ünï✓${i}`));
    const { batch } = await runToEnd(ctx, record(), from(lines));
    const outId = (batch.upstreamState as any).outputFileId as string;
    mock.fault({ chunkDelayMs: 1, match: { path: `/v1/files/${outId}/content` } });
    const results = await collect(openaiBatchBackend.results(ctx, batch));
    expect(results.map((r) => r.custom_id)).toEqual(lines.map((l) => l.custom_id));
    expect((results[7]!.response!.body as any).choices[0].message.content).toBe("mock reply to: ünï✓7 alpha");
  });

  test("cancel: cancelling, then cancelled on the next refresh, with no results", async () => {
    const ctx = context();
    openai.autoAdvance = false;
    const sub = await openaiBatchBackend.submit(ctx, record(), from([chatLine("a", "openai/gpt-4o-mini", "hi"), chatLine("b", "openai/gpt-4o-mini", "there")]));
    openai.advance(sub.upstreamId);
    const b = record({ upstreamId: sub.upstreamId, upstreamState: sub.upstreamState ?? null, status: "in_progress" });
    const c = await openaiBatchBackend.cancel(ctx, b);
    expect(c.status).toBe("cancelling");
    expect(c.counts).toEqual({ total: 2, completed: 0, failed: 0 });
    expect(mock.requests.at(-1)).toMatchObject({ method: "POST", path: `/v1/batches/${sub.upstreamId}/cancel` });
    openai.advance(sub.upstreamId);
    const r = await openaiBatchBackend.refresh(ctx, { ...b, status: "cancelling", upstreamState: c.upstreamState ?? null });
    expect(r.status).toBe("cancelled");
    expect(await collect(openaiBatchBackend.results(ctx, { ...b, status: "cancelled", upstreamState: r.upstreamState ?? null }))).toEqual([]);

    // Cancelling a completed batch: the provider's 400, its message.
    const done = await openaiBatchBackend.submit(ctx, record(), from([chatLine("a", "openai/gpt-4o-mini", "hi")]));
    openai.complete(done.upstreamId);
    const e = await caught(openaiBatchBackend.cancel(ctx, record({ upstreamId: done.upstreamId, upstreamState: done.upstreamState ?? null, status: "completed" })));
    expect(e.status).toBe(400);
    expect(e.message).toBe("Cannot cancel a batch with status 'completed'.");
  });

  test("an input the provider finds invalid: the batch fails with the provider's errors, line by line", async () => {
    const ctx = context();
    const lines = [chatLine("a", "openai/gpt-4o-mini", "hi"), { ...chatLine("b", "openai/gpt-4o-mini", "hi"), url: "/v1/embeddings" }];
    const { batch, polls } = await runToEnd(ctx, record(), from(lines));
    expect(polls).toEqual(["failed"]);
    expect(batch.errors).toEqual([{ code: "mismatched_url", message: "The provided URL for this request does not match the batch endpoint.", param: "url", line: 2 }]);
    expect(await collect(openaiBatchBackend.results(ctx, batch))).toEqual([]);
  });

  test("the provider's 4xx and 5xx are BifrostErrors with its status and message", async () => {
    const ctx = context();
    // Unknown batch: 404.
    const missing = await caught(openaiBatchBackend.refresh(ctx, record({ upstreamId: "batch_nope" })));
    expect(missing.status).toBe(404);
    expect(missing.message).toBe("No such Batch object: batch_nope");
    expect(missing.isBifrostError).toBe(false);
    expect(missing.extra.provider).toBe("openai");
    mock.reset();

    // The batch cannot be created (the provider is overloaded): the uploaded file is deleted again.
    mock.fault({ status: 503, message: "The engine is currently overloaded, please try again later", match: { path: "/v1/batches" } });
    const overloaded = await caught(openaiBatchBackend.submit(ctx, record(), from([chatLine("a", "openai/gpt-4o-mini", "hi")])));
    expect(overloaded.status).toBe(503);
    expect(overloaded.message).toBe("The engine is currently overloaded, please try again later");
    expect(mock.requests.map((r) => `${r.method} ${r.path.replace(/file-\w+/, "file-x")}`)).toEqual(["POST /v1/files", "POST /v1/batches", "DELETE /v1/files/file-x"]);
    expect([...openai.files.values()]).toEqual([]);

    // A rate limit keeps the provider's Retry-After for whoever retries.
    mock.fault({ status: 429, message: "Rate limit reached for requests", headers: { "retry-after": "7" }, match: { path: "/v1/files" } });
    const limited = await caught(openaiBatchBackend.submit(ctx, record(), from([chatLine("a", "openai/gpt-4o-mini", "hi")])));
    expect(limited.status).toBe(429);
    expect(limited.type).toBe("requests");
    expect(limited.message).toBe("Rate limit reached for requests");
    expect(limited.retryAfterMs).toBe(7000);

    // The provider's own validation of the batch request.
    const bad = await caught(openaiBatchBackend.submit(ctx, record({ completionWindow: "48h" }), from([chatLine("a", "openai/gpt-4o-mini", "hi")])));
    expect(bad.status).toBe(400);
    expect(bad.message).toBe("Invalid value: '48h'. Supported values are: '24h'.");
    expect(bad.param).toBe("completion_window");

    // No lines at all: refused before anything is sent.
    mock.reset();
    const empty = await caught(openaiBatchBackend.submit(ctx, record(), from([])));
    expect(empty.status).toBe(400);
    expect(mock.requests).toEqual([]);
  });

  test("the key is never in an error, even when the provider echoes it", async () => {
    const wrong = "sk-wrong-key-9876543210";
    const e401 = await caught(openaiBatchBackend.submit(context({ key: wrong }), record(), from([chatLine("a", "openai/gpt-4o-mini", "hi")])));
    expect(e401.status).toBe(401);
    expect(e401.message).toStartWith("Incorrect API key provided: [REDACTED].");
    expect(JSON.stringify(e401.toJSON())).not.toContain(wrong);

    const bad = await caught(openaiBatchBackend.refresh(context({ key: "bad-key" }), record({ upstreamId: "batch_x" })));
    expect(bad.status).toBe(401);
    expect(bad.message).not.toContain("bad-key");

    // An upstream that echoes a credential carried in extra_headers: masked too.
    mock.fault({ status: 500, rawBody: JSON.stringify({ error: { message: `proxy rejected token proxy-secret-123 and key ${KEY}` } }), match: { path: "/v1/batches/batch_y" } });
    const proxied = await caught(openaiBatchBackend.refresh(context({ extraHeaders: { "x-proxy-token": "proxy-secret-123" } }), record({ upstreamId: "batch_y" })));
    expect(proxied.status).toBe(500);
    expect(proxied.message).toBe("proxy rejected token [REDACTED] and key [REDACTED]");

    // Nobody listening: a 502 naming the provider, nothing more.
    const closed = Bun.serve({ port: 0, fetch: () => new Response("") });
    const deadUrl = `http://127.0.0.1:${closed.port}`;
    await closed.stop(true);
    const down = await caught(openaiBatchBackend.refresh(context({ baseUrl: deadUrl }), record({ upstreamId: "batch_z" })));
    expect(down.status).toBe(502);
    expect(down.code).toBe("upstream_unreachable");
    expect(down.message).not.toContain(KEY);
  });

  test("the upload is streamed from the input as fetch reads it: 20,000 lines from a generator, never joined", async () => {
    const N = 20_000;
    let produced = 0;
    async function* generate(): AsyncIterable<BatchInputLine> {
      for (let i = 0; i < N; i++) {
        produced++;
        yield chatLine(`req-${i}`, "openai/gpt-4o-mini", `question number ${i}`);
      }
    }
    const seen: Array<{ url: string; streamed: boolean; producedAtCall: number }> = [];
    const ctx = context({
      fetch: (url, init) => {
        seen.push({ url, streamed: init?.body instanceof ReadableStream, producedAtCall: produced });
        return globalThis.fetch(url, init);
      },
    });
    const sub = await openaiBatchBackend.submit(ctx, record(), generate());
    expect(produced).toBe(N);
    // fetch got a stream, and was called before the input was read (only the first line, to choose the key).
    expect(seen[0]).toEqual({ url: `${mock.url}/v1/files`, streamed: true, producedAtCall: 1 });

    const uploaded = openai.files.get((sub.upstreamState as any).inputFileId)!;
    const got = uploaded.content.split("\n").filter(Boolean);
    expect(got.length).toBe(N);
    expect(JSON.parse(got[0]!).custom_id).toBe("req-0");
    expect(JSON.parse(got[N - 1]!).custom_id).toBe(`req-${N - 1}`);

    openai.complete(sub.upstreamId);
    let n = 0;
    for await (const r of openaiBatchBackend.results(ctx, record({ upstreamId: sub.upstreamId, upstreamState: sub.upstreamState ?? null }))) {
      if (r.custom_id !== `req-${n}`) throw new Error(`line ${n} is ${r.custom_id}`);
      n++;
    }
    expect(n).toBe(N);
  });

  test("the upload's bytes reach the provider while the input is still being produced", async () => {
    // A provider that counts what arrives as it arrives; the input waits, half-way, until bytes have arrived.
    let received = 0;
    let arrived!: () => void;
    const someArrived = new Promise<void>((r) => (arrived = r));
    const provider = Bun.serve({
      port: 0,
      async fetch(req) {
        const path = new URL(req.url).pathname;
        if (path === "/v1/batches") return Response.json({ id: "batch_raw", status: "validating" });
        for await (const chunk of req.body!) {
          received += chunk.byteLength;
          arrived();
        }
        return Response.json({ id: "file-raw", object: "file", bytes: received });
      },
    });
    let receivedMidway = -1;
    async function* input(): AsyncIterable<BatchInputLine> {
      for (let i = 0; i < 2000; i++) yield chatLine(`a-${i}`, "openai/gpt-4o-mini", "x".repeat(100));
      await someArrived;
      receivedMidway = received;
      for (let i = 0; i < 2000; i++) yield chatLine(`b-${i}`, "openai/gpt-4o-mini", "y".repeat(100));
    }
    try {
      const sub = await openaiBatchBackend.submit(context({ baseUrl: `http://127.0.0.1:${provider.port}` }), record(), input());
      expect(sub).toEqual({ upstreamId: "batch_raw", upstreamState: { inputFileId: "file-raw", model: "gpt-4o-mini" } });
      expect(receivedMidway).toBeGreaterThan(0);
      expect(received).toBeGreaterThan(receivedMidway + 2000 * 100);
    } finally {
      await provider.stop(true);
    }
  });

  test("an input that fails part-way: its error is the answer, and the upload stops", async () => {
    async function* failing(): AsyncIterable<BatchInputLine> {
      yield chatLine("a", "openai/gpt-4o-mini", "hi");
      throw BifrostError.badRequest("line 2 of the input file is not valid JSON", "input_file_id", "invalid_json_line");
    }
    const e = await caught(openaiBatchBackend.submit(context(), record(), failing()));
    expect(e.status).toBe(400);
    expect(e.code).toBe("invalid_json_line");
    expect(mock.requests.filter((r) => r.path === "/v1/batches")).toEqual([]);
  });
});

describe("jsonlTexts (the one JSONL splitter)", () => {
  const text = '{"a":1}\r\n\n{"b":"ünï ✓"}\n  \n{"c":[1,2]}';
  const bytes = new TextEncoder().encode(text);
  const expected = ['{"a":1}', '{"b":"ünï ✓"}', '{"c":[1,2]}'];

  test("the same lines whatever the split, characters cut across chunks included", async () => {
    for (const size of [1, 2, 3, 5, 7, 64]) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      expect(await collect(jsonlTexts(from(chunks)))).toEqual(expected);
    }
  });

  test("a line past the limit is a broken file, not unbounded memory", async () => {
    const long = new TextEncoder().encode("x".repeat(100));
    await expect(collect(jsonlTexts(from([long, long]), 150))).rejects.toThrow("longer than 150 bytes");
  });
});
