/**
 * The GenAI surface's shapes ⇄ the gateway's batch records, as pure functions (routes-genai.ts does the I/O).
 *
 *   in   a batch's GenerateContentRequests (inline {request, metadata:{key}} items, or {key, request} lines of an
 *        uploaded JSONL file) → OpenAI chat lines, through the GenAI ingress dialect (src/dialects/genai);
 *   out  a BatchRecord → Gemini's long-running Operation (metadata: GenerateContentBatch; response when done),
 *        OpenAI output lines → inlinedResponses items or responses-file lines (GenerateContentResponse through
 *        the dialect's response rendering, or a google.rpc.Status), a FileMeta → Gemini's File.
 *
 * Names: a batch is "batches/<gateway batch id>", a file "files/<gateway file id>"; a file-based batch's results
 * are the virtual file "files/responses-<batch id>" (converted from the batch's OpenAI results when downloaded).
 */
import { genaiFromChatResponse, genaiToChatRequest, modelFromPath } from "../dialects/genai";
import { field, isObject } from "../dialects/genai/fields";
import type { ChatResponse } from "../schemas/chat";
import { BifrostError } from "../schemas/error";
import { ENDED, type BatchInputLine, type BatchOutputLine, type BatchRecord, type BatchStatus, type FileMeta } from "./types";

/** Keys the GenAI surface keeps in a batch's metadata (OpenAI metadata: string values, at most 512 characters). */
export const GENAI_META = {
  displayName: "genai_display_name",
  /** "inline" (results answered in inlinedResponses) or "file" (a responses file). */
  source: "genai_source",
  model: "genai_model",
} as const;

export const RESPONSES_PREFIX = "responses-";
/** The custom_id given to a request that came without metadata.key; it gets no metadata back, as at Google. */
export const UNKEYED_PREFIX = "_genai_unkeyed_";

const META_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch";
const OUTPUT_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput";
const CHAT_URL = "/v1/chat/completions";

// ---------------------------------------------------------------- names

export function batchName(id: string): string {
  return `batches/${id}`;
}

export function fileName(id: string): string {
  return `files/${id}`;
}

/** "files/x", "x", or a File's uri (…/files/x) → "x". */
export function fileIdOf(name: string): string {
  const i = name.lastIndexOf("files/");
  const id = i === -1 ? name : name.slice(i + "files/".length);
  if (!id || id.includes("/")) throw BifrostError.badRequest(`not a file name: "${name}" (expected files/{id})`, "fileName");
  return id;
}

/** "files/responses-<batch id>" → the batch id; null for an ordinary file. */
export function responsesBatchId(fileId: string): string | null {
  return fileId.startsWith(RESPONSES_PREFIX) ? fileId.slice(RESPONSES_PREFIX.length) : null;
}

// ---------------------------------------------------------------- requests → OpenAI lines

/** A GenerateContentRequest → the canonical chat body of an OpenAI line; its own `model` wins over the batch's. */
export function generateContentToChatBody(request: unknown, batchModel: string): Record<string, unknown> {
  const own = field(request, "model");
  const model = typeof own === "string" && own ? own : batchModel;
  return genaiToChatRequest(request, { model: model }) as unknown as Record<string, unknown>;
}

function keyOf(metadata: unknown, index: number): string {
  const key = field(metadata, "key");
  if (key === undefined || key === null) return `${UNKEYED_PREFIX}${index}`;
  if (typeof key !== "string" || !key) throw BifrostError.badRequest("metadata.key must be a non-empty string");
  return key;
}

/** One inline item {request, metadata:{key}} → an OpenAI line; a 400 names the item. */
export function inlineItemToLine(item: unknown, index: number, batchModel: string): BatchInputLine {
  return named(`requests[${index}]`, () => {
    if (!isObject(item)) throw BifrostError.badRequest("expected an object {request, metadata}");
    const request = field(item, "request");
    if (!isObject(request)) throw BifrostError.badRequest("request is required");
    return { custom_id: keyOf(field(item, "metadata"), index), method: "POST", url: CHAT_URL, body: generateContentToChatBody(request, batchModel) };
  });
}

/** The inline items of a batch, keys checked for uniqueness (results are matched to requests by key). */
export function inlineItemsToLines(items: unknown[], batchModel: string): BatchInputLine[] {
  if (!items.length) throw BifrostError.badRequest("the batch has no requests", "batch.inputConfig.requests.requests");
  const seen = new Set<string>();
  return items.map((item, i) => {
    const line = inlineItemToLine(item, i, batchModel);
    if (seen.has(line.custom_id)) throw BifrostError.badRequest(`requests[${i}]: metadata.key "${line.custom_id}" is used twice; keys must be unique`, `batch.inputConfig.requests.requests[${i}].metadata.key`);
    seen.add(line.custom_id);
    return line;
  });
}

/**
 * One line of an uploaded input file → an OpenAI line: Gemini's {key, request} form, or an OpenAI batch line
 * ({custom_id, body}) passed on as it is. `n` is the 1-based line number.
 */
export function fileLineToLine(obj: unknown, n: number, batchModel: string): BatchInputLine {
  return named(`input file line ${n}`, () => {
    if (!isObject(obj)) throw BifrostError.badRequest("expected a JSON object {key, request}");
    if (typeof obj.custom_id === "string" && isObject(obj.body)) {
      return { custom_id: obj.custom_id, method: "POST", url: typeof obj.url === "string" ? obj.url : CHAT_URL, body: obj.body };
    }
    const request = field(obj, "request");
    if (!isObject(request)) throw BifrostError.badRequest("request is required (lines are {key, request})");
    const key = obj.key === undefined || obj.key === null ? `${UNKEYED_PREFIX}${n - 1}` : obj.key;
    if (typeof key !== "string" || !key) throw BifrostError.badRequest("key must be a non-empty string");
    return { custom_id: key, method: "POST", url: CHAT_URL, body: generateContentToChatBody(request, batchModel) };
  });
}

function named<T>(where: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    const err = BifrostError.from(e);
    throw new BifrostError({ status: err.status, type: err.type, code: err.code, param: err.param, message: `${where}: ${err.message}` });
  }
}

/** The batch model from the path ("models/x", "x", percent-encoded "provider/x"). */
export function batchModelFromPath(raw: string): string {
  return modelFromPath(raw);
}

// ---------------------------------------------------------------- results → Gemini

/** google.rpc.Code numbers by name. */
const GRPC: Record<string, number> = {
  cancelled: 1, unknown: 2, invalid_argument: 3, deadline_exceeded: 4, not_found: 5, already_exists: 6, permission_denied: 7,
  resource_exhausted: 8, failed_precondition: 9, aborted: 10, out_of_range: 11, unimplemented: 12, internal: 13, unavailable: 14,
  data_loss: 15, unauthenticated: 16,
};

const HTTP_GRPC: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 408: 4, 409: 10, 413: 3, 422: 3, 429: 8, 499: 1, 500: 13, 501: 12, 502: 14, 503: 14, 504: 4 };

/** An OpenAI error code ("invalid_argument", "batch_expired", "rate_limit_exceeded" …) → a google.rpc.Code. */
export function grpcCodeOf(code: string | null | undefined): number {
  const c = (code ?? "").toLowerCase();
  if (GRPC[c] !== undefined) return GRPC[c]!;
  if (c.includes("cancel")) return 1;
  if (c.includes("expire") || c.includes("timeout")) return 4;
  if (c.includes("rate_limit") || c.includes("quota")) return 8;
  if (c.includes("not_found")) return 5;
  if (c.includes("invalid")) return 3;
  return 2;
}

export function grpcCodeOfHttp(status: number): number {
  return HTTP_GRPC[status] ?? (status >= 500 ? 13 : 3);
}

export interface GenaiStatus {
  code: number;
  message: string;
}

/** A result as Gemini gives it: {response} (a GenerateContentResponse) or {error} (a google.rpc.Status). */
export function outputLineResult(line: BatchOutputLine): { response: unknown } | { error: GenaiStatus } {
  if (line.error) return { error: { code: grpcCodeOf(line.error.code), message: line.error.message } };
  const r = line.response;
  if (!r) return { error: { code: 2, message: "no result for this request" } };
  const body = r.body as any;
  if (r.status_code >= 200 && r.status_code < 300 && isObject(body) && Array.isArray(body.choices)) {
    return { response: genaiFromChatResponse(body as ChatResponse) };
  }
  const message = typeof body?.error?.message === "string" ? body.error.message : `the request failed with status ${r.status_code}`;
  return { error: { code: grpcCodeOfHttp(r.status_code), message } };
}

/** One item of inlinedResponses.inlinedResponses: the result and its metadata ({key}). */
export function toInlinedResponse(line: BatchOutputLine): Record<string, unknown> {
  const out: Record<string, unknown> = { ...outputLineResult(line) };
  if (!line.custom_id.startsWith(UNKEYED_PREFIX)) out.metadata = { key: line.custom_id };
  return out;
}

/** One line of a responses file: {key, response} or {key, error}. */
export function toResponsesFileLine(line: BatchOutputLine): Record<string, unknown> {
  const result = outputLineResult(line);
  return line.custom_id.startsWith(UNKEYED_PREFIX) ? result : { key: line.custom_id, ...result };
}

// ---------------------------------------------------------------- batch → Operation

/** OpenAI status → Gemini's batch state (cancelling shows as running: Gemini has no such state). */
export function genaiState(status: BatchStatus): string {
  switch (status) {
    case "validating":
      return "BATCH_STATE_PENDING";
    case "in_progress":
    case "finalizing":
    case "cancelling":
      return "BATCH_STATE_RUNNING";
    case "completed":
      return "BATCH_STATE_SUCCEEDED";
    case "failed":
      return "BATCH_STATE_FAILED";
    case "cancelled":
      return "BATCH_STATE_CANCELLED";
    case "expired":
      return "BATCH_STATE_EXPIRED";
  }
}

function iso(ms: number | null): string | undefined {
  return ms === null ? undefined : new Date(ms).toISOString();
}

/** Whether a batch created through this surface answers inline (else with a responses file). */
export function answersInline(rec: BatchRecord): boolean {
  return rec.metadata?.[GENAI_META.source] === "inline";
}

/** Whether the batch has results to show: it ended and some of its lines ran. */
export function hasResults(rec: BatchRecord): boolean {
  return ENDED.has(rec.status) && (rec.status === "completed" || rec.counts.completed + rec.counts.failed > 0);
}

export interface GenaiOutput {
  inlined?: Record<string, unknown>[];
  responsesFile?: string;
}

/**
 * A batch as Gemini's Operation: name, metadata (the GenerateContentBatch, which the SDK reads), done, and the
 * output both in `response` (REST clients) and `metadata.output` (the SDK's `dest`).
 */
export function toGenaiOperation(rec: BatchRecord, output?: GenaiOutput): Record<string, unknown> {
  const name = batchName(rec.id);
  const { total, completed, failed } = rec.counts;
  const stats: Record<string, string> = { requestCount: String(total) };
  if (completed) stats.successfulRequestCount = String(completed);
  if (failed) stats.failedRequestCount = String(failed);
  const pending = ENDED.has(rec.status) ? 0 : Math.max(0, total - completed - failed);
  if (pending) stats.pendingRequestCount = String(pending);
  const ended = [rec.completedAt, rec.failedAt, rec.expiredAt, rec.cancelledAt].find((t) => t !== null) ?? null;
  const updated = Math.max(rec.createdAt, ...[rec.inProgressAt, rec.finalizingAt, rec.cancellingAt, ended].filter((t): t is number => t !== null));
  const model = rec.metadata?.[GENAI_META.model];
  const out: Record<string, unknown> | undefined = output?.inlined
    ? { inlinedResponses: { inlinedResponses: output.inlined } }
    : output?.responsesFile
      ? { responsesFile: output.responsesFile }
      : undefined;
  const metadata: Record<string, unknown> = {
    "@type": META_TYPE,
    ...(model ? { model: `models/${model}` } : {}),
    displayName: rec.metadata?.[GENAI_META.displayName] ?? rec.id,
    ...(answersInline(rec) ? {} : { inputConfig: { fileName: fileName(rec.inputFileId) } }),
    ...(out ? { output: out } : {}),
    createTime: iso(rec.createdAt),
    updateTime: iso(updated),
    ...(ended !== null ? { endTime: iso(ended) } : {}),
    batchStats: stats,
    state: genaiState(rec.status),
    name,
  };
  const op: Record<string, unknown> = { name, metadata };
  if (ENDED.has(rec.status)) op.done = true;
  if (rec.status === "failed") {
    const message = rec.errors?.length ? rec.errors.map((e) => (e.line ? `line ${e.line}: ${e.message}` : e.message)).join("; ") : "the batch failed";
    op.error = { code: grpcCodeOf(rec.errors?.[0]?.code), message };
  }
  if (out) op.response = { "@type": OUTPUT_TYPE, ...out };
  return op;
}

// ---------------------------------------------------------------- files

export function mimeTypeOf(filename: string): string {
  const ext = filename.slice(filename.lastIndexOf(".") + 1).toLowerCase();
  return ext === "jsonl" ? "application/jsonl" : ext === "json" ? "application/json" : ext === "txt" ? "text/plain" : ext === "csv" ? "text/csv" : "application/octet-stream";
}

/** A stored file as Gemini's File; `base` is the surface's root (…/genai). */
export function toGenaiFile(meta: FileMeta, base: string, mimeType?: string): Record<string, unknown> {
  const name = fileName(meta.id);
  return {
    name,
    displayName: meta.filename,
    mimeType: mimeType ?? mimeTypeOf(meta.filename),
    sizeBytes: String(meta.bytes),
    createTime: iso(meta.createdAt),
    updateTime: iso(meta.createdAt),
    ...(meta.expiresAt !== null ? { expirationTime: iso(meta.expiresAt) } : {}),
    uri: `${base}/v1beta/${name}`,
    downloadUri: `${base}/download/v1beta/${name}:download?alt=media`,
    state: "ACTIVE",
    source: meta.generated ? "GENERATED" : "UPLOADED",
  };
}

/** The virtual responses file of a file-based batch. */
export function toResponsesFile(rec: BatchRecord, base: string): Record<string, unknown> {
  const name = fileName(`${RESPONSES_PREFIX}${rec.id}`);
  return {
    name,
    displayName: `${rec.metadata?.[GENAI_META.displayName] ?? rec.id} responses`,
    mimeType: "application/jsonl",
    createTime: iso(rec.completedAt ?? rec.createdAt),
    updateTime: iso(rec.completedAt ?? rec.createdAt),
    uri: `${base}/v1beta/${name}`,
    downloadUri: `${base}/download/v1beta/${name}:download?alt=media`,
    state: hasResults(rec) ? "ACTIVE" : "PROCESSING",
    source: "GENERATED",
  };
}
