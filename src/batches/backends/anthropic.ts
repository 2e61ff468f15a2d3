/**
 * Anthropic's Message Batches API behind the OpenAI batch model. Each OpenAI chat line becomes a
 * {custom_id, params} request through the Anthropic adapter's own translation, and each result comes
 * back as an OpenAI output line with a chat.completion the adapter made from the Anthropic message.
 *
 * Registered in src/batches/backends/index.ts: `registerBackend(anthropicBatchBackend)`.
 */
import { checkModelName } from "../../core/model-name";
import { anthropicHeaders } from "../../providers/anthropic/headers";
import type { ProviderAdapter, ProviderTarget } from "../../providers/types";
import type { ChatRequest } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import { validateChatRequest } from "../../schemas/requests";
import { streamOf } from "../byte-streams";
import { jsonlTexts } from "../jsonl";
import type { BackendContext, BatchBackend, BatchInputLine, BatchOutputLine, BatchRecord, BatchStatus, Refreshed, Submitted } from "../types";

/** Anthropic's own limits on one Message Batch. */
export const MAX_REQUESTS = 100_000;
export const MAX_BATCH_BYTES = 256 * 1024 * 1024;

/** Owner of the request bodies spooled while a batch is sent. */
export const SPOOL_OWNER = "gateway:batch-spool";

/** Anthropic's custom_id: 1–64 letters, digits, "_" or "-". */
export const CUSTOM_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The Message Batch object as Anthropic answers it (the fields read here). */
export interface AnthropicMessageBatch {
  id: string;
  type: "message_batch";
  processing_status: "in_progress" | "canceling" | "ended";
  request_counts: { processing: number; succeeded: number; errored: number; canceled: number; expired: number };
  ended_at: string | null;
  created_at: string;
  expires_at: string;
  cancel_initiated_at: string | null;
  archived_at?: string | null;
  results_url: string | null;
}

/** What the backend remembers upstream of a batch: the model its key was chosen for, and where the results are. */
interface State {
  model: string;
  results_url?: string | null;
}

export const anthropicBatchBackend: BatchBackend = {
  kinds: ["anthropic"],

  async submit(ctx, batch, input): Promise<Submitted> {
    const spool = await spoolRequests(ctx, batch, input);
    try {
      const target = spool.target;
      const headers = anthropicHeaders(target);
      // Betas a line's tools need (code execution) hold for the whole batch.
      if (spool.betas.size) headers["anthropic-beta"] = [...new Set([...(headers["anthropic-beta"] ?? "").split(","), ...spool.betas])].filter(Boolean).join(",");
      headers["content-length"] = String(spool.bytes);
      const res = await call(ctx, batch, target, `${target.baseUrl}/v1/messages/batches`, {
        method: "POST",
        headers,
        body: streamOf(ctx.files.read(spool.id)),
      });
      const mb = (await res.json()) as AnthropicMessageBatch;
      if (typeof mb?.id !== "string") throw upstreamError(batch, "the Message Batches API answered without a batch id");
      const state: State = { model: spool.model, results_url: mb.results_url ?? null };
      return { upstreamId: mb.id, upstreamState: { ...state } };
    } finally {
      await ctx.files.delete(spool.id).catch(() => false);
    }
  },

  async refresh(ctx, batch): Promise<Refreshed> {
    return toRefreshed(await retrieve(ctx, batch), batch);
  },

  async cancel(ctx, batch): Promise<Refreshed> {
    const target = targetOf(ctx, batch);
    const res = await call(ctx, batch, target, `${batchUrl(target, batch)}/cancel`, { method: "POST", headers: anthropicHeaders(target) });
    return toRefreshed((await res.json()) as AnthropicMessageBatch, batch);
  },

  async *results(ctx, batch): AsyncIterable<BatchOutputLine> {
    const target = targetOf(ctx, batch);
    let url = stateOf(batch).results_url ?? null;
    if (!url) url = (await retrieve(ctx, batch)).results_url;
    if (!url) throw new BifrostError({ status: 409, type: "invalid_request_error", message: `${batch.provider} has no results for batch ${batch.id} yet (it has not ended)` });
    const res = await call(ctx, batch, target, sameOrigin(url, target.baseUrl), { method: "GET", headers: anthropicHeaders(target) });
    const adapter = ctx.adapter(batch.provider);
    for await (const text of jsonlTexts(res.body)) {
      let entry: any;
      try {
        entry = JSON.parse(text);
      } catch {
        throw upstreamError(batch, "the batch results are not valid JSON lines");
      }
      yield toOutputLine(entry, adapter, target, batch.provider);
    }
  },
};

// ── submit: OpenAI lines → Anthropic requests, spooled to the file store (a batch is never whole in memory) ──

interface Spool {
  id: string;
  bytes: number;
  /** The first line's model: the key is chosen for it, now and on every later call. */
  model: string;
  /** Where and with which key the batch goes (chosen for `model`). */
  target: ProviderTarget;
  betas: Set<string>;
}

async function spoolRequests(ctx: BackendContext, batch: BatchRecord, input: AsyncIterable<BatchInputLine>): Promise<Spool> {
  const enc = new TextEncoder();
  let target: ProviderTarget | null = null;
  let first = "";
  let count = 0;
  const seenIds = new Set<string>();
  const seenModels = new Set<string>();
  const betas = new Set<string>();
  const adapter = ctx.adapter(batch.provider);

  async function* body(): AsyncIterable<Uint8Array> {
    yield enc.encode('{"requests":[');
    for await (const line of input) {
      const n = ++count;
      if (n > MAX_REQUESTS) throw lineError(n, line, `${batch.provider} takes at most ${MAX_REQUESTS} requests per batch`);
      checkLine(n, line, seenIds);
      const model = upstreamModel(n, line, batch.provider);
      if (!seenModels.has(model)) {
        // The key is the first model's; every other model must still be one some key of this provider may call.
        const t = targetFor(ctx, batch, n, line, model);
        if (!target) (target = t), (first = model);
        seenModels.add(model);
      }
      const wire = toParams(n, line, adapter, { ...target!, model });
      for (const b of (wire.headers["anthropic-beta"] ?? "").split(",")) if (b) betas.add(b);
      yield enc.encode(`${n > 1 ? "," : ""}{"custom_id":${JSON.stringify(line.custom_id)},"params":${wire.body}}`);
    }
    if (!count) throw BifrostError.badRequest("the batch has no requests");
    yield enc.encode("]}");
  }

  const meta = {
    id: `file-${randomBase32()}`,
    // The gateway's own: no caller lists it (an admin may, for the moment it exists).
    owner: SPOOL_OWNER,
    provider: batch.provider,
    filename: `${batch.id}.anthropic-requests.json`,
    purpose: "batch_upstream_request",
    createdAt: Date.now(),
    // Removed right after sending; the expiry only matters if the gateway stops in between.
    expiresAt: Date.now() + 24 * 3600_000,
    generated: true,
  };
  let stored;
  try {
    stored = await ctx.files.put(meta, body(), MAX_BATCH_BYTES);
  } catch (e) {
    await ctx.files.delete(meta.id).catch(() => false);
    if (e instanceof BifrostError && e.status === 413) {
      throw new BifrostError({ status: 413, type: "request_too_large", code: "batch_too_large", message: `the batch exceeds ${batch.provider}'s limit of ${MAX_BATCH_BYTES / 1048576} MB per Message Batch` });
    }
    throw e;
  }
  return { id: stored.id, bytes: stored.bytes, model: first, target: target!, betas };
}

function targetFor(ctx: BackendContext, batch: BatchRecord, n: number, line: BatchInputLine, model: string): ProviderTarget {
  try {
    return ctx.target(batch.provider, model);
  } catch (e) {
    if (!(e instanceof BifrostError)) throw e;
    const id = ` (custom_id "${line.custom_id}")`;
    throw new BifrostError({ status: e.status, type: e.type, code: e.code, param: "body.model", message: `line ${n}${id}: ${e.message}`, extra: e.extra });
  }
}

function checkLine(n: number, line: BatchInputLine, seen: Set<string>): void {
  if (line.url !== "/v1/chat/completions") {
    throw lineError(n, line, `anthropic batches run chat completions only (url "/v1/chat/completions"), not "${line.url}"`, "url");
  }
  if (!CUSTOM_ID.test(line.custom_id)) {
    throw lineError(n, line, "custom_id must be 1-64 letters, digits, '_' or '-' for anthropic", "custom_id");
  }
  if (seen.has(line.custom_id)) throw lineError(n, line, "custom_id is used by an earlier line", "custom_id");
  seen.add(line.custom_id);
}

/** The line's model as Anthropic knows it: "anthropic/claude-…" and "claude-…" are the same model. */
export function upstreamModel(n: number, line: BatchInputLine, provider: string): string {
  const model = line.body.model;
  if (typeof model !== "string" || !model) throw lineError(n, line, "body.model is required", "body.model");
  const name = model.startsWith(`${provider}/`) ? model.slice(provider.length + 1) : model;
  if (name.includes("/")) throw lineError(n, line, `model "${model}" names another provider; this batch runs on ${provider}`, "body.model");
  try {
    return checkModelName("anthropic", name);
  } catch (e) {
    throw lineError(n, line, (e as Error).message, "body.model");
  }
}

function toParams(n: number, line: BatchInputLine, adapter: ProviderAdapter, target: ProviderTarget): { body: string; headers: Record<string, string> } {
  try {
    const req = validateChatRequest(line.body) as ChatRequest;
    const wire = adapter.chatRequest(req, target, false);
    return { body: wire.body as string, headers: wire.headers };
  } catch (e) {
    if (e instanceof BifrostError) throw lineError(n, line, e.message, e.param ? `body.${e.param}` : "body");
    throw lineError(n, line, "body is not a chat completion request anthropic can take", "body");
  }
}

function lineError(n: number, line: BatchInputLine, message: string, param: string | null = null): BifrostError {
  const id = typeof line?.custom_id === "string" ? ` (custom_id "${line.custom_id.slice(0, 64)}")` : "";
  return BifrostError.badRequest(`line ${n}${id}: ${message}`, param, "invalid_batch_line");
}

// ── refresh and cancel: Anthropic's processing status and counts in OpenAI's terms ──

export function toRefreshed(mb: AnthropicMessageBatch, batch: BatchRecord): Refreshed {
  const c = mb.request_counts ?? { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
  const total = (c.processing ?? 0) + (c.succeeded ?? 0) + (c.errored ?? 0) + (c.canceled ?? 0) + (c.expired ?? 0);
  const expires = mb.expires_at ? Date.parse(mb.expires_at) : NaN;
  return {
    status: toStatus(mb),
    // Canceled and expired requests are neither: OpenAI's counts leave them out of both, as its own batches do.
    counts: { total, completed: c.succeeded ?? 0, failed: c.errored ?? 0 },
    expiresAt: Number.isFinite(expires) ? expires : null,
    upstreamState: { ...stateOf(batch), results_url: mb.results_url ?? null },
  };
}

export function toStatus(mb: Pick<AnthropicMessageBatch, "processing_status" | "cancel_initiated_at" | "request_counts">): BatchStatus {
  if (mb.processing_status === "in_progress") return "in_progress";
  if (mb.processing_status === "canceling") return "cancelling";
  if (mb.cancel_initiated_at) return "cancelled";
  return (mb.request_counts?.expired ?? 0) > 0 ? "expired" : "completed";
}

async function retrieve(ctx: BackendContext, batch: BatchRecord): Promise<AnthropicMessageBatch> {
  const target = targetOf(ctx, batch);
  const res = await call(ctx, batch, target, batchUrl(target, batch), { method: "GET", headers: anthropicHeaders(target) });
  return (await res.json()) as AnthropicMessageBatch;
}

// ── results: Anthropic result lines → OpenAI output lines ──

/** Anthropic error types → the HTTP status its API answers them with. */
const STATUS_BY_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/**
 * One Anthropic result line as an OpenAI output line. A succeeded request carries its chat.completion
 * (status 200); an errored one its HTTP status and OpenAI-style error body, as OpenAI writes a request
 * its API refused; canceled and expired ones OpenAI's batch_cancelled / batch_expired errors.
 */
export function toOutputLine(entry: any, adapter: ProviderAdapter, target: ProviderTarget, provider: string): BatchOutputLine {
  const custom_id = String(entry?.custom_id ?? "");
  const id = `batch_req_${randomBase32()}`;
  const result = entry?.result ?? {};
  const failed = (code: string, message: string): BatchOutputLine => ({ id, custom_id, response: null, error: { code, message: redact(message, target.apiKey) } });
  switch (result.type) {
    case "succeeded": {
      try {
        const body = adapter.chatResponse(result.message, target);
        body.extra_fields = { ...body.extra_fields, provider } as typeof body.extra_fields;
        return { id, custom_id, response: { status_code: 200, request_id: String(result.message?.id ?? ""), body }, error: null };
      } catch (e) {
        return failed("invalid_response", e instanceof BifrostError ? e.message : `${provider} answered with a message that could not be read`);
      }
    }
    case "errored": {
      const err = result.error?.error ?? result.error ?? {};
      const type = typeof err.type === "string" ? err.type : "api_error";
      const message = redact(typeof err.message === "string" ? err.message : `${provider} reported an error`, target.apiKey);
      const status = STATUS_BY_TYPE[type] ?? 500;
      const request_id = typeof result.error?.request_id === "string" ? result.error.request_id : "";
      return { id, custom_id, response: { status_code: status, request_id, body: { error: { message, type, param: null, code: null } } }, error: null };
    }
    case "canceled":
      return failed("batch_cancelled", "This request was not run: the batch was cancelled first.");
    case "expired":
      return failed("batch_expired", "This request could not be executed before the batch expired.");
    default:
      return failed("unknown_result", `${provider} reported an unknown result type "${String(result.type)}"`);
  }
}

// ── I/O ──

function stateOf(batch: BatchRecord): State {
  const s = batch.upstreamState ?? {};
  return { model: typeof s.model === "string" ? s.model : "", results_url: typeof s.results_url === "string" ? s.results_url : null };
}

/** The same model as at submit, so the key is chosen as it was (keys are scoped to their workspace's batches). */
function targetOf(ctx: BackendContext, batch: BatchRecord): ProviderTarget {
  if (!batch.upstreamId) throw new BifrostError({ status: 409, type: "invalid_request_error", message: `batch ${batch.id} was never sent to ${batch.provider}` });
  const model = stateOf(batch).model;
  return ctx.target(batch.provider, model || undefined);
}

function batchUrl(target: ProviderTarget, batch: BatchRecord): string {
  return `${target.baseUrl}/v1/messages/batches/${encodeURIComponent(batch.upstreamId!)}`;
}

/** The key only ever goes to the configured base URL: a results_url elsewhere is read at the same path there. */
export function sameOrigin(url: string, baseUrl: string): string {
  if (url.startsWith(`${baseUrl}/`)) return url;
  try {
    const u = new URL(url, baseUrl);
    return `${baseUrl}${u.pathname}${u.search}`;
  } catch {
    return `${baseUrl}/${url.replace(/^\/+/, "")}`;
  }
}

async function call(ctx: BackendContext, batch: BatchRecord, target: ProviderTarget, url: string, init: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await ctx.fetch(url, ctx.signal ? { ...init, signal: ctx.signal } : init);
  } catch (e) {
    if (e instanceof BifrostError) throw e;
    if ((e as Error)?.name === "AbortError" || (e as Error)?.name === "TimeoutError") throw BifrostError.from(e);
    throw new BifrostError({ status: 502, type: "upstream_error", message: `could not reach ${batch.provider}: ${redact(String((e as Error)?.message ?? e), target.apiKey)}`, extra: { provider: batch.provider } });
  }
  if (!res.ok) throw ctx.adapter(batch.provider).errorFromResponse(res.status, await res.text(), target);
  return res;
}

function upstreamError(batch: BatchRecord, message: string): BifrostError {
  return new BifrostError({ status: 502, type: "upstream_error", message, isBifrostError: false, extra: { provider: batch.provider } });
}

function redact(message: string, apiKey: string): string {
  return apiKey ? message.split(apiKey).join("[redacted]") : message;
}

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/** 128 random bits as 26 base32 characters. */
function randomBase32(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(17));
  let out = "";
  for (let i = 0; i < 26; i++) {
    const bit = i * 5;
    const v = ((bytes[bit >> 3]! << 8) | bytes[(bit >> 3) + 1]!) >> (11 - (bit & 7));
    out += BASE32[v & 31];
  }
  return out;
}
