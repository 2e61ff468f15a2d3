/**
 * The Anthropic SDK's Message Batches and Files (beta) under /anthropic/v1, over the gateway's BatchApi:
 * `client.messages.batches.*` and `client.beta.files.*` with baseURL <gateway>/anthropic. The target
 * provider is the `x-model-provider` header (default anthropic); answers and errors are Anthropic's shapes.
 *
 * Mount: `app.use(anthropicBatchRoutes(batchApi, { route }))` — `route` (src/http/route.ts) adds the auth
 * guard, the plugins' HTTP hooks and x-request-id as on every inference route.
 */
import { Elysia } from "elysia";
import { anthropicErrorBody } from "../dialects/anthropic/errors";
import { readJsonBody } from "../http/body";
import type { Route, RouteRequest } from "../http/route";
import { log } from "../log";
import { BifrostError } from "../schemas/error";
import { anthropicPage, pageLimit, toAnthropicFile, toAnthropicResultLine, toBatchInputLines, toMessageBatch, mimeTypeOf } from "./anthropic-surface";
import { BATCH_DEFAULTS } from "./config";
import { boundaryOf, MultipartReader } from "./multipart";
import { streamOf } from "./byte-streams";
import type { BatchApi, BatchCaller, BatchOutputLine, FileMeta } from "./types";

/** Anthropic's DELETE /v1/messages/batches/{id}, when the service offers it (BatchApi has no delete). */
export interface BatchDeletion {
  deleteBatch(caller: BatchCaller, id: string): Promise<void>;
}

export interface AnthropicBatchRoutesOptions {
  /** The app's route maker; without it, errors are still Anthropic's but no guard or plugin hook runs. */
  route?: Route;
  /** Largest create body (its inline requests as JSON); default 256 MB, Anthropic's own limit. */
  maxCreateBytes?: number;
  /** The gateway's URL as clients reach it, for results_url; default: the request's origin. */
  publicUrl?: string;
  /** The upload limit now (batches.max_upload_bytes; asked per upload, the service starts after the app): a whole form past it plus 1 MiB of fields is refused (413). */
  maxUploadBytes?: () => number;
}

/** Room for the form's fields and framing around the file. */
const FORM_OVERHEAD_BYTES = 1024 * 1024;

type Req = Pick<RouteRequest, "request" | "params" | "headers">;
type Serve = (r: Req) => Promise<Response>;

const BATCHES = "/anthropic/v1/messages/batches";
const FILES = "/anthropic/v1/files";
const NO_PARSE = { parse: "none" } as const;
/** Anthropic's range for a file's expires_in_seconds: one hour to ninety days. */
const EXPIRY_RANGE = [3600, 7_776_000] as const;

export function anthropicBatchRoutes(api: BatchApi & Partial<BatchDeletion>, opts: AnthropicBatchRoutesOptions = {}) {
  const maxCreateBytes = opts.maxCreateBytes ?? 256 * 1024 * 1024;
  const handle = (serve: Serve) => {
    // The caller is admitted (its key checked) before anything of the request is read.
    const safe = anthropicErrors(async (r) => {
      await api.admit?.(callerOf(r.request));
      return serve(r);
    });
    if (opts.route) return opts.route(safe);
    return ({ request, params }: { request: Request; params?: Record<string, string | undefined> }) => safe({ request, params: params ?? {}, headers: {} });
  };
  const batchesUrl = (request: Request) => `${opts.publicUrl?.replace(/\/+$/, "") ?? new URL(request.url).origin}${BATCHES}`;

  return (
    new Elysia({ name: "anthropic-batches" })
      // ── Message Batches ──
      .post(
        BATCHES,
        handle(async ({ request, headers }) => {
          const { value } = await readJsonBody(request, maxCreateBytes);
          const lines = toBatchInputLines(value);
          const rec = await api.createBatchFromLines(callerOf(request), { provider: providerOf(request), endpoint: "/v1/chat/completions", completionWindow: "24h", metadata: null, lines });
          return json(toMessageBatch(rec, batchesUrl(request)), headers);
        }),
        NO_PARSE,
      )
      .get(
        BATCHES,
        handle(async ({ request, headers }) => {
          const q = new URL(request.url).searchParams;
          const caller = callerOf(request);
          const page = await anthropicPage((after, limit) => api.listBatches(caller, { after, limit }), pageQuery(q));
          const base = batchesUrl(request);
          return json({ ...page, data: page.data.map((b) => toMessageBatch(b, base)) }, headers);
        }),
      )
      .get(
        `${BATCHES}/:id`,
        handle(async ({ request, params, headers }) => json(toMessageBatch(await api.getBatch(callerOf(request), params.id!), batchesUrl(request)), headers)),
      )
      .post(
        `${BATCHES}/:id/cancel`,
        handle(async ({ request, params, headers }) => json(toMessageBatch(await api.cancelBatch(callerOf(request), params.id!), batchesUrl(request)), headers)),
      )
      .get(
        `${BATCHES}/:id/results`,
        handle(async ({ request, params, headers }) => {
          const it = api.results(callerOf(request), params.id!)[Symbol.asyncIterator]();
          // The first line is awaited here so that "not ended" or "not found" is an error answer, not a broken stream.
          const first = await it.next();
          return new Response(resultLines(first, it), { status: 200, headers: { "content-type": "application/binary", ...headers } });
        }),
      )
      .delete(
        `${BATCHES}/:id`,
        handle(async ({ request, params, headers }) => {
          if (!api.deleteBatch) throw new BifrostError({ status: 405, type: "invalid_request_error", message: "deleting a message batch is not supported by this gateway" });
          await api.deleteBatch(callerOf(request), params.id!);
          return json({ id: params.id!, type: "message_batch_deleted" }, headers);
        }),
      )
      // ── Files (beta) ──
      .post(
        FILES,
        handle(async ({ request, headers }) => json(toAnthropicFile(await upload(api, request, opts.maxUploadBytes?.() ?? BATCH_DEFAULTS.maxUploadBytes)), headers)),
        NO_PARSE,
      )
      .get(
        FILES,
        handle(async ({ request, headers }) => {
          const q = new URL(request.url).searchParams;
          const caller = callerOf(request);
          // Listing is of every provider's files unless the client names one.
          const provider = request.headers.get("x-model-provider") || undefined;
          const page = await anthropicPage((after, limit) => api.listFiles(caller, { provider, after, limit, order: "desc" }), pageQuery(q));
          // next_page: the page-token cursor of newer SDKs (client.beta.files.list follows it).
          return json({ ...page, data: page.data.map(toAnthropicFile), next_page: page.has_more ? page.last_id : null }, headers);
        }),
      )
      .get(
        `${FILES}/:id`,
        handle(async ({ request, params, headers }) => json(toAnthropicFile(await api.getFile(callerOf(request), params.id!)), headers)),
      )
      .get(
        `${FILES}/:id/content`,
        handle(async ({ request, params, headers }) => {
          const { meta, body } = await api.fileContent(callerOf(request), params.id!);
          return new Response(streamOf(body), { status: 200, headers: { "content-type": mimeTypeOf(meta.filename), "content-length": String(meta.bytes), ...headers } });
        }),
      )
      .delete(
        `${FILES}/:id`,
        handle(async ({ request, params, headers }) => {
          await api.deleteFile(callerOf(request), params.id!);
          return json({ id: params.id!, type: "file_deleted" }, headers);
        }),
      )
  );
}

/**
 * The upload streamed from the multipart body into the store. The file part is the `file` field;
 * `expires_in_seconds` (and our `purpose`, default "batch") count only when they come before it.
 */
async function upload(api: BatchApi, request: Request, maxUploadBytes: number): Promise<FileMeta> {
  const boundary = boundaryOf(request.headers.get("content-type"));
  if (!boundary || !request.body) throw BifrostError.badRequest("expected a multipart/form-data body with a file field", "file", "invalid_content_type");
  // The whole form is bounded, not only the file part: fields or extra parts after it are read too.
  const reader = new MultipartReader(request.body, boundary, { maxTotalBytes: maxUploadBytes + FORM_OVERHEAD_BYTES });
  let purpose = "batch";
  let expiresAfterSeconds: number | null = null;
  let stored: FileMeta | null = null;
  try {
    for (let part = await reader.next(); part; part = await reader.next()) {
      if (stored) continue;
      if (part.filename === null) {
        if (part.name === "purpose") purpose = (await part.text()).trim() || purpose;
        else if (part.name === "expires_in_seconds") expiresAfterSeconds = expiry(await part.text());
        continue;
      }
      if (part.name !== "file") continue;
      stored = await api.uploadFile(callerOf(request), { filename: baseName(part.filename), purpose, provider: providerOf(request), body: part.body, expiresAfterSeconds });
    }
  } catch (e) {
    // The rest of the form failed (too large, malformed): the upload is refused, so the file stored before it goes too.
    if (stored) await api.deleteFile(callerOf(request), stored.id).catch(() => {});
    throw e;
  }
  if (!stored) throw BifrostError.badRequest("file: field required", "file");
  return stored;
}

function expiry(text: string): number {
  const n = Number(text.trim());
  if (!Number.isInteger(n) || n < EXPIRY_RANGE[0] || n > EXPIRY_RANGE[1]) {
    throw BifrostError.badRequest(`expires_in_seconds: must be an integer from ${EXPIRY_RANGE[0]} to ${EXPIRY_RANGE[1]}`, "expires_in_seconds");
  }
  return n;
}

/** Only the last path component of the part's filename is kept, as Anthropic does. */
function baseName(filename: string): string {
  return filename.split(/[\\/]/).pop()?.trim() || "unnamed";
}

function pageQuery(q: URLSearchParams) {
  return {
    before_id: q.get("before_id") || undefined,
    // `page` is the newer SDKs' cursor; it carries the last id of the previous page.
    after_id: q.get("after_id") || q.get("page") || undefined,
    limit: pageLimit(q.get("limit")),
  };
}

function callerOf(request: Request): BatchCaller {
  return { headers: request.headers };
}

function providerOf(request: Request): string {
  return request.headers.get("x-model-provider")?.trim() || "anthropic";
}

function json(body: unknown, headers: Record<string, string>): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json", ...headers } });
}

/** Errors in Anthropic's shape ({type:"error", error:{type, message}}), which its SDKs read. */
function anthropicErrors(serve: Serve): Serve {
  return async (r) => {
    try {
      return await serve(r);
    } catch (err) {
      const e = BifrostError.from(err);
      if (!(err instanceof BifrostError)) log.error("internal error", { error: String((err as Error)?.stack ?? err) });
      const headers: Record<string, string> = { "content-type": "application/json", ...r.headers, ...e.headers };
      // A 413 leaves the body unread: the connection is not kept for another request.
      if (e.status === 413) headers.connection = "close";
      return new Response(JSON.stringify(anthropicErrorBody(e)), { status: e.status, headers });
    }
  };
}

type Lines = AsyncIterator<BatchOutputLine>;

/** Result lines as JSONL, converted as the client reads them. */
function resultLines(first: IteratorResult<BatchOutputLine>, it: Lines): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let next: IteratorResult<BatchOutputLine> | null = first;
  return new ReadableStream<Uint8Array>({
    async pull(ctrl) {
      const r = next ?? (await it.next());
      next = null;
      if (r.done) return ctrl.close();
      ctrl.enqueue(enc.encode(`${JSON.stringify(toAnthropicResultLine(r.value))}\n`));
    },
    async cancel() {
      await it.return?.();
    },
  });
}
