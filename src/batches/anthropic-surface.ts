/**
 * The Anthropic SDK's batches and files (routes-anthropic.ts) in the gateway's records, as pure
 * translations: a Message Batch create body → OpenAI chat lines, OpenAI output lines → Anthropic result
 * lines, records → MessageBatch and file objects, and Anthropic's id-cursor pages.
 */
import { anthropicErrorType } from "../dialects/anthropic/errors";
import { toChatRequest } from "../dialects/anthropic/request";
import { toAnthropicMessage } from "../dialects/anthropic/response";
import type { AnthropicResponse } from "../providers/anthropic/types";
import type { ChatResponse } from "../schemas/chat";
import { BifrostError } from "../schemas/error";
import { CUSTOM_ID, type AnthropicMessageBatch } from "./backends/anthropic";
import { ENDED, type BatchInputLine, type BatchOutputLine, type BatchRecord, type FileMeta } from "./types";

/** Anthropic's limits on one Message Batch create. */
export const MAX_BATCH_REQUESTS = 100_000;

/** The Message Batch object the surface answers: the shape the backend reads from Anthropic. */
export type MessageBatchObject = AnthropicMessageBatch;

export type AnthropicBatchResult =
  | { type: "succeeded"; message: AnthropicResponse }
  | { type: "errored"; error: { type: "error"; error: { type: string; message: string }; request_id?: string | null } }
  | { type: "canceled" }
  | { type: "expired" };

export interface AnthropicResultLine {
  custom_id: string;
  result: AnthropicBatchResult;
}

export interface AnthropicFileObject {
  id: string;
  type: "file";
  filename: string;
  mime_type: string;
  size_bytes: number;
  created_at: string;
  expires_at: string | null;
  downloadable: boolean;
}

export interface AnthropicPage<T> {
  data: T[];
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
}

// ── create ──

/**
 * Anthropic's {requests:[{custom_id, params}]} → OpenAI chat lines, each params read by the Anthropic
 * ingress dialect (the one /anthropic/v1/messages uses). Errors name the request as Anthropic does
 * ("requests.3.params: max_tokens: field required").
 */
export function toBatchInputLines(body: unknown): BatchInputLine[] {
  if (!body || typeof body !== "object" || Array.isArray(body)) throw BifrostError.badRequest("request body must be a JSON object");
  const requests = (body as { requests?: unknown }).requests;
  if (requests == null) throw BifrostError.badRequest("requests: field required", "requests");
  if (!Array.isArray(requests)) throw BifrostError.badRequest("requests: must be an array", "requests");
  if (!requests.length) throw BifrostError.badRequest("requests: must have at least 1 item", "requests");
  if (requests.length > MAX_BATCH_REQUESTS) throw BifrostError.badRequest(`requests: at most ${MAX_BATCH_REQUESTS} items`, "requests");
  const seen = new Set<string>();
  return requests.map((r: any, i) => {
    const at = `requests.${i}`;
    if (!r || typeof r !== "object") throw BifrostError.badRequest(`${at}: must be an object with custom_id and params`, at);
    if (typeof r.custom_id !== "string" || !CUSTOM_ID.test(r.custom_id)) {
      throw BifrostError.badRequest(`${at}.custom_id: must be 1-64 letters, digits, '_' or '-'`, `${at}.custom_id`);
    }
    if (seen.has(r.custom_id)) throw BifrostError.badRequest(`${at}.custom_id: "${r.custom_id}" is used by an earlier request`, `${at}.custom_id`);
    seen.add(r.custom_id);
    if (r.params?.stream === true) throw BifrostError.badRequest(`${at}.params.stream: batch requests cannot stream`, `${at}.params.stream`);
    let chat;
    try {
      chat = toChatRequest(r.params, {});
    } catch (e) {
      if (!(e instanceof BifrostError)) throw e;
      throw BifrostError.badRequest(`${at}.params: ${e.message}`, e.param ? `${at}.params.${e.param}` : `${at}.params`);
    }
    return { custom_id: r.custom_id, method: "POST", url: "/v1/chat/completions", body: chat as unknown as Record<string, unknown> };
  });
}

// ── results ──

/**
 * One OpenAI output line → Anthropic's result line. A 2xx response is a succeeded message (rendered by
 * the Anthropic dialect, as /anthropic/v1/messages answers); another status is errored with its
 * message; OpenAI's batch_cancelled / batch_expired errors are canceled / expired.
 */
export function toAnthropicResultLine(line: BatchOutputLine): AnthropicResultLine {
  const custom_id = line.custom_id;
  const res = line.response;
  if (res && res.status_code >= 200 && res.status_code < 300) {
    try {
      return { custom_id, result: { type: "succeeded", message: toAnthropicMessage(res.body as ChatResponse) } };
    } catch {
      return errored(custom_id, "api_error", "the provider's answer could not be read as a message", res.request_id);
    }
  }
  if (res) {
    const e = (res.body as { error?: { message?: unknown } } | null)?.error;
    const message = typeof e?.message === "string" && e.message ? e.message : `the request failed with status ${res.status_code}`;
    return errored(custom_id, anthropicErrorType(res.status_code), message, res.request_id);
  }
  const code = line.error?.code ?? "";
  if (code === "batch_cancelled" || code === "cancelled" || code === "canceled") return { custom_id, result: { type: "canceled" } };
  if (code === "batch_expired" || code === "expired") return { custom_id, result: { type: "expired" } };
  return errored(custom_id, code === "invalid_request" || code.startsWith("invalid") ? "invalid_request_error" : "api_error", line.error?.message || "the request failed");
}

function errored(custom_id: string, type: string, message: string, request_id?: string): AnthropicResultLine {
  return { custom_id, result: { type: "errored", error: { type: "error", error: { type, message }, request_id: request_id || null } } };
}

// ── objects ──

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const DAY_MS = 24 * 3600_000;

/** A batch record as Anthropic's MessageBatch; `resultsBase` is the gateway's own .../messages/batches URL. */
export function toMessageBatch(r: BatchRecord, resultsBase: string): MessageBatchObject {
  const ended = ENDED.has(r.status);
  const { total, completed, failed } = r.counts;
  const rest = Math.max(0, total - completed - failed);
  const counts = { processing: ended ? 0 : rest, succeeded: completed, errored: failed, canceled: 0, expired: 0 };
  // What never ran in an ended batch ran out of time, was canceled, or (a failed batch) errored.
  if (ended && r.status === "cancelled") counts.canceled = rest;
  else if (ended && r.status === "expired") counts.expired = rest;
  else if (ended) counts.errored += rest;
  return {
    id: r.id,
    type: "message_batch",
    processing_status: ended ? "ended" : r.status === "cancelling" ? "canceling" : "in_progress",
    request_counts: counts,
    ended_at: ended ? iso(r.completedAt ?? r.cancelledAt ?? r.expiredAt ?? r.failedAt ?? r.finalizingAt) : null,
    created_at: iso(r.createdAt)!,
    expires_at: iso(r.expiresAt ?? r.createdAt + DAY_MS)!,
    archived_at: null,
    cancel_initiated_at: iso(r.cancellingAt),
    results_url: ended ? `${resultsBase}/${encodeURIComponent(r.id)}/results` : null,
  };
}

export function toAnthropicFile(meta: FileMeta): AnthropicFileObject {
  return {
    id: meta.id,
    type: "file",
    filename: meta.filename,
    mime_type: mimeTypeOf(meta.filename),
    size_bytes: meta.bytes,
    created_at: iso(meta.createdAt)!,
    expires_at: iso(meta.expiresAt),
    downloadable: true,
  };
}

const MIME: Record<string, string> = {
  jsonl: "application/jsonl",
  json: "application/json",
  txt: "text/plain",
  csv: "text/csv",
  md: "text/markdown",
  pdf: "application/pdf",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
};

/** The files keep no content type: it is told by the name, as Anthropic reports it. */
export function mimeTypeOf(filename: string): string {
  const dot = filename.lastIndexOf(".");
  return (dot === -1 ? undefined : MIME[filename.slice(dot + 1).toLowerCase()]) ?? "application/octet-stream";
}

// ── paging ──

export interface PageQuery {
  before_id?: string;
  after_id?: string;
  limit: number;
}

/**
 * Anthropic's id-cursor page (newest first) over a store that pages forward only: `fetch(after, n)`
 * gives up to n items after the id `after` (from the start when undefined). before_id walks from the
 * start to that id and keeps the `limit` items just before it.
 */
export async function anthropicPage<T extends { id: string }>(fetch: (after: string | undefined, limit: number) => Promise<T[]>, q: PageQuery): Promise<AnthropicPage<T>> {
  let data: T[];
  let has_more: boolean;
  if (q.before_id) {
    const kept: T[] = [];
    let after: string | undefined;
    let found = false;
    for (;;) {
      const batch = await fetch(after, 100);
      for (const item of batch) {
        if (item.id === q.before_id) {
          found = true;
          break;
        }
        kept.push(item);
        if (kept.length > q.limit + 1) kept.shift();
      }
      if (found || batch.length < 100) break;
      after = batch.at(-1)!.id;
    }
    if (!found) kept.length = 0;
    has_more = kept.length > q.limit;
    data = kept.slice(-q.limit);
  } else {
    const items = await fetch(q.after_id, q.limit + 1);
    has_more = items.length > q.limit;
    data = items.slice(0, q.limit);
  }
  return { data, has_more, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}

/** limit from the query: 1–1000, default 20, as Anthropic. */
export function pageLimit(raw: string | null): number {
  if (raw === null || raw === "") return 20;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw BifrostError.badRequest("limit: must be an integer from 1 to 1000", "limit");
  return n;
}
