/**
 * The Gemini API's Batch Mode behind the OpenAI batch model (provider kind "gemini"; Vertex AI's batch
 * prediction jobs read from Cloud Storage or BigQuery and are not served here).
 *
 *   submit   each OpenAI line (/v1/chat/completions) → the adapter's GenerateContentRequest, keyed by custom_id;
 *            POST /v1beta/models/{model}:batchGenerateContent with the requests inline
 *              {batch:{displayName, inputConfig:{requests:{requests:[{request, metadata:{key}}]}}}}
 *            or, past `inlineMaxBytes`, as a JSONL file ({key, request} lines) sent through the Files API's
 *            resumable upload, {batch:{displayName, inputConfig:{fileName}}}. The JSONL is staged in the
 *            FileStore first (its size must be declared up front) and sent in 8 MiB chunks: memory stays flat.
 *   refresh  GET /v1beta/batches/{id}: an Operation whose metadata is the GenerateContentBatch (state, batchStats).
 *   cancel   POST /v1beta/batches/{id}:cancel, then a refresh.
 *   results  the Operation's output (response, mirrored in metadata.output): inlinedResponses, or a responses
 *            file read as a stream from /download/v1beta/files/{id}:download?alt=media; each answer → the
 *            adapter's chat.completion, each per-request error → an error line; lines the batch never answered
 *            (cancelled, expired, failed) → error lines too, found by reading the batch's input file.
 *
 * One Gemini batch runs one model: lines naming several are refused at submit (split the file per model).
 * Auth is the adapter's (x-goog-api-key); a key never appears in an error (the adapter redacts upstream text).
 */
import { checkModelName } from "../../core/model-name";
import { geminiHeaders } from "../../providers/gemini/headers";
import type { ProviderAdapter, ProviderTarget } from "../../providers/types";
import type { ChatRequest } from "../../schemas/chat";
import { jsonlValues } from "../jsonl";
import { BifrostError } from "../../schemas/error";
import { validateChatRequest } from "../../schemas/requests";
import type { BackendContext, BatchBackend, BatchError, BatchInputLine, BatchOutputLine, BatchRecord, BatchRequestCounts, BatchStatus, Refreshed, Submitted } from "../types";

export interface GeminiBatchOptions {
  /** Past this many bytes of serialized requests the batch goes as an uploaded file (Google caps an inline batch near 20 MB). */
  inlineMaxBytes?: number;
  /** The largest input file the backend stages and uploads (Google takes up to 2 GB). */
  fileMaxBytes?: number;
  /** Upload chunk size: a multiple of 256 KiB. */
  uploadChunkBytes?: number;
}

/** What the backend keeps in BatchRecord.upstreamState. */
export interface GeminiUpstreamState {
  model: string;
  mode: "inline" | "file";
  /** The uploaded input file ("files/…"), file mode. */
  inputFile?: string | null;
  total: number;
}

const DEFAULT_INLINE_MAX = 10 * 1024 * 1024;
const DEFAULT_FILE_MAX = 2 * 1024 * 1024 * 1024;
const DEFAULT_CHUNK = 8 * 1024 * 1024;
/** The owner of the backend's staging files (the JSONL it uploads): no caller's. */
export const STAGING_OWNER = "bifrost:gemini-staging";
const CHAT_URLS = new Set(["/v1/chat/completions", "/chat/completions"]);

/** google.rpc.Code numbers and names (a batch's per-request errors are google.rpc.Status). */
export const GRPC_CODES: readonly string[] = [
  "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED",
  "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
];

const encoder = new TextEncoder();

export function createGeminiBatchBackend(opts: GeminiBatchOptions = {}): BatchBackend {
  const inlineMax = opts.inlineMaxBytes ?? DEFAULT_INLINE_MAX;
  const fileMax = opts.fileMaxBytes ?? DEFAULT_FILE_MAX;
  const chunkBytes = opts.uploadChunkBytes ?? DEFAULT_CHUNK;

  return {
    kinds: ["gemini"],

    async submit(ctx, batch, input) {
      const it = input[Symbol.asyncIterator]();
      const conv = new LineConverter(ctx, batch);
      // Inline while the requests stay small; the first line past the limit switches the rest to a file.
      const items: Converted[] = [];
      let bytes = 0;
      let more = false;
      for (let r = await it.next(); !r.done; r = await it.next()) {
        const item = conv.convert(r.value);
        items.push(item);
        bytes += item.request.length + item.key.length + 32;
        if (bytes > inlineMax) {
          more = true;
          break;
        }
      }
      if (!conv.count) throw BifrostError.badRequest("the batch has no requests", null, "empty_batch");
      if (!more) {
        const body = `{"batch":{"displayName":${JSON.stringify(displayName(batch))},"inputConfig":{"requests":{"requests":[${items.map(inlineItem).join(",")}]}}}}`;
        const op = await createBatch(ctx, conv, body);
        return submitted(op, { model: conv.model!, mode: "inline", total: conv.count });
      }
      const inputFile = await uploadInput(ctx, batch, conv, staged(items, it, conv), fileMax, chunkBytes);
      try {
        const body = JSON.stringify({ batch: { displayName: displayName(batch), inputConfig: { fileName: inputFile } } });
        const op = await createBatch(ctx, conv, body);
        return submitted(op, { model: conv.model!, mode: "file", inputFile, total: conv.count });
      } catch (e) {
        await bestEffort(ctx, conv.target!, "DELETE", `${v1beta(conv.target!)}/${inputFile}`);
        throw e;
      }
    },

    async refresh(ctx, batch) {
      const { target } = session(ctx, batch);
      return refreshed(batch, await getOperation(ctx, target, batch));
    },

    async cancel(ctx, batch) {
      const { target } = session(ctx, batch);
      await call(ctx, target, "POST", `${v1beta(target)}/${upstreamId(batch)}:cancel`, "{}");
      const now = refreshed(batch, await getOperation(ctx, target, batch));
      return now.status === "in_progress" || now.status === "finalizing" || now.status === "validating" ? { ...now, status: "cancelling" } : now;
    },

    async *results(ctx, batch) {
      const { target, adapter, state } = session(ctx, batch);
      const op = await getOperation(ctx, target, batch);
      const output = operationOutput(op);
      const seen = new Set<string>();
      let n = 0;
      const line = (key: string | null, entry: { response?: unknown; error?: unknown; status?: unknown }): BatchOutputLine => {
        const customId = key ?? `request-${n}`;
        seen.add(customId);
        return outputLine(batch, n++, customId, entry, adapter, target);
      };
      if (output.inlined) {
        for (const r of output.inlined) yield line(typeof r?.metadata?.key === "string" ? r.metadata.key : null, r ?? {});
      } else if (output.responsesFile) {
        const res = await call(ctx, target, "GET", `${download(target)}/${output.responsesFile}:download?alt=media`);
        for await (const r of jsonlValues(res.body!)) yield line(typeof r?.key === "string" ? r.key : null, r ?? {});
      }
      // Lines the batch never answered (cancelled, expired, failed midway) are errors, in input order.
      if (seen.size < state.total) {
        const status = stateToStatus(operationState(op));
        const code = status === "cancelled" ? "batch_cancelled" : status === "expired" ? "batch_expired" : status === "failed" ? "batch_failed" : "missing_result";
        const message = status === "completed" ? "the provider returned no result for this request" : `the batch ended (${status}) before this request ran`;
        for await (const l of jsonlValues(ctx.files.read(batch.inputFileId))) {
          const customId = typeof l?.custom_id === "string" ? l.custom_id : null;
          if (customId === null || seen.has(customId)) continue;
          yield { id: lineId(batch, n++), custom_id: customId, response: null, error: { code, message } };
        }
      }
      // The uploaded input is of no further use (Google drops files after 48 h anyway).
      if (state.inputFile) await bestEffort(ctx, target, "DELETE", `${v1beta(target)}/${state.inputFile}`);
    },
  };
}

export const geminiBatchBackend: BatchBackend = createGeminiBatchBackend();

// ---------------------------------------------------------------- lines → requests

/** Turns OpenAI lines into Gemini batch requests, checking that every line names the same model. */
class LineConverter {
  model: string | null = null;
  target: ProviderTarget | null = null;
  count = 0;
  private firstLine = 0;
  private readonly adapter: ProviderAdapter;

  constructor(private readonly ctx: BackendContext, private readonly batch: BatchRecord) {
    this.adapter = ctx.adapter(batch.provider);
  }

  /** The line's key and GenerateContentRequest as JSON text; throws a 400 naming the line. */
  convert(line: BatchInputLine): Converted {
    const n = ++this.count;
    const where = `line ${n} (custom_id ${JSON.stringify(line?.custom_id ?? null)})`;
    try {
      if (typeof line?.custom_id !== "string" || !line.custom_id) throw BifrostError.badRequest("custom_id is required", "custom_id");
      const url = typeof line.url === "string" ? line.url : "";
      if (!CHAT_URLS.has(url)) {
        throw BifrostError.badRequest(
          `the Gemini batch API runs chat completions only (url "/v1/chat/completions"), not "${url}"; send other endpoints to a provider the gateway runs batches for`,
          "url",
          "unsupported_endpoint",
        );
      }
      const body = validateChatRequest(line.body) as ChatRequest;
      const model = checkModelName("gemini", stripProvider(body.model, this.batch.provider));
      if (this.model === null) {
        this.model = model;
        this.firstLine = n;
        this.target = this.ctx.target(this.batch.provider, model);
      } else if (model !== this.model) {
        throw BifrostError.badRequest(
          `a Gemini batch runs one model: line ${this.firstLine} names "${this.model}", this line "${model}"; split the file into one batch per model`,
          "body.model",
          "mixed_models",
        );
      }
      const { stream: _s, stream_options: _o, ...rest } = body;
      const wire = this.adapter.chatRequest({ ...rest, model }, this.target!, false);
      const request = typeof wire.body === "string" ? wire.body : new TextDecoder().decode(wire.body);
      return { key: JSON.stringify(line.custom_id), request };
    } catch (e) {
      const err = BifrostError.from(e);
      throw new BifrostError({ status: err.status, type: err.type, code: err.code ?? "invalid_line", param: err.param, message: `${where}: ${err.message}` });
    }
  }
}

/** A converted line: its custom_id and its GenerateContentRequest, both as JSON text. */
interface Converted {
  key: string;
  request: string;
}

/** An inline batch item: {request, metadata:{key}}. */
function inlineItem(c: Converted): string {
  return `{"request":${c.request},"metadata":{"key":${c.key}}}`;
}

/** A line of an input file: {key, request}. */
function fileLine(c: Converted): string {
  return `{"key":${c.key},"request":${c.request}}\n`;
}

/** "gemini/x" or "<provider>/x" → "x"; "models/x" stays (checkModelName drops it). */
function stripProvider(model: string, provider: string): string {
  for (const prefix of [`${provider}/`, "gemini/"]) if (model.startsWith(prefix)) return model.slice(prefix.length);
  return model;
}

/** The JSONL of the file form: the lines already converted, then the rest as they are read. */
async function* staged(first: Converted[], rest: AsyncIterator<BatchInputLine>, conv: LineConverter): AsyncIterable<Uint8Array> {
  for (const item of first) yield encoder.encode(fileLine(item));
  first.length = 0;
  for (let r = await rest.next(); !r.done; r = await rest.next()) yield encoder.encode(fileLine(conv.convert(r.value)));
}

function displayName(batch: BatchRecord): string {
  return `bifrost-${batch.id}`;
}

// ---------------------------------------------------------------- upstream calls

function v1beta(target: ProviderTarget): string {
  return `${target.baseUrl.replace(/\/+$/, "")}/v1beta`;
}

function download(target: ProviderTarget): string {
  return `${target.baseUrl.replace(/\/+$/, "")}/download/v1beta`;
}

function upstreamId(batch: BatchRecord): string {
  const id = batch.upstreamId ?? "";
  if (!/^batches\/[A-Za-z0-9_-]+$/.test(id)) throw new BifrostError({ status: 500, type: "server_error", message: `batch ${batch.id} has no Gemini batch name` });
  return id;
}

function session(ctx: BackendContext, batch: BatchRecord): { target: ProviderTarget; adapter: ProviderAdapter; state: GeminiUpstreamState } {
  const state = batch.upstreamState as GeminiUpstreamState | null;
  if (!state || typeof state.model !== "string") throw new BifrostError({ status: 500, type: "server_error", message: `batch ${batch.id} has no Gemini state` });
  return { target: ctx.target(batch.provider, state.model), adapter: ctx.adapter(batch.provider), state };
}

/** One call toward Google; a non-2xx answer becomes the adapter's error (status and message kept, key redacted). */
async function call(ctx: BackendContext, target: ProviderTarget, method: string, url: string, body?: string | Uint8Array, headers?: Record<string, string>): Promise<Response> {
  const init: RequestInit = { method, headers: { ...geminiHeaders(target), ...headers } };
  if (body !== undefined) init.body = body;
  if (ctx.signal) init.signal = ctx.signal;
  let res: Response;
  try {
    res = await ctx.fetch(url, init);
  } catch (e) {
    const err = BifrostError.from(e);
    if (err.status !== 500) throw err;
    throw new BifrostError({ status: 502, type: "upstream_error", message: redact(`the Gemini batch API could not be reached: ${(e as Error)?.message ?? e}`, target), extra: { provider: target.provider } });
  }
  if (!res.ok) throw ctx.adapter(target.provider).errorFromResponse(res.status, await res.text(), target);
  return res;
}

async function callJson(ctx: BackendContext, target: ProviderTarget, method: string, url: string, body?: string | Uint8Array): Promise<any> {
  const res = await call(ctx, target, method, url, body);
  const text = await res.text();
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    throw new BifrostError({ status: 502, type: "upstream_error", message: "the Gemini batch API answered with malformed JSON", extra: { provider: target.provider } });
  }
}

async function bestEffort(ctx: BackendContext, target: ProviderTarget, method: string, url: string): Promise<void> {
  try {
    await (await call(ctx, target, method, url)).body?.cancel();
  } catch {}
}

async function createBatch(ctx: BackendContext, conv: LineConverter, body: string): Promise<any> {
  const target = conv.target!;
  return callJson(ctx, target, "POST", `${v1beta(target)}/models/${conv.model}:batchGenerateContent`, body);
}

function submitted(op: any, state: GeminiUpstreamState): Submitted {
  const name = op?.name ?? op?.metadata?.name;
  if (typeof name !== "string" || !/^batches\/[A-Za-z0-9_-]+$/.test(name)) {
    throw new BifrostError({ status: 502, type: "upstream_error", message: "the Gemini batch API answered without a batch name" });
  }
  return { upstreamId: name, upstreamState: { ...state } as unknown as Record<string, unknown> };
}

async function getOperation(ctx: BackendContext, target: ProviderTarget, batch: BatchRecord): Promise<any> {
  return callJson(ctx, target, "GET", `${v1beta(target)}/${upstreamId(batch)}`);
}

/**
 * The JSONL staged in the FileStore (so its size is known), then the Files API's resumable upload:
 * a start request declaring size and type, then chunks at increasing offsets, the last one finalizing.
 */
async function uploadInput(
  ctx: BackendContext,
  batch: BatchRecord,
  conv: LineConverter,
  jsonl: AsyncIterable<Uint8Array>,
  fileMax: number,
  chunkBytes: number,
): Promise<string> {
  const stage = await ctx.files.put(
    {
      id: stagingId(),
      // No caller maps to this owner: the staging copy never shows in anyone's file list.
      owner: STAGING_OWNER,
      provider: batch.provider,
      filename: `${batch.id}-gemini-input.jsonl`,
      purpose: "batch_staging",
      createdAt: Date.now(),
      // Swept by the retention job if the gateway dies before deleting it.
      expiresAt: Date.now() + 24 * 3600 * 1000,
      generated: true,
    },
    jsonl,
    fileMax,
  );
  try {
    const target = conv.target!;
    const base = target.baseUrl.replace(/\/+$/, "");
    const start = await call(ctx, target, "POST", `${base}/upload/v1beta/files`, JSON.stringify({ file: { displayName: `${displayName(batch)}-input` } }), {
      "x-goog-upload-protocol": "resumable",
      "x-goog-upload-command": "start",
      "x-goog-upload-header-content-length": String(stage.bytes),
      "x-goog-upload-header-content-type": "application/jsonl",
    });
    await start.body?.cancel();
    const location = start.headers.get("x-goog-upload-url");
    if (!location) throw new BifrostError({ status: 502, type: "upstream_error", message: "the Gemini Files API gave no upload URL" });
    const uploadUrl = sameOrigin(location, base);
    let offset = 0;
    let answer: any = null;
    for await (const chunk of rechunk(ctx.files.read(stage.id), chunkBytes, stage.bytes)) {
      const last = offset + chunk.byteLength >= stage.bytes;
      const res = await call(ctx, target, "POST", uploadUrl, chunk, {
        "x-goog-upload-command": last ? "upload, finalize" : "upload",
        "x-goog-upload-offset": String(offset),
        "content-type": "application/octet-stream",
      });
      offset += chunk.byteLength;
      if (last) answer = JSON.parse((await res.text()) || "{}");
      else await res.body?.cancel();
    }
    const name = answer?.file?.name;
    if (typeof name !== "string" || !name.startsWith("files/")) throw new BifrostError({ status: 502, type: "upstream_error", message: "the Gemini Files API finished the upload without a file name" });
    return name;
  } finally {
    await ctx.files.delete(stage.id).catch(() => false);
  }
}

/** As the GenAI SDK does: the upload URL's path and query on the configured origin (a proxy in front of Google). */
function sameOrigin(location: string, base: string): string {
  try {
    const u = new URL(location, base);
    const b = new URL(base);
    u.protocol = b.protocol;
    u.host = b.host;
    return u.toString();
  } catch {
    throw new BifrostError({ status: 502, type: "upstream_error", message: "the Gemini Files API gave an invalid upload URL" });
  }
}

/** Stored chunks regrouped into upload chunks of exactly `size` bytes (the last one shorter); an empty file is one empty chunk. */
async function* rechunk(src: AsyncIterable<Uint8Array>, size: number, total: number): AsyncIterable<Uint8Array> {
  if (total === 0) {
    yield new Uint8Array(0);
    return;
  }
  let buf = new Uint8Array(Math.min(size, total));
  let fill = 0;
  let sent = 0;
  for await (const piece of src) {
    let at = 0;
    while (at < piece.byteLength) {
      const n = Math.min(buf.byteLength - fill, piece.byteLength - at);
      buf.set(piece.subarray(at, at + n), fill);
      fill += n;
      at += n;
      if (fill === buf.byteLength) {
        yield buf;
        sent += fill;
        buf = new Uint8Array(Math.min(size, Math.max(0, total - sent)));
        fill = 0;
      }
    }
  }
  if (fill) yield buf.subarray(0, fill);
}

function stagingId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let bits = 0;
  let value = 0;
  let out = "";
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += "abcdefghijklmnopqrstuvwxyz234567"[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits) out += "abcdefghijklmnopqrstuvwxyz234567"[(value << (5 - bits)) & 31];
  return `file-${out}`;
}

function redact(message: string, target: ProviderTarget): string {
  return target.apiKey ? message.split(target.apiKey).join("[redacted]") : message;
}

// ---------------------------------------------------------------- operation → OpenAI terms

export function operationState(op: any): string {
  const s = op?.metadata?.state ?? op?.state;
  return typeof s === "string" ? s : "BATCH_STATE_UNSPECIFIED";
}

/** Gemini's batch state (or the SDK's JOB_STATE_ spelling) → the OpenAI status. */
export function stateToStatus(state: string): BatchStatus {
  switch (state.replace(/^(BATCH|JOB)_STATE_/, "")) {
    case "SUCCEEDED":
      return "completed";
    case "FAILED":
      return "failed";
    case "CANCELLED":
      return "cancelled";
    case "EXPIRED":
      return "expired";
    case "CANCELLING":
      return "cancelling";
    default:
      // PENDING, RUNNING, UNSPECIFIED
      return "in_progress";
  }
}

function count(v: unknown): number {
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v) : 0;
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

export function operationCounts(op: any, total: number): BatchRequestCounts {
  const stats = op?.metadata?.batchStats ?? op?.batchStats ?? {};
  return {
    total: count(stats.requestCount) || total,
    completed: count(stats.successfulRequestCount),
    failed: count(stats.failedRequestCount),
  };
}

function refreshed(batch: BatchRecord, op: any): Refreshed {
  const state = batch.upstreamState as GeminiUpstreamState | null;
  let status = stateToStatus(operationState(op));
  // Google keeps RUNNING until the cancel lands.
  if (status === "in_progress" && batch.status === "cancelling") status = "cancelling";
  const out: Refreshed = { status, counts: operationCounts(op, state?.total ?? 0) };
  const err = op?.error;
  if (err && typeof err === "object") out.errors = [operationError(err)];
  return out;
}

function operationError(err: any): BatchError {
  const name = typeof err.status === "string" ? err.status : grpcName(err.code);
  return { code: name.toLowerCase(), message: typeof err.message === "string" ? err.message : "the Gemini batch failed" };
}

/** A numeric google.rpc.Code (or an HTTP status, which some answers carry) → its name. */
export function grpcName(code: unknown): string {
  if (typeof code === "number" && code >= 0 && code < GRPC_CODES.length) return GRPC_CODES[code]!;
  if (typeof code === "number") return HTTP_TO_GRPC[code] ?? (code >= 500 ? "INTERNAL" : "INVALID_ARGUMENT");
  if (typeof code === "string" && code) return code;
  return "UNKNOWN";
}

const HTTP_TO_GRPC: Record<number, string> = {
  400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND", 409: "ABORTED", 429: "RESOURCE_EXHAUSTED",
  499: "CANCELLED", 500: "INTERNAL", 501: "UNIMPLEMENTED", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED",
};

/** The Operation's output: the top-level response, else metadata.output (the SDK reads the latter). */
function operationOutput(op: any): { inlined?: any[]; responsesFile?: string } {
  for (const o of [op?.response, op?.metadata?.output]) {
    if (!o || typeof o !== "object") continue;
    const inlined = o.inlinedResponses?.inlinedResponses;
    if (Array.isArray(inlined)) return { inlined };
    if (typeof o.responsesFile === "string" && /^files\/[A-Za-z0-9_-]+$/.test(o.responsesFile)) return { responsesFile: o.responsesFile };
  }
  return {};
}

function lineId(batch: BatchRecord, n: number): string {
  return `batch_req_${batch.id.replace(/^batch_/, "")}_${n}`;
}

/** One Gemini answer ({response} | {error} | {status}) → an OpenAI output line. */
function outputLine(batch: BatchRecord, n: number, customId: string, entry: { response?: unknown; error?: unknown; status?: unknown }, adapter: ProviderAdapter, target: ProviderTarget): BatchOutputLine {
  const id = lineId(batch, n);
  const err = (entry.error ?? (entry.response === undefined ? entry.status : undefined)) as any;
  if (err && typeof err === "object") {
    return { id, custom_id: customId, response: null, error: { code: grpcName(err.code ?? err.status).toLowerCase(), message: redact(String(err.message ?? "the request failed"), target) } };
  }
  if (!entry.response || typeof entry.response !== "object") {
    return { id, custom_id: customId, response: null, error: { code: "missing_result", message: "the provider returned neither a response nor an error" } };
  }
  try {
    const body = adapter.chatResponse(entry.response, target);
    const requestId = typeof (entry.response as any).responseId === "string" ? (entry.response as any).responseId : id;
    return { id, custom_id: customId, response: { status_code: 200, request_id: requestId, body }, error: null };
  } catch (e) {
    const err2 = BifrostError.from(e);
    return { id, custom_id: customId, response: null, error: { code: err2.code ?? "upstream_error", message: redact(err2.message, target) } };
  }
}

// ---------------------------------------------------------------- JSONL

