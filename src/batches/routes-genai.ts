/**
 * The GenAI SDK's batches and files under /genai (a GenAI client with baseUrl `<gateway>/genai`), over BatchApi:
 *
 *   POST   /genai/{v}/models/{model}:batchGenerateContent   create (inline requests or an uploaded file) — served
 *                                                          through integrationRoutes' models route (see genaiBatchModelMethods)
 *   GET    /genai/{v}/batches[?pageSize&pageToken]          list → {operations, nextPageToken}
 *   GET    /genai/{v}/batches/{id}                          get → the Operation (results once done)
 *   POST   /genai/{v}/batches/{id}:cancel                   cancel → {}
 *   DELETE /genai/{v}/batches/{id}                          the gateway keeps its records: cancels a running batch → {}
 *   POST   /genai/upload/{v}/files                          resumable upload (x-goog-upload-*): start → x-goog-upload-url;
 *                                                          chunks at that URL, streamed into BatchApi.uploadFile as they arrive
 *   GET    /genai/{v}/files[?pageSize&pageToken], GET|DELETE /genai/{v}/files/{id}
 *   GET    /genai/{v}/files/{id}:download, /genai/download/{v}/files/{id}:download   the bytes (a responses file: converted)
 *
 * The provider comes from the `x-model-provider` header (default "gemini"); errors are Google's {error:{code, message, status}}.
 */
import { Elysia } from "elysia";
import { genaiErrorBody } from "../dialects/genai";
import { field, isObject } from "../dialects/genai/fields";
import type { Route, RouteRequest } from "../http/route";
import { readJsonBody } from "../http/body";
import { BifrostError } from "../schemas/error";
import { streamOf } from "./byte-streams";
import { jsonlValues } from "./jsonl";
import {
  answersInline,
  batchModelFromPath,
  fileIdOf,
  fileLineToLine,
  GENAI_META,
  hasResults,
  inlineItemsToLines,
  mimeTypeOf,
  responsesBatchId,
  RESPONSES_PREFIX,
  fileName,
  toGenaiFile,
  toGenaiOperation,
  toInlinedResponse,
  toResponsesFile,
  toResponsesFileLine,
  type GenaiOutput,
} from "./genai-shapes";
import { ENDED, type BatchApi, type BatchCaller, type BatchInputLine, type BatchRecord, type FileMeta, type Owner } from "./types";

/** What a handler needs of a request (RouteRequest has more). */
export type GenaiRequest = Pick<RouteRequest, "request" | "params" | "headers">;
export type GenaiModelMethod = (r: GenaiRequest, model: string) => Promise<Response>;

export interface GenaiBatchRoutesOptions {
  /** The gateway's route wrapper (auth, CORS, x-request-id, plugin hooks); without it handlers run bare (tests). */
  route?: Route;
  /** The largest batchGenerateContent body (inline requests; Google's own cap is about 20 MB). Default 32 MiB. */
  maxBatchBody?: number;
  /** An upload session silent this long is dropped and its partial file discarded. Default 10 minutes. */
  uploadIdleMs?: number;
  /** Uploads in progress at once. Default 64. */
  maxUploads?: number;
}

const NO_PARSE = { parse: "none" } as const;
const DEFAULT_MAX_BATCH_BODY = 32 * 1024 * 1024;
const PAGE_DEFAULT = 20;
const PAGE_MAX = 100;
const encoder = new TextEncoder();

/** The model methods integrationRoutes' /genai/{v}/models/* route hands over: batchGenerateContent. */
export function genaiBatchModelMethods(api: BatchApi, opts: GenaiBatchRoutesOptions = {}): ReadonlyMap<string, GenaiModelMethod> {
  const maxBody = opts.maxBatchBody ?? DEFAULT_MAX_BATCH_BODY;
  return new Map<string, GenaiModelMethod>([["batchGenerateContent", (r, model) => guarded(r, () => admitted(api, r, () => createBatch(api, r, model, maxBody)))]]);
}

/** The caller admitted (its key checked) before anything of the request is read. */
async function admitted(api: BatchApi, r: GenaiRequest, serve: () => Promise<Response>): Promise<Response> {
  await api.admit?.({ headers: r.request.headers });
  return serve();
}

export function genaiBatchRoutes(api: BatchApi, opts: GenaiBatchRoutesOptions = {}) {
  const wrap = (serve: (r: GenaiRequest) => Promise<Response>) => {
    const safe = (r: GenaiRequest) => guarded(r, () => admitted(api, r, () => serve(r)));
    if (opts.route) return opts.route(safe);
    return (c: { request: Request; params?: Record<string, string | undefined> }) => safe({ request: c.request, params: c.params ?? {}, headers: {} });
  };
  const uploads = new UploadSessions(api, opts.uploadIdleMs ?? 10 * 60_000, opts.maxUploads ?? 64);
  return new Elysia({ name: "genai-batches" })
    .post("/genai/upload/:version/files", wrap((r) => uploads.handle(r)), NO_PARSE)
    .get("/genai/:version/files", wrap((r) => listFiles(api, r)))
    .get("/genai/:version/files/*", wrap((r) => fileGet(api, r, false)))
    .get("/genai/download/:version/files/*", wrap((r) => fileGet(api, r, true)))
    .delete("/genai/:version/files/*", wrap((r) => deleteFile(api, r)), NO_PARSE)
    .get("/genai/:version/batches", wrap((r) => listBatches(api, r)))
    .get("/genai/:version/batches/*", wrap((r) => getBatch(api, r)))
    .post("/genai/:version/batches/*", wrap((r) => batchMethod(api, r)), NO_PARSE)
    .delete("/genai/:version/batches/*", wrap((r) => deleteBatch(api, r)), NO_PARSE);
}

// ---------------------------------------------------------------- plumbing

async function guarded(r: GenaiRequest, serve: () => Promise<Response>): Promise<Response> {
  try {
    return await serve();
  } catch (e) {
    return googleError(e, r.headers);
  }
}

function googleError(e: unknown, headers: Record<string, string>): Response {
  const err = BifrostError.from(e);
  const { status, body } = genaiErrorBody(err);
  return new Response(JSON.stringify(body), { status, headers: { ...headers, ...err.headers, "content-type": "application/json" } });
}

function json(value: unknown, headers: Record<string, string>, extra?: Record<string, string>): Response {
  return new Response(JSON.stringify(value), { status: 200, headers: { ...headers, ...extra, "content-type": "application/json" } });
}

function caller(r: GenaiRequest): BatchCaller {
  return { headers: r.request.headers };
}

function providerOf(r: GenaiRequest): string {
  return r.request.headers.get("x-model-provider")?.trim() || "gemini";
}

/** The surface's root as the client reached it (…/genai), for File uris. */
function baseOf(r: GenaiRequest): string {
  return `${new URL(r.request.url).origin}/genai`;
}

function notFound(message: string): BifrostError {
  return new BifrostError({ status: 404, type: "not_found_error", message });
}

function pageOf(r: GenaiRequest): { limit: number; after?: string } {
  const q = new URL(r.request.url).searchParams;
  const size = Number(q.get("pageSize") ?? q.get("page_size") ?? PAGE_DEFAULT);
  const limit = Number.isInteger(size) && size > 0 ? Math.min(size, PAGE_MAX) : PAGE_DEFAULT;
  const token = q.get("pageToken") ?? q.get("page_token");
  return token ? { limit, after: token } : { limit };
}


// ---------------------------------------------------------------- batches

async function createBatch(api: BatchApi, r: GenaiRequest, rawModel: string, maxBody: number): Promise<Response> {
  const model = batchModelFromPath(rawModel);
  const { value } = await readJsonBody(r.request, maxBody);
  const batch = field(value, "batch");
  if (!isObject(batch)) throw BifrostError.badRequest("batch is required ({batch: {displayName, inputConfig}})", "batch");
  const displayName = field(batch, "displayName");
  const input = field(batch, "inputConfig");
  const inline = field(field(input, "requests"), "requests");
  const file = field(input, "fileName");
  const metadata: Record<string, string> = { [GENAI_META.model]: model.slice(0, 512) };
  if (typeof displayName === "string" && displayName) metadata[GENAI_META.displayName] = displayName.slice(0, 512);
  let lines: BatchInputLine[] | AsyncIterable<BatchInputLine>;
  if (Array.isArray(inline)) {
    lines = inlineItemsToLines(inline, model);
    metadata[GENAI_META.source] = "inline";
  } else if (typeof file === "string" && file) {
    const content = await api.fileContent(caller(r), fileIdOf(file));
    lines = fileLines(content.body, model);
    metadata[GENAI_META.source] = "file";
  } else {
    throw BifrostError.badRequest("batch.inputConfig needs requests.requests (inline) or fileName", "batch.inputConfig");
  }
  const rec = await api.createBatchFromLines(caller(r), { provider: providerOf(r), endpoint: "/v1/chat/completions", completionWindow: "24h", metadata, lines });
  return json(toGenaiOperation(rec), r.headers);
}

/** An uploaded input file's lines, converted as they are read. */
async function* fileLines(body: AsyncIterable<Uint8Array>, model: string): AsyncIterable<BatchInputLine> {
  let n = 0;
  for await (const obj of jsonlValues(body)) {
    n++;
    if (obj === null) throw BifrostError.badRequest(`input file line ${n}: not valid JSON`);
    yield fileLineToLine(obj, n, model);
  }
}

/** "batches/x" and "x" name the same batch; a method after ":" is split off. */
function batchPath(r: GenaiRequest): { id: string; method: string | null } {
  let rest = safeDecode(r.params["*"] ?? "");
  if (rest.startsWith("batches/")) rest = rest.slice("batches/".length);
  const colon = rest.indexOf(":");
  const id = colon === -1 ? rest : rest.slice(0, colon);
  if (!id || id.includes("/")) throw notFound(`no such batch: ${rest}`);
  return { id, method: colon === -1 ? null : rest.slice(colon + 1) };
}

async function outputOf(api: BatchApi, r: GenaiRequest, rec: BatchRecord): Promise<GenaiOutput | undefined> {
  if (!hasResults(rec)) return undefined;
  if (!answersInline(rec)) return { responsesFile: fileName(`${RESPONSES_PREFIX}${rec.id}`) };
  const inlined: Record<string, unknown>[] = [];
  for await (const line of api.results(caller(r), rec.id)) inlined.push(toInlinedResponse(line));
  return { inlined };
}

async function getBatch(api: BatchApi, r: GenaiRequest): Promise<Response> {
  const { id, method } = batchPath(r);
  if (method !== null) throw notFound(`unsupported method: GET batches/${id}:${method}`);
  const rec = await api.getBatch(caller(r), id);
  return json(toGenaiOperation(rec, await outputOf(api, r, rec)), r.headers);
}

async function listBatches(api: BatchApi, r: GenaiRequest): Promise<Response> {
  const page = pageOf(r);
  // One more than asked: a next page token only when there is a next page (the SDK's pager would yield an empty one).
  const recs = await api.listBatches(caller(r), { ...page, limit: page.limit + 1 });
  const next = recs.length > page.limit ? { nextPageToken: recs[page.limit - 1]!.id } : {};
  recs.length = Math.min(recs.length, page.limit);
  // Listing stays cheap: inline results are read by get, a responses file is only named.
  const operations = recs.map((rec) => toGenaiOperation(rec, hasResults(rec) && !answersInline(rec) ? { responsesFile: fileName(`${RESPONSES_PREFIX}${rec.id}`) } : undefined));
  return json({ operations, ...next }, r.headers);
}

async function batchMethod(api: BatchApi, r: GenaiRequest): Promise<Response> {
  const { id, method } = batchPath(r);
  if (method !== "cancel") throw notFound(`unsupported method: POST batches/${id}${method ? `:${method}` : ""}`);
  await api.cancelBatch(caller(r), id);
  return json({}, r.headers);
}

/** The gateway is the record of every batch, so delete only stops one still running. */
async function deleteBatch(api: BatchApi, r: GenaiRequest): Promise<Response> {
  const { id, method } = batchPath(r);
  if (method !== null) throw notFound(`unsupported method: DELETE batches/${id}:${method}`);
  const rec = await api.getBatch(caller(r), id);
  if (!ENDED.has(rec.status) && rec.status !== "cancelling") await api.cancelBatch(caller(r), id);
  return json({}, r.headers);
}

// ---------------------------------------------------------------- files

function filePath(r: GenaiRequest): { id: string; method: string | null } {
  const rest = safeDecode(r.params["*"] ?? "");
  const colon = rest.indexOf(":");
  const id = colon === -1 ? rest : rest.slice(0, colon);
  if (!id || id.includes("/")) throw notFound(`no such file: ${rest}`);
  return { id, method: colon === -1 ? null : rest.slice(colon + 1) };
}

async function listFiles(api: BatchApi, r: GenaiRequest): Promise<Response> {
  const page = pageOf(r);
  const metas = await api.listFiles(caller(r), { ...page, limit: page.limit + 1, order: "desc" });
  const next = metas.length > page.limit ? { nextPageToken: metas[page.limit - 1]!.id } : {};
  metas.length = Math.min(metas.length, page.limit);
  const base = baseOf(r);
  return json({ files: metas.map((m) => toGenaiFile(m, base)), ...next }, r.headers);
}

async function fileGet(api: BatchApi, r: GenaiRequest, downloadPath: boolean): Promise<Response> {
  const { id, method } = filePath(r);
  if (method === "download") return download(api, r, id);
  if (method !== null || downloadPath) throw notFound(`unsupported method: GET files/${id}${method ? `:${method}` : ""}`);
  const batchId = responsesBatchId(id);
  if (batchId) return json(toResponsesFile(await api.getBatch(caller(r), batchId), baseOf(r)), r.headers);
  return json(toGenaiFile(await api.getFile(caller(r), id), baseOf(r)), r.headers);
}

async function download(api: BatchApi, r: GenaiRequest, id: string): Promise<Response> {
  const batchId = responsesBatchId(id);
  if (batchId) {
    const rec = await api.getBatch(caller(r), batchId);
    if (!hasResults(rec)) throw new BifrostError({ status: 400, type: "invalid_request_error", code: "FAILED_PRECONDITION", message: `batch ${batchId} has no results yet (${rec.status})` });
    const results = api.results(caller(r), batchId);
    async function* lines(): AsyncIterable<Uint8Array> {
      for await (const line of results) yield encoder.encode(`${JSON.stringify(toResponsesFileLine(line))}\n`);
    }
    return new Response(streamOf(lines()), { status: 200, headers: { ...r.headers, "content-type": "application/jsonl" } });
  }
  const { meta, body } = await api.fileContent(caller(r), id);
  return new Response(streamOf(body), { status: 200, headers: { ...r.headers, "content-type": mimeTypeOf(meta.filename), "content-length": String(meta.bytes) } });
}

async function deleteFile(api: BatchApi, r: GenaiRequest): Promise<Response> {
  const { id, method } = filePath(r);
  if (method !== null) throw notFound(`unsupported method: DELETE files/${id}:${method}`);
  if (responsesBatchId(id)) throw BifrostError.badRequest(`files/${id} holds a batch's results; it goes with the batch`);
  await api.deleteFile(caller(r), id);
  return json({}, r.headers);
}

// ---------------------------------------------------------------- resumable upload

/**
 * One upload in progress. Its bytes go to BatchApi.uploadFile through an UploadPipe from the moment the
 * session starts: each chunk request's body is read by the store as it arrives, and the request is answered
 * once the store has taken all of it. Nothing is buffered here.
 */
interface UploadSession {
  id: string;
  /** Whose upload it is: only that caller may continue it. */
  owner: Owner | undefined;
  pipe: UploadPipe;
  /** uploadFile's outcome. */
  done: Promise<{ meta?: FileMeta; err?: unknown }>;
  received: number;
  declared: number | null;
  mimeType: string | null;
  busy: boolean;
  timer: ReturnType<typeof setTimeout> | null;
}

class UploadSessions {
  private readonly sessions = new Map<string, UploadSession>();

  constructor(
    private readonly api: BatchApi,
    private readonly idleMs: number,
    private readonly max: number,
  ) {}

  async handle(r: GenaiRequest): Promise<Response> {
    const command = (r.request.headers.get("x-goog-upload-command") ?? "").toLowerCase().split(",").map((s) => s.trim());
    const uploadId = new URL(r.request.url).searchParams.get("upload_id");
    if (command.includes("start")) return this.start(r);
    if (!uploadId) throw BifrostError.badRequest("an upload starts with x-goog-upload-protocol: resumable and x-goog-upload-command: start");
    const s = this.sessions.get(uploadId);
    // Another caller's session is as good as none: it may neither write into it, finalize, query nor cancel it.
    if (!s || (this.api.owner && (await this.api.owner(caller(r))) !== s.owner)) throw notFound("no such upload session (finished, cancelled or expired)");
    if (command.includes("cancel")) {
      this.drop(s, new BifrostError({ status: 499, type: "invalid_request_error", code: "client_closed_request", message: "the upload was cancelled" }));
      return new Response(null, { status: 200, headers: { ...r.headers, "x-goog-upload-status": "cancelled" } });
    }
    if (command.includes("query")) return new Response(null, { status: 200, headers: { ...r.headers, "x-goog-upload-status": "active", "x-goog-upload-size-received": String(s.received) } });
    if (!command.includes("upload")) throw BifrostError.badRequest(`unsupported x-goog-upload-command: ${command.join(", ")}`);
    return this.chunk(r, s, command.includes("finalize"));
  }

  private async start(r: GenaiRequest): Promise<Response> {
    if ((r.request.headers.get("x-goog-upload-protocol") ?? "").toLowerCase() !== "resumable") {
      throw BifrostError.badRequest("only resumable uploads are served (x-goog-upload-protocol: resumable), as the GenAI SDKs send them");
    }
    if (this.sessions.size >= this.max) throw new BifrostError({ status: 429, type: "rate_limit_error", message: "too many uploads in progress; retry shortly" });
    const hasBody = r.request.headers.get("content-length") !== "0" && r.request.body !== null;
    const start = hasBody ? ((await readJsonBody(r.request, 64 * 1024).catch(() => ({ value: {} }))).value as unknown) : {};
    const file = field(start, "file");
    const display = field(file, "displayName");
    const named = r.request.headers.get("x-goog-upload-file-name");
    const filename = (typeof display === "string" && display) || (named && decodeURIComponent(named)) || "upload";
    const declaredText = r.request.headers.get("x-goog-upload-header-content-length");
    const declared = declaredText !== null && /^\d+$/.test(declaredText) ? Number(declaredText) : null;
    const owner = await this.api.owner?.(caller(r));
    const pipe = new UploadPipe();
    const id = randomId();
    const upload = this.api.uploadFile(caller(r), { filename, purpose: "batch", provider: providerOf(r), body: pipe });
    const s: UploadSession = {
      id,
      owner,
      pipe,
      done: upload.then((meta) => ({ meta }), (err) => ({ err })),
      received: 0,
      declared,
      mimeType: r.request.headers.get("x-goog-upload-header-content-type"),
      busy: false,
      timer: null,
    };
    this.sessions.set(id, s);
    this.touch(s);
    // A refusal (no owner, no such provider) ends the session at once.
    void s.done.then((d) => {
      if (d.err) this.forget(s);
    });
    const url = `${new URL(r.request.url).origin}/genai/upload/v1beta/files?upload_id=${id}&upload_protocol=resumable`;
    return new Response(null, { status: 200, headers: { ...r.headers, "x-goog-upload-url": url, "x-goog-upload-status": "active", "x-goog-upload-chunk-granularity": "262144" } });
  }

  private async chunk(r: GenaiRequest, s: UploadSession, final: boolean): Promise<Response> {
    if (s.busy) throw new BifrostError({ status: 409, type: "invalid_request_error", message: "another chunk of this upload is still being received" });
    const offsetText = r.request.headers.get("x-goog-upload-offset");
    if (offsetText !== null && Number(offsetText) !== s.received) {
      throw BifrostError.badRequest(`x-goog-upload-offset is ${offsetText}; ${s.received} bytes were received so far`);
    }
    s.busy = true;
    this.touch(s);
    try {
      const fed = s.pipe.feed(r.request.body, final);
      const outcome = await Promise.race([fed.then((n) => ({ n }), (e) => ({ e })), s.done.then((d) => (d.err ? { e: d.err } : { n: -1 }))]);
      if ("e" in outcome) {
        // The store's own refusal (a 413, say) says more than the pipe's.
        const d = await s.done;
        this.drop(s, outcome.e);
        throw d.err ?? outcome.e;
      }
      if (outcome.n >= 0) s.received += outcome.n;
      if (!final) return new Response(null, { status: 200, headers: { ...r.headers, "x-goog-upload-status": "active", "x-goog-upload-size-received": String(s.received) } });
      const d = await s.done;
      this.forget(s);
      if (d.err) throw d.err;
      const meta = d.meta!;
      if (s.declared !== null && meta.bytes !== s.declared) {
        await this.api.deleteFile(caller(r), meta.id).catch(() => {});
        throw BifrostError.badRequest(`the upload declared ${s.declared} bytes (x-goog-upload-header-content-length) but sent ${meta.bytes}`);
      }
      return json({ file: toGenaiFile(meta, baseOf(r), s.mimeType ?? undefined) }, r.headers, { "x-goog-upload-status": "final" });
    } finally {
      s.busy = false;
    }
  }

  private touch(s: UploadSession): void {
    if (s.timer) clearTimeout(s.timer);
    s.timer = setTimeout(() => {
      if (s.busy) return this.touch(s);
      this.drop(s, new BifrostError({ status: 408, type: "invalid_request_error", code: "upload_expired", message: "the upload session was idle too long" }));
    }, this.idleMs);
    (s.timer as { unref?: () => void }).unref?.();
  }

  /** Ends the session and fails its pipe: the store discards what it had. */
  private drop(s: UploadSession, err: unknown): void {
    s.pipe.fail(err);
    this.forget(s);
  }

  private forget(s: UploadSession): void {
    if (s.timer) clearTimeout(s.timer);
    s.timer = null;
    this.sessions.delete(s.id);
  }
}

/** A body reader (Bun's and Node's stream types differ; this is what both have). */
interface ChunkReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  cancel(): Promise<void>;
}

interface Feed {
  reader: ChunkReader | null;
  final: boolean;
  bytes: number;
  resolve(n: number): void;
  reject(e: unknown): void;
}

/**
 * The bytes of an upload that spans requests, as one AsyncIterable for BatchApi.uploadFile. `feed` hands
 * it one request's body; the store pulls that body through (backpressure reaches the client's socket), and
 * the feed resolves with its byte count once the body is drained. The iteration ends after the final feed.
 */
export class UploadPipe implements AsyncIterable<Uint8Array> {
  private current: Feed | null = null;
  private waiter: (() => void) | null = null;
  private ended = false;
  private failure: unknown = null;

  feed(body: ReadableStream<Uint8Array> | null, final: boolean): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.current || this.ended) return Promise.reject(BifrostError.badRequest("the upload is not taking another chunk now"));
    return new Promise<number>((resolve, reject) => {
      this.current = { reader: body ? (body.getReader() as unknown as ChunkReader) : null, final, bytes: 0, resolve, reject };
      this.wake();
    });
  }

  fail(err: unknown): void {
    if (this.failure || this.ended) return;
    this.failure = err;
    const c = this.current;
    this.current = null;
    if (c) {
      c.reader?.cancel().catch(() => {});
      c.reject(err);
    }
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return {
      next: async (): Promise<IteratorResult<Uint8Array>> => {
        for (;;) {
          if (this.failure) throw this.failure;
          const c = this.current;
          if (!c) {
            if (this.ended) return { done: true, value: undefined };
            await new Promise<void>((resolve) => (this.waiter = resolve));
            continue;
          }
          let r: { done: boolean; value?: Uint8Array };
          try {
            r = c.reader ? await c.reader.read() : { done: true, value: undefined };
          } catch {
            this.fail(BifrostError.badRequest("the upload chunk could not be read (the client went away?)"));
            continue;
          }
          if (this.current !== c) continue;
          if (!r.done && r.value) {
            if (!r.value.byteLength) continue;
            c.bytes += r.value.byteLength;
            return { done: false, value: r.value };
          }
          this.current = null;
          if (c.final) this.ended = true;
          c.resolve(c.bytes);
        }
      },
      return: async (): Promise<IteratorResult<Uint8Array>> => {
        // The consumer stopped early (the store refused the file): the client learns it from uploadFile's error.
        if (!this.ended) this.fail(new BifrostError({ status: 400, type: "invalid_request_error", message: "the upload was not accepted" }));
        return { done: true, value: undefined };
      },
    };
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function randomId(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("hex");
}
