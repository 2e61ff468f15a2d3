/**
 * The OpenAI Files and Batch APIs (/v1/files, /v1/batches; also under /openai/v1 and /openai), over the
 * batch service. The target provider is the body's `provider` (a multipart field or a JSON field: the
 * SDKs' extra_body), else the query's (extra_query), else "openai". Uploads are read part by part and the
 * file streamed into the store (never buffered whole).
 */
import { Elysia } from "elysia";
import type { Bifrost } from "../core/bifrost";
import { readJsonBody } from "../http/body";
import { jsonResponse } from "../http/respond";
import type { Route, RouteRequest } from "../http/route";
import { BifrostError } from "../schemas/error";
import { streamOf } from "./byte-streams";
import { notEnabled } from "./gateway-api";
import { boundaryOf, MultipartReader } from "./multipart";
import { batchObject, fileObject, listObject } from "./objects";
import type { BatchService } from "./service";
import type { BatchCaller, UploadInput } from "./types";

const PREFIXES = ["/v1", "/openai/v1", "/openai"] as const;
const NO_PARSE = { parse: "none" } as const;
/** Room for the form's other fields and framing around the file. */
const FORM_OVERHEAD_BYTES = 1024 * 1024;
const FILES_PAGE = { default: 10_000, max: 10_000 };
const BATCHES_PAGE = { default: 20, max: 100 };

export function openAIBatchRoutes(bf: Bifrost, route: Route, maxJsonBytes: number) {
  const app = new Elysia({ name: "batches-openai" });
  for (const prefix of PREFIXES) app.use(routes(bf, route, maxJsonBytes, prefix));
  return app;
}

function routes(bf: Bifrost, route: Route, maxJsonBytes: number, prefix: string) {
  /** A route over the service: 404 while files and batches are off (batches.enabled: false, or an SDK-only gateway). */
  const serve = (fn: (s: BatchService, r: RouteRequest, caller: BatchCaller, query: URLSearchParams) => Promise<Response>) =>
    route(async (r) => {
      const s = bf.batches;
      if (!s) throw notEnabled();
      const caller = { headers: r.request.headers };
      // A caller without a valid key (where one is required) is refused before its body is read.
      await s.owner(caller);
      return fn(s, r, caller, new URL(r.request.url).searchParams);
    });
  const json = (r: RouteRequest, body: unknown) => jsonResponse(JSON.stringify(body), 200, r.headers);
  const id = (r: RouteRequest) => r.params.id ?? "";
  /** A provider named in the query must be configured; it narrows a listing. */
  const queryProvider = (q: URLSearchParams): string | undefined => {
    const p = q.get("provider") ?? undefined;
    if (p !== undefined && !bf.config.providers.has(p)) throw BifrostError.badRequest(`provider '${p}' is not configured`, "provider", "unknown_provider");
    return p;
  };

  return new Elysia({ name: `batches-openai${prefix}`, prefix })
    .post(
      "/files",
      serve(async (s, r, caller, q) => json(r, fileObject(await s.uploadFile(caller, await readUpload(r, s.settings.maxUploadBytes, q.get("provider")))))),
      NO_PARSE,
    )
    .get(
      "/files",
      serve(async (s, r, caller, q) => {
        const limit = pageSize(q.get("limit"), FILES_PAGE);
        const order = q.get("order") ?? "desc";
        if (order !== "asc" && order !== "desc") throw BifrostError.badRequest("order: 'asc' or 'desc'", "order");
        const rows = await s.listFiles(caller, { purpose: q.get("purpose") ?? undefined, provider: queryProvider(q), after: q.get("after") ?? undefined, limit: limit + 1, order });
        return json(r, listObject(rows.slice(0, limit).map(fileObject), rows.length > limit));
      }),
    )
    .get("/files/:id", serve(async (s, r, caller) => json(r, fileObject(await s.getFile(caller, id(r))))))
    .delete(
      "/files/:id",
      serve(async (s, r, caller) => {
        await s.deleteFile(caller, id(r));
        return json(r, { id: id(r), object: "file", deleted: true });
      }),
    )
    .get(
      "/files/:id/content",
      serve(async (s, r, caller) => {
        const { meta, body } = await s.fileContent(caller, id(r));
        r.holdOpen();
        return new Response(streamOf(body), {
          headers: { ...r.headers, "content-type": "application/octet-stream", "content-length": String(meta.bytes), "content-disposition": `attachment; filename="${meta.filename.replace(/["\\\r\n]/g, "_")}"` },
        });
      }),
    )
    .post(
      "/batches",
      serve(async (s, r, caller, q) => {
        const { value } = await readJsonBody(r.request, maxJsonBytes);
        const b = (value ?? {}) as Record<string, unknown>;
        if (typeof value !== "object" || value === null || Array.isArray(value)) throw BifrostError.badRequest("request body must be a JSON object");
        const str = (k: string, required: boolean): string | undefined => {
          const v = b[k];
          if (v === undefined || v === null) {
            if (required) throw BifrostError.badRequest(`Missing required parameter: '${k}'.`, k, "missing_required_parameter");
            return undefined;
          }
          if (typeof v !== "string") throw BifrostError.badRequest(`${k}: expected a string`, k);
          return v;
        };
        r.holdOpen();
        const batch = await s.createBatch(caller, {
          inputFileId: str("input_file_id", true)!,
          endpoint: str("endpoint", true)!,
          completionWindow: str("completion_window", false),
          metadata: (b.metadata ?? null) as Record<string, string> | null,
          provider: str("provider", false) ?? q.get("provider") ?? "openai",
        });
        return json(r, batchObject(batch));
      }),
      NO_PARSE,
    )
    .get(
      "/batches",
      serve(async (s, r, caller, q) => {
        queryProvider(q);
        const limit = pageSize(q.get("limit"), BATCHES_PAGE);
        const rows = await s.listBatches(caller, { after: q.get("after") ?? undefined, limit: limit + 1 });
        return json(r, listObject(rows.slice(0, limit).map(batchObject), rows.length > limit));
      }),
    )
    .get("/batches/:id", serve(async (s, r, caller) => json(r, batchObject(await s.getBatch(caller, id(r))))))
    .post("/batches/:id/cancel", serve(async (s, r, caller) => json(r, batchObject(await s.cancelBatch(caller, id(r))))), NO_PARSE);
}


function pageSize(v: string | null, bounds: { default: number; max: number }): number {
  if (v === null) return bounds.default;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > bounds.max) throw BifrostError.badRequest(`limit: an integer from 1 to ${bounds.max}`, "limit");
  return n;
}

/**
 * The upload's form read part by part: fields before the file are known at once, the file is handed on as
 * a stream, and the fields after it (the Node SDK sends `file` first) are read once it has been stored.
 */
async function readUpload(r: RouteRequest, maxUploadBytes: number, queryProvider: string | null): Promise<UploadInput> {
  const boundary = boundaryOf(r.request.headers.get("content-type"));
  if (!boundary || !r.request.body) throw BifrostError.badRequest("expected a multipart/form-data body with a file field", "file", "invalid_content_type");
  const maxTotal = maxUploadBytes + FORM_OVERHEAD_BYTES;
  const declared = Number(r.request.headers.get("content-length") ?? NaN);
  if (declared > maxTotal) {
    throw new BifrostError({ status: 413, type: "request_too_large", code: "file_too_large", message: `the file is larger than the limit of ${maxUploadBytes} bytes (batches.max_upload_bytes)`, param: "file" });
  }
  r.holdOpen();
  const reader = new MultipartReader(r.request.body, boundary, { maxTotalBytes: maxTotal });
  const before: Record<string, string> = {};
  for (let part = await reader.next(); part; part = await reader.next()) {
    if (part.name !== "file") {
      before[part.name] = await part.text();
      continue;
    }
    if (part.filename === null) throw BifrostError.badRequest("file: expected a file upload", "file");
    const fields = fieldsOf(before);
    return {
      filename: part.filename,
      purpose: fields.purpose ?? "",
      provider: fields.provider ?? queryProvider ?? "openai",
      expiresAfterSeconds: fields.expiresAfterSeconds,
      body: part.body,
      late: async () => {
        const after: Record<string, string> = {};
        for (let p = await reader.next(); p; p = await reader.next()) {
          if (p.name === "file") throw BifrostError.badRequest("file: only one file per upload", "file");
          after[p.name] = await p.text();
        }
        return fieldsOf(after);
      },
    };
  }
  throw BifrostError.badRequest("file: required", "file", "missing_required_parameter");
}

function fieldsOf(f: Record<string, string>): { purpose?: string; provider?: string; expiresAfterSeconds?: number } {
  const out: { purpose?: string; provider?: string; expiresAfterSeconds?: number } = {};
  if (f.purpose !== undefined) out.purpose = f.purpose;
  if (f.provider !== undefined) out.provider = f.provider;
  const anchor = f["expires_after[anchor]"];
  if (anchor !== undefined && anchor !== "created_at") throw BifrostError.badRequest("expires_after.anchor: only 'created_at' is supported", "expires_after.anchor");
  const seconds = f["expires_after[seconds]"];
  if (seconds !== undefined) {
    const n = Number(seconds);
    if (!seconds.trim() || !Number.isFinite(n)) throw BifrostError.badRequest("expires_after.seconds: expected a number", "expires_after.seconds");
    out.expiresAfterSeconds = n;
  }
  return out;
}
