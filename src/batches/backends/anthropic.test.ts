/** The Anthropic batch backend against the mock's Message Batches API: OpenAI lines out, OpenAI output lines back. */
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { startMockUpstream, type MockUpstream } from "../../../tests/support/mock-upstream";
import { createAnthropicBatchesMock } from "../../../tests/support/mock/anthropic-batches";
import { MOCK_DIALECTS } from "../../../tests/support/mock";
import { MemoryFileStore } from "../../../tests/support/batch-doubles/memory-file-store";
import { getAdapter } from "../../providers";
import type { ProviderTarget } from "../../providers/types";
import { BifrostError } from "../../schemas/error";
import type { BackendContext, BatchInputLine, BatchOutputLine, BatchRecord } from "../types";
import { anthropicBatchBackend as backend, sameOrigin, toStatus } from "./anthropic";
import { batchRecord } from "../../../tests/support/batch-doubles/batch-record";

const KEY = "sk-ant-secret-key-123";
const batches = createAnthropicBatchesMock({ pollsToEnd: 3 });
const mock: MockUpstream = await startMockUpstream({ dialects: [batches, ...MOCK_DIALECTS] });
afterAll(() => mock.stop());

const files = new MemoryFileStore();
const targets: Array<{ provider: string; model?: string }> = [];

function context(key = KEY): BackendContext {
  return {
    target(provider, model): ProviderTarget {
      targets.push({ provider, model });
      if (model === "claude-forbidden") throw new BifrostError({ status: 403, type: "permission_error", message: `no key of ${provider} may call ${model}` });
      return { provider, model: model ?? "", baseUrl: mock.url, apiKey: key, extraHeaders: {} };
    },
    adapter: (provider) => getAdapter(provider),
    fetch: (url, init) => globalThis.fetch(url, init),
    files,
  };
}

function record(over: Partial<BatchRecord> = {}): BatchRecord {
  return batchRecord({ id: "batch_test", provider: "anthropic", inputFileId: "file-input", ...over });
}

function line(custom_id: string, text: string, model = "anthropic/claude-3-5-haiku-latest", url = "/v1/chat/completions"): BatchInputLine {
  return { custom_id, method: "POST", url, body: { model, max_tokens: 64, messages: [{ role: "system", content: "Be brief." }, { role: "user", content: text }] } };
}

async function* each<T>(items: T[]): AsyncIterable<T> {
  yield* items;
}

async function collect(it: AsyncIterable<BatchOutputLine>): Promise<BatchOutputLine[]> {
  const out: BatchOutputLine[] = [];
  for await (const l of it) out.push(l);
  return out;
}

/** Submits, then refreshes until the provider says the batch ended; the record kept up to date as the service would. */
async function submitAndEnd(lines: BatchInputLine[], ctx = context()): Promise<BatchRecord> {
  const sent = await backend.submit(ctx, record(), each(lines));
  let batch = record({ status: "in_progress", upstreamId: sent.upstreamId, upstreamState: sent.upstreamState ?? null });
  for (let i = 0; i < 10 && batch.status === "in_progress"; i++) {
    const r = await backend.refresh(ctx, batch);
    batch = { ...batch, status: r.status, counts: r.counts, upstreamState: r.upstreamState ?? batch.upstreamState };
  }
  return batch;
}

async function caught(p: Promise<unknown>): Promise<BifrostError> {
  try {
    await p;
  } catch (e) {
    return e as BifrostError;
  }
  throw new Error("expected a rejection");
}

beforeEach(() => {
  mock.reset();
  batches.reset();
  targets.length = 0;
});

describe("anthropic batch backend", () => {
  test("submit sends each chat line as {custom_id, params} in Anthropic's wire format, with the key as x-api-key", async () => {
    const sent = await backend.submit(context(), record(), each([line("a-1", "hello there"), line("a-2", "second", "claude-3-5-haiku-latest")]));
    expect(sent.upstreamId).toStartWith("msgbatch_mock_");
    expect(sent.upstreamState).toMatchObject({ model: "claude-3-5-haiku-latest" });

    const req = mock.requests.find((r) => r.path === "/v1/messages/batches")!;
    expect(req.method).toBe("POST");
    expect(req.headers["x-api-key"]).toBe(KEY);
    expect(req.headers["anthropic-version"]).toBe("2023-06-01");
    expect(req.headers.authorization).toBeUndefined();
    const params = (text: string) => ({
      model: "claude-3-5-haiku-latest",
      messages: [{ role: "user", content: [{ type: "text", text }] }],
      max_tokens: 64,
      system: [{ type: "text", text: "Be brief." }],
    });
    expect(req.body.requests).toEqual([
      { custom_id: "a-1", params: params("hello there") },
      { custom_id: "a-2", params: params("second") },
    ]);
    // The spooled request body is gone from the file store once sent.
    expect(files.metas.size).toBe(0);
  });

  test("refresh until ended, then results as OpenAI output lines with chat.completion bodies and usage", async () => {
    const batch = await submitAndEnd([line("q1", "what is up"), line("q2", "tell me more")]);
    expect(batch.status).toBe("completed");
    expect(batch.counts).toEqual({ total: 2, completed: 2, failed: 0 });
    expect(batches.batches.values().next().value!.polls).toBe(3);

    const out = await collect(backend.results(context(), batch));
    expect(out.map((l) => l.custom_id)).toEqual(["q1", "q2"]);
    const first = out[0]!;
    expect(first.id).toMatch(/^batch_req_[a-z2-7]{26}$/);
    expect(first.error).toBeNull();
    expect(first.response!.status_code).toBe(200);
    expect(first.response!.request_id).toStartWith("msg_mock_");
    expect(first.response!.body).toMatchObject({
      object: "chat.completion",
      model: "claude-3-5-haiku-latest",
      choices: [{ index: 0, message: { role: "assistant", content: "mock reply to: what is" }, finish_reason: "stop" }],
      usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 },
      extra_fields: { provider: "anthropic" },
    });
    const resultsCall = mock.requests.find((r) => r.path.endsWith("/results"))!;
    expect(resultsCall.headers["x-api-key"]).toBe(KEY);
  });

  test("in-progress counts: everything processing", async () => {
    const sent = await backend.submit(context(), record(), each([line("p1", "x"), line("p2", "y")]));
    const r = await backend.refresh(context(), record({ upstreamId: sent.upstreamId, upstreamState: sent.upstreamState ?? null }));
    expect(r.status).toBe("in_progress");
    expect(r.counts).toEqual({ total: 2, completed: 0, failed: 0 });
    expect(r.expiresAt).toBeGreaterThan(Date.now());
  });

  test("errored requests come back as error lines with the provider's status and message", async () => {
    const batch = await submitAndEnd([line("ok", "fine"), line("bad", "please fail now")]);
    expect(batch.counts).toEqual({ total: 2, completed: 1, failed: 1 });
    const out = await collect(backend.results(context(), batch));
    const bad = out.find((l) => l.custom_id === "bad")!;
    expect(bad.error).toBeNull();
    expect(bad.response).toMatchObject({ status_code: 400, body: { error: { type: "invalid_request_error", message: "mock: the request asked to fail" } } });
  });

  test("cancel: canceling, then cancelled with every unfinished request a batch_cancelled error line", async () => {
    const ctx = context();
    const sent = await backend.submit(ctx, record(), each([line("c1", "one"), line("c2", "two")]));
    let batch = record({ status: "in_progress", upstreamId: sent.upstreamId, upstreamState: sent.upstreamState ?? null });
    const c = await backend.cancel(ctx, batch);
    expect(c.status).toBe("cancelling");
    expect(mock.requests.at(-1)).toMatchObject({ method: "POST", path: `/v1/messages/batches/${sent.upstreamId}/cancel` });
    const r = await backend.refresh(ctx, batch);
    expect(r.status).toBe("cancelled");
    expect(r.counts).toEqual({ total: 2, completed: 0, failed: 0 });
    batch = { ...batch, status: r.status, upstreamState: r.upstreamState ?? null };
    const out = await collect(backend.results(ctx, batch));
    expect(out.map((l) => [l.custom_id, l.error?.code])).toEqual([["c1", "batch_cancelled"], ["c2", "batch_cancelled"]]);
  });

  test("expired requests: status expired, batch_expired error lines", async () => {
    const ctx = context();
    const sent = await backend.submit(ctx, record(), each([line("e1", "one")]));
    batches.expire(sent.upstreamId);
    const batch = record({ upstreamId: sent.upstreamId, upstreamState: sent.upstreamState ?? null });
    const r = await backend.refresh(ctx, batch);
    expect(r.status).toBe("expired");
    const out = await collect(backend.results(ctx, { ...batch, upstreamState: r.upstreamState ?? null }));
    expect(out[0]!.error?.code).toBe("batch_expired");
  });

  test("a line for another endpoint is refused at submit, naming the line", async () => {
    const e = await caught(backend.submit(context(), record(), each([line("a", "x"), line("b", "y", "claude-3-5-haiku-latest", "/v1/embeddings")])));
    expect(e).toBeInstanceOf(BifrostError);
    expect(e.status).toBe(400);
    expect(e.message).toBe('line 2 (custom_id "b"): anthropic batches run chat completions only (url "/v1/chat/completions"), not "/v1/embeddings"');
    expect(mock.requests.filter((r) => r.path === "/v1/messages/batches")).toHaveLength(0);
    expect(files.metas.size).toBe(0);
  });

  test("a model naming another provider, a custom_id Anthropic refuses and a model no key may call are refused at submit", async () => {
    expect((await caught(backend.submit(context(), record(), each([line("a", "x", "openai/gpt-4o")])))).message).toContain('model "openai/gpt-4o" names another provider; this batch runs on anthropic');
    expect((await caught(backend.submit(context(), record(), each([line("a.b", "x")])))).message).toContain("custom_id must be 1-64 letters");
    const denied = await caught(backend.submit(context(), record(), each([line("a", "x"), line("b", "y", "claude-forbidden")])));
    expect(denied.status).toBe(403);
    expect(denied.message).toBe('line 2 (custom_id "b"): no key of anthropic may call claude-forbidden');
    expect(await caught(backend.submit(context(), record(), each([])))).toMatchObject({ status: 400, message: "the batch has no requests" });
  });

  test("refresh, cancel and results choose the key for the same model as submit", async () => {
    const batch = await submitAndEnd([line("k1", "x", "claude-sonnet-4-5")]);
    await collect(backend.results(context(), batch));
    expect(new Set(targets.map((t) => t.model))).toEqual(new Set(["claude-sonnet-4-5"]));
  });

  test("a batch read with another key is not found (keys are scoped to their workspace)", async () => {
    const sent = await backend.submit(context(), record(), each([line("x", "y")]));
    const e = await caught(backend.refresh(context("sk-ant-other"), record({ upstreamId: sent.upstreamId, upstreamState: sent.upstreamState ?? null })));
    expect(e.status).toBe(404);
  });

  test("upstream errors keep their status and message and never quote the key", async () => {
    mock.fault({ status: 429, message: `rate limited for key ${KEY}` });
    const e = await caught(backend.submit(context(), record(), each([line("x", "y")])));
    expect(e.status).toBe(429);
    expect(e.message).toBe("rate limited for key [redacted]");
    expect(JSON.stringify(e.toJSON())).not.toContain(KEY);

    const bad = await caught(backend.submit(context("bad-key"), record(), each([line("x", "y")])));
    expect(bad.status).toBe(401);
    expect(bad.message).toBe("invalid x-api-key");
  });

  test("an unreachable provider is a 502 without the key", async () => {
    const ctx = { ...context(), fetch: () => Promise.reject(new Error(`connect ECONNREFUSED ${KEY}`)) };
    const e = await caught(backend.refresh(ctx, record({ upstreamId: "msgbatch_x", upstreamState: { model: "m" } })));
    expect(e.status).toBe(502);
    expect(e.message).not.toContain(KEY);
  });
});

describe("anthropic batch backend: mappings", () => {
  test("processing_status → OpenAI status", () => {
    const counts = { processing: 0, succeeded: 1, errored: 0, canceled: 0, expired: 0 };
    expect(toStatus({ processing_status: "in_progress", cancel_initiated_at: null, request_counts: counts })).toBe("in_progress");
    expect(toStatus({ processing_status: "canceling", cancel_initiated_at: "t", request_counts: counts })).toBe("cancelling");
    expect(toStatus({ processing_status: "ended", cancel_initiated_at: "t", request_counts: counts })).toBe("cancelled");
    expect(toStatus({ processing_status: "ended", cancel_initiated_at: null, request_counts: { ...counts, expired: 1 } })).toBe("expired");
    expect(toStatus({ processing_status: "ended", cancel_initiated_at: null, request_counts: counts })).toBe("completed");
  });

  test("a results_url elsewhere is read at the same path on the configured base URL (the key goes nowhere else)", () => {
    expect(sameOrigin("https://api.anthropic.com/v1/messages/batches/b/results", "https://proxy.example/anthropic")).toBe("https://proxy.example/anthropic/v1/messages/batches/b/results");
    expect(sameOrigin("https://proxy.example/anthropic/v1/messages/batches/b/results", "https://proxy.example/anthropic")).toBe("https://proxy.example/anthropic/v1/messages/batches/b/results");
  });
});

describe("the mock's Message Batches API", () => {
  test("is served by every mock upstream and checks x-api-key (a Bearer token is not enough) and anthropic-version", async () => {
    const plain = await startMockUpstream();
    try {
      const post = (headers: Record<string, string>) =>
        fetch(`${plain.url}/v1/messages/batches`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ requests: [{ custom_id: "a", params: {} }] }) });
      const bearer = await post({ authorization: `Bearer ${KEY}`, "anthropic-version": "2023-06-01" });
      expect(bearer.status).toBe(401);
      expect(await bearer.json()).toEqual({ type: "error", error: { type: "authentication_error", message: "x-api-key header is required" } });
      expect((await post({ "x-api-key": KEY })).status).toBe(400);
      const ok = await post({ "x-api-key": KEY, "anthropic-version": "2023-06-01" });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ type: "message_batch", processing_status: "in_progress", request_counts: { processing: 1 } });
    } finally {
      await plain.stop();
    }
  });
});
