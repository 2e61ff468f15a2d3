/**
 * Anthropic's Message Batches API in the mock upstream, kept in memory: create, retrieve, list, cancel,
 * results (JSONL), delete. A batch ends when it has been retrieved `pollsToEnd` times, or when a test
 * calls `end(id)` / `expire(id)`; a canceled batch ends on the next retrieve with its requests canceled.
 * Each batch belongs to the x-api-key that created it (another key gets a 404, as another workspace would).
 *
 * A request whose last user text has the word "fail" ends errored (invalid_request_error); params
 * without model, max_tokens or messages too. Every other one succeeds with "mock reply to: <text>"
 * cut or padded to ctx.words words, with usage counted in words.
 */
import { countWords, lastUserText, replyWords, textOf, type MockCtx, type MockDialect, type MockReply } from "./types";

const PREFIX = "/v1/messages/batches";
const ONE = /^\/v1\/messages\/batches\/([^/]+)(\/cancel|\/results)?$/;
const CUSTOM_ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface MockBatchRequest {
  custom_id: string;
  params: any;
}

export interface MockBatch {
  id: string;
  /** The x-api-key that created it. */
  key: string;
  requests: MockBatchRequest[];
  createdAt: Date;
  polls: number;
  processing: "in_progress" | "canceling" | "ended";
  cancelInitiatedAt: Date | null;
  endedAt: Date | null;
  /** Result lines once ended. */
  results: Array<{ custom_id: string; result: any }> | null;
}

export interface AnthropicBatchesMock extends MockDialect {
  readonly batches: Map<string, MockBatch>;
  /** Retrieves after which an in-progress batch ends (default 2). */
  pollsToEnd: number;
  /** End a batch (every batch when no id) now: its requests run. */
  end(id?: string): void;
  /** End a batch with every request still processing expired. */
  expire(id: string): void;
  reset(): void;
}

export function createAnthropicBatchesMock(opts: { pollsToEnd?: number } = {}): AnthropicBatchesMock {
  const batches = new Map<string, MockBatch>();
  let seq = 0;
  let words = 5;
  let nextId = () => ++seq;

  function finish(b: MockBatch, how: "run" | "cancel" | "expire"): void {
    if (b.processing === "ended") return;
    b.processing = "ended";
    b.endedAt = new Date();
    b.results = b.requests.map((r) => ({
      custom_id: r.custom_id,
      result: how === "run" ? runRequest(r.params, words, nextId) : { type: how === "cancel" ? "canceled" : "expired" },
    }));
  }

  const mock: AnthropicBatchesMock = {
    name: "anthropic-batches",
    batches,
    pollsToEnd: opts.pollsToEnd ?? 2,
    end(id) {
      for (const b of id ? [batches.get(id)!] : batches.values()) if (b) finish(b, "run");
    },
    expire(id) {
      const b = batches.get(id);
      if (b) finish(b, "expire");
    },
    reset() {
      batches.clear();
    },

    owns: (_req, url) => url.pathname === PREFIX || url.pathname.startsWith(`${PREFIX}/`),

    handle(req, url, body, ctx) {
      words = ctx.words;
      nextId = ctx.nextId;
      const key = req.headers.get("x-api-key")?.trim() ?? "";
      if (!key) return error(401, "x-api-key header is required");
      if (key === "bad-key") return error(401, "invalid x-api-key");
      if (!req.headers.get("anthropic-version")) return error(400, "anthropic-version: header is required");

      if (url.pathname === PREFIX) {
        if (req.method === "POST") return create(body, key, url, ctx);
        if (req.method === "GET") return list(url, key);
        return error(405, `${req.method} is not allowed here`);
      }
      const m = ONE.exec(url.pathname);
      const b = m ? batches.get(decodeURIComponent(m[1]!)) : undefined;
      if (!m || !b || b.key !== key) return error(404, "batch not found");
      const action = m[2];
      if (!action && req.method === "GET") {
        b.polls++;
        if (b.processing === "canceling") finish(b, "cancel");
        else if (b.processing === "in_progress" && b.polls >= mock.pollsToEnd) finish(b, "run");
        return json(view(b, url));
      }
      if (!action && req.method === "DELETE") {
        if (b.processing !== "ended") return error(400, "batch has not ended; cancel it first");
        batches.delete(b.id);
        return json({ id: b.id, type: "message_batch_deleted" });
      }
      if (action === "/cancel" && req.method === "POST") {
        if (b.processing === "in_progress") (b.processing = "canceling"), (b.cancelInitiatedAt = new Date());
        return json(view(b, url));
      }
      if (action === "/results" && req.method === "GET") {
        if (!b.results) return error(404, "results are not available until the batch ends");
        const text = b.results.map((r) => JSON.stringify(r)).join("\n") + "\n";
        return { kind: "bytes", status: 200, body: new TextEncoder().encode(text), contentType: "application/binary" };
      }
      return error(405, `${req.method} is not allowed here`);
    },

    errorBody: (status, message) => errorBody(status, message),
    streamErrorFrame: (message) => `event: error\ndata: ${JSON.stringify(errorBody(529, message))}\n\n`,
  };

  function create(body: any, key: string, url: URL, ctx: MockCtx): MockReply {
    if (!body || typeof body !== "object" || !Array.isArray(body.requests)) return error(400, "requests: Field required");
    if (!body.requests.length) return error(400, "requests: List should have at least 1 item");
    const seen = new Set<string>();
    for (let i = 0; i < body.requests.length; i++) {
      const r = body.requests[i];
      if (typeof r?.custom_id !== "string" || !CUSTOM_ID.test(r.custom_id)) return error(400, `requests.${i}.custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`);
      if (seen.has(r.custom_id)) return error(400, `requests.${i}.custom_id: duplicate custom_id ${r.custom_id}`);
      seen.add(r.custom_id);
      if (!r.params || typeof r.params !== "object") return error(400, `requests.${i}.params: Field required`);
    }
    const b: MockBatch = {
      id: `msgbatch_mock_${ctx.nextId()}`,
      key,
      requests: body.requests,
      createdAt: new Date(),
      polls: 0,
      processing: "in_progress",
      cancelInitiatedAt: null,
      endedAt: null,
      results: null,
    };
    batches.set(b.id, b);
    return json(view(b, url));
  }

  function list(url: URL, key: string): MockReply {
    const all = [...batches.values()].filter((b) => b.key === key).reverse();
    const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get("limit") ?? 20) || 20));
    const after = url.searchParams.get("after_id");
    const start = after ? all.findIndex((b) => b.id === after) + 1 : 0;
    const page = all.slice(start, start + limit);
    return json({ data: page.map((b) => view(b, url)), has_more: start + limit < all.length, first_id: page[0]?.id ?? null, last_id: page.at(-1)?.id ?? null });
  }

  return mock;
}

function view(b: MockBatch, url: URL): unknown {
  const counts = { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
  if (!b.results) counts.processing = b.requests.length;
  else for (const r of b.results) counts[r.result.type as "succeeded"]++;
  return {
    id: b.id,
    type: "message_batch",
    processing_status: b.processing,
    request_counts: counts,
    ended_at: b.endedAt?.toISOString() ?? null,
    created_at: b.createdAt.toISOString(),
    expires_at: new Date(b.createdAt.getTime() + 24 * 3600_000).toISOString(),
    archived_at: null,
    cancel_initiated_at: b.cancelInitiatedAt?.toISOString() ?? null,
    results_url: b.results ? `${url.origin}${PREFIX}/${b.id}/results` : null,
  };
}

/** One request of a batch, run: an errored result or a succeeded message. */
function runRequest(params: any, words: number, nextId: () => number): unknown {
  const invalid = typeof params?.model !== "string" ? "model: Field required" : !Number.isInteger(params.max_tokens) ? "max_tokens: Field required" : !Array.isArray(params.messages) || !params.messages.length ? "messages: Field required" : null;
  const text = invalid ? "" : lastUserText(params.messages);
  if (invalid || /\bfail\b/i.test(text)) {
    return { type: "errored", error: { type: "error", error: { type: "invalid_request_error", message: invalid ?? "mock: the request asked to fail" } } };
  }
  const n = Math.min(words, params.max_tokens);
  const prompt = params.messages.reduce((sum: number, m: any) => sum + countWords(textOf(m.content)), countWords(textOf(params.system)));
  return {
    type: "succeeded",
    message: {
      id: `msg_mock_${nextId()}`,
      type: "message",
      role: "assistant",
      model: params.model,
      content: [{ type: "text", text: replyWords(text, n).join(" ") }],
      stop_reason: n < words ? "max_tokens" : "end_turn",
      stop_sequence: null,
      usage: { input_tokens: Math.max(1, prompt), output_tokens: n, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
    },
  };
}



const TYPES: Record<number, string> = { 400: "invalid_request_error", 401: "authentication_error", 403: "permission_error", 404: "not_found_error", 429: "rate_limit_error", 529: "overloaded_error" };

function errorBody(status: number, message: string): unknown {
  return { type: "error", error: { type: TYPES[status] ?? (status >= 500 ? "api_error" : "invalid_request_error"), message } };
}

function error(status: number, message: string): MockReply {
  return { kind: "json", status, body: errorBody(status, message) };
}

function json(body: unknown): MockReply {
  return { kind: "json", status: 200, body };
}

/** The instance every mock upstream serves (tests reach its controls through this export). */
export const anthropicBatchesMock = createAnthropicBatchesMock();
