/**
 * The Gemini API's Batch Mode and Files API, as the mock upstream speaks them (in memory, per dialect instance):
 *
 *   POST   /v1beta/models/{model}:batchGenerateContent   {batch:{displayName, inputConfig:{requests:{requests:[{request, metadata}]}} | {fileName}}}
 *   GET    /v1beta/batches[?pageSize&pageToken]            {operations:[…], nextPageToken}
 *   GET    /v1beta/batches/{id}                            the Operation (metadata: GenerateContentBatch; response when done)
 *   POST   /v1beta/batches/{id}:cancel                     {}
 *   DELETE /v1beta/batches/{id}                            {}
 *   POST   /upload/v1beta/files                            resumable upload: start (x-goog-upload-command: start) → x-goog-upload-url,
 *                                                          then chunks ("upload" / "upload, finalize", x-goog-upload-offset)
 *   GET    /v1beta/files/{id}, DELETE /v1beta/files/{id}
 *   GET    /download/v1beta/files/{id}:download?alt=media  (and /v1beta/files/{id}:download) the file's bytes
 *
 * A batch is PENDING when made, RUNNING from its first poll, and SUCCEEDED on the poll that reaches
 * `pollsToFinish` (default 2; Infinity: only when the test calls `finish`). Every request is answered by the
 * Gemini dialect's generateContent (usageMetadata included); a request whose last user text says "batch-fail"
 * gets a per-request error instead, as does one generateContent would refuse. Inline batches answer in
 * `inlinedResponses`, file batches in a responses file ({key, response} | {key, error} lines).
 * Keys: x-goog-api-key must be present and not "bad-key"; with `apiKey` set, it must be exactly that.
 */
import { geminiGenerateContent } from "./gemini";
import type { MockCtx, MockDialect, MockReply } from "./types";

type State = "BATCH_STATE_PENDING" | "BATCH_STATE_RUNNING" | "BATCH_STATE_SUCCEEDED" | "BATCH_STATE_FAILED" | "BATCH_STATE_CANCELLED" | "BATCH_STATE_EXPIRED";

export interface MockBatchItem {
  key: string | null;
  metadata: Record<string, unknown> | null;
  request: any;
}

export interface MockBatch {
  name: string;
  model: string;
  displayName: string;
  source: "inline" | "file";
  inputFile: string | null;
  items: MockBatchItem[];
  state: State;
  polls: number;
  createTime: string;
  updateTime: string;
  endTime: string | null;
  /** Per item once finished: {response} or {error}. */
  results: Array<{ response?: unknown; error?: { code: number; message: string } }> | null;
  responsesFile: string | null;
  error: { code: number; message: string } | null;
  ctx: MockCtx;
}

export interface MockFile {
  name: string;
  displayName: string;
  mimeType: string;
  content: string;
  createTime: string;
  /** The batch whose output it is. */
  generated: boolean;
}

interface UploadSession {
  displayName: string;
  mimeType: string;
  declared: number | null;
  pieces: string[];
  received: number;
}

export interface GeminiBatchMockOptions {
  /** The poll (GET) on which a batch succeeds; Infinity: only `finish()` ends it. Default 2. */
  pollsToFinish?: number;
  /** When set, the only key accepted. */
  apiKey?: string;
}

export interface GeminiBatchMock extends MockDialect {
  readonly batches: Map<string, MockBatch>;
  readonly files: Map<string, MockFile>;
  /** Each finished upload: the file's name and its chunks' sizes, for assertions. */
  readonly uploads: Array<{ name: string; chunks: number[] }>;
  /** Ends a batch (or every unfinished one) as SUCCEEDED with its answers. */
  finish(name?: string): void;
  /** Ends a batch as FAILED with an operation error. */
  fail(name: string, message?: string): void;
  /** Ends a batch as EXPIRED (no output). */
  expire(name: string): void;
  clear(): void;
}

const META_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch";
const OUTPUT_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput";
const CREATE = /^\/v1beta\/models\/([^/:]+):batchGenerateContent$/;
const BATCH = /^\/v1beta\/batches\/([^/:]+)(?::(cancel))?$/;
const FILE = /^\/v1beta\/files\/([^/:]+)$/;
const DOWNLOAD = /^(?:\/download)?\/v1beta\/files\/([^/:]+):download$/;
const UPLOAD = "/upload/v1beta/files";
const ENDED = new Set<State>(["BATCH_STATE_SUCCEEDED", "BATCH_STATE_FAILED", "BATCH_STATE_CANCELLED", "BATCH_STATE_EXPIRED"]);

const STATUS_NAMES: Record<number, string> = { 400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE" };

function errorBody(status: number, message: string): unknown {
  return { error: { code: status, message, status: STATUS_NAMES[status] ?? (status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION") } };
}

function reply(status: number, message: string): MockReply {
  return { kind: "json", status, body: errorBody(status, message) };
}

function json(body: unknown, headers?: Record<string, string>): MockReply {
  return headers ? { kind: "json", status: 200, body, headers } : { kind: "json", status: 200, body };
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** protobuf JSON takes both spellings. */
function pick(o: unknown, camel: string): any {
  if (!isObject(o)) return undefined;
  return o[camel] !== undefined ? o[camel] : o[camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)];
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return Array.from(bytes, (b) => "abcdefghijklmnopqrstuvwxyz0123456789"[b % 36]).join("");
}

function lastUserText(request: any): string {
  const contents = Array.isArray(request?.contents) ? request.contents : [];
  for (let i = contents.length - 1; i >= 0; i--) {
    const c = contents[i];
    if ((c?.role ?? "user") !== "user" || !Array.isArray(c?.parts)) continue;
    const text = c.parts.map((p: any) => (typeof p?.text === "string" ? p.text : "")).join(" ").trim();
    if (text) return text;
  }
  return "";
}

export function createGeminiBatchMock(opts: GeminiBatchMockOptions = {}): GeminiBatchMock {
  const pollsToFinish = opts.pollsToFinish ?? 2;
  const batches = new Map<string, MockBatch>();
  const files = new Map<string, MockFile>();
  const sessions = new Map<string, UploadSession>();
  const uploads: Array<{ name: string; chunks: number[] }> = [];

  function checkKey(req: Request): MockReply | null {
    const key = req.headers.get("x-goog-api-key")?.trim() ?? "";
    if (!key) return reply(401, "Request is missing required authentication credential. Expected OAuth 2 access token, API key, or other valid authentication credential.");
    if (key === "bad-key" || (opts.apiKey !== undefined && key !== opts.apiKey)) return reply(401, "API key not valid. Please pass a valid API key.");
    return null;
  }

  function finish(b: MockBatch): void {
    if (ENDED.has(b.state)) return;
    b.results = b.items.map((item) => {
      if (/\bbatch-fail\b/.test(lastUserText(item.request))) return { error: { code: 3, message: "mock: this request was refused (batch-fail)" } };
      const answer = geminiGenerateContent(stripModel(item.request), b.model, b.ctx);
      return answer.ok ? { response: answer.response } : { error: { code: 3, message: answer.message } };
    });
    if (b.source === "file") {
      const name = `files/batch-${randomId()}`;
      const lines = b.results.map((r, i) => JSON.stringify({ ...(b.items[i]!.key !== null ? { key: b.items[i]!.key } : {}), ...r }));
      files.set(name, { name, displayName: `${b.name} responses`, mimeType: "application/jsonl", content: lines.join("\n") + "\n", createTime: now(), generated: true });
      b.responsesFile = name;
    }
    end(b, "BATCH_STATE_SUCCEEDED");
  }

  function end(b: MockBatch, state: State): void {
    b.state = state;
    b.endTime = b.updateTime = now();
  }

  function operation(b: MockBatch): Record<string, unknown> {
    const total = b.items.length;
    const failed = b.results?.filter((r) => r.error).length ?? 0;
    const succeeded = b.results ? total - failed : 0;
    const stats: Record<string, string> = { requestCount: String(total) };
    if (b.results) {
      if (succeeded) stats.successfulRequestCount = String(succeeded);
      if (failed) stats.failedRequestCount = String(failed);
    } else if (!ENDED.has(b.state)) stats.pendingRequestCount = String(total);
    let output: Record<string, unknown> | undefined;
    if (b.results && b.source === "inline") {
      output = { inlinedResponses: { inlinedResponses: b.results.map((r, i) => ({ ...r, ...(b.items[i]!.metadata ? { metadata: b.items[i]!.metadata } : {}) })) } };
    } else if (b.responsesFile) output = { responsesFile: b.responsesFile };
    const metadata: Record<string, unknown> = {
      "@type": META_TYPE,
      model: `models/${b.model}`,
      displayName: b.displayName,
      ...(b.inputFile ? { inputConfig: { fileName: b.inputFile } } : {}),
      ...(output ? { output } : {}),
      createTime: b.createTime,
      updateTime: b.updateTime,
      ...(b.endTime ? { endTime: b.endTime } : {}),
      batchStats: stats,
      state: b.state,
      name: b.name,
    };
    const op: Record<string, unknown> = { name: b.name, metadata };
    if (ENDED.has(b.state)) op.done = true;
    if (output) op.response = { "@type": OUTPUT_TYPE, ...output };
    if (b.error) op.error = b.error;
    return op;
  }

  function create(modelId: string, body: any, ctx: MockCtx): MockReply {
    const batch = pick(body, "batch");
    if (!isObject(batch)) return reply(400, "* BatchGenerateContentRequest.batch: batch is required");
    const displayName = pick(batch, "displayName");
    if (typeof displayName !== "string" || !displayName) return reply(400, "* GenerateContentBatch.display_name: display_name is required");
    const input = pick(batch, "inputConfig");
    const fileName = pick(input, "fileName");
    const requests = pick(pick(input, "requests"), "requests");
    let items: MockBatchItem[];
    let source: "inline" | "file";
    if (typeof fileName === "string") {
      const file = files.get(fileName);
      if (!file) return reply(404, `File ${fileName} not found.`);
      items = [];
      for (const [i, line] of file.content.split("\n").entries()) {
        if (!line.trim()) continue;
        let obj: any;
        try {
          obj = JSON.parse(line);
        } catch {
          return reply(400, `* input file line ${i + 1}: not valid JSON`);
        }
        if (!isObject(obj?.request)) return reply(400, `* input file line ${i + 1}: request is required`);
        items.push({ key: typeof obj.key === "string" ? obj.key : null, metadata: null, request: obj.request });
      }
      source = "file";
    } else if (Array.isArray(requests)) {
      items = [];
      for (const [i, r] of requests.entries()) {
        if (!isObject(r) || !isObject(r.request)) return reply(400, `* InlinedRequests.requests[${i}].request: request is required`);
        const metadata = isObject(r.metadata) ? r.metadata : null;
        items.push({ key: typeof metadata?.key === "string" ? metadata.key : null, metadata, request: r.request });
      }
      source = "inline";
    } else return reply(400, "* GenerateContentBatch.input_config: one of requests or file_name is required");
    if (!items.length) return reply(400, "* GenerateContentBatch.input_config: the batch has no requests");
    const name = `batches/${randomId()}`;
    const t = now();
    const b: MockBatch = {
      name, model: modelId, displayName, source, inputFile: source === "file" ? fileName : null, items,
      state: "BATCH_STATE_PENDING", polls: 0, createTime: t, updateTime: t, endTime: null, results: null, responsesFile: null, error: null, ctx,
    };
    batches.set(name, b);
    return json(operation(b));
  }

  function poll(b: MockBatch): void {
    if (ENDED.has(b.state)) return;
    b.polls++;
    if (b.polls >= pollsToFinish) finish(b);
    else if (b.state === "BATCH_STATE_PENDING") {
      b.state = "BATCH_STATE_RUNNING";
      b.updateTime = now();
    }
  }

  function list(url: URL): MockReply {
    const size = Math.max(1, Math.min(100, Number(url.searchParams.get("pageSize")) || 20));
    const all = [...batches.values()].reverse();
    const token = url.searchParams.get("pageToken");
    const start = token ? all.findIndex((b) => b.name === token) + 1 : 0;
    const page = all.slice(start, start + size);
    const next = start + size < all.length ? page[page.length - 1]!.name : undefined;
    return json({ operations: page.map(operation), ...(next ? { nextPageToken: next } : {}) });
  }

  function fileJson(f: MockFile, url: URL): Record<string, unknown> {
    return {
      name: f.name, displayName: f.displayName, mimeType: f.mimeType, sizeBytes: String(Buffer.byteLength(f.content)),
      createTime: f.createTime, updateTime: f.createTime, uri: `${url.origin}/v1beta/${f.name}`, state: "ACTIVE", source: f.generated ? "GENERATED" : "UPLOADED",
    };
  }

  function upload(req: Request, url: URL, body: unknown): MockReply {
    const command = (req.headers.get("x-goog-upload-command") ?? "").toLowerCase();
    if (command === "start") {
      if ((req.headers.get("x-goog-upload-protocol") ?? "").toLowerCase() !== "resumable") return reply(400, "only the resumable upload protocol is served");
      const file = pick(body, "file") ?? {};
      const id = randomId();
      const declared = Number(req.headers.get("x-goog-upload-header-content-length") ?? NaN);
      sessions.set(id, {
        displayName: typeof pick(file, "displayName") === "string" ? pick(file, "displayName") : "upload",
        mimeType: req.headers.get("x-goog-upload-header-content-type") ?? "application/octet-stream",
        declared: Number.isFinite(declared) ? declared : null,
        pieces: [],
        received: 0,
      });
      return json({}, { "x-goog-upload-url": `${url.origin}${UPLOAD}?upload_id=${id}&upload_protocol=resumable`, "x-goog-upload-status": "active" });
    }
    const id = url.searchParams.get("upload_id") ?? "";
    const s = sessions.get(id);
    if (!s) return reply(404, "upload session not found");
    if (!command.includes("upload")) return reply(400, `unsupported x-goog-upload-command: ${command}`);
    const offset = Number(req.headers.get("x-goog-upload-offset") ?? NaN);
    if (offset !== s.received) return reply(400, `x-goog-upload-offset ${offset} does not match the ${s.received} bytes received`);
    // readBody parsed a chunk that happens to be one JSON value; its text is what was sent, modulo spacing.
    const text = typeof body === "string" ? body : body == null ? "" : JSON.stringify(body);
    s.pieces.push(text);
    const size = Number(req.headers.get("content-length") ?? NaN);
    s.received += Number.isFinite(size) ? size : Buffer.byteLength(text);
    if (!command.includes("finalize")) return json({}, { "x-goog-upload-status": "active" });
    sessions.delete(id);
    if (s.declared !== null && s.received !== s.declared) return reply(400, `received ${s.received} bytes, ${s.declared} were declared`);
    const name = `files/${randomId()}`;
    const f: MockFile = { name, displayName: s.displayName, mimeType: s.mimeType, content: s.pieces.join(""), createTime: now(), generated: false };
    files.set(name, f);
    uploads.push({ name, chunks: s.pieces.map((p) => Buffer.byteLength(p)) });
    return json({ file: fileJson(f, url) }, { "x-goog-upload-status": "final" });
  }

  const dialect: GeminiBatchMock = {
    name: "gemini-batch",
    batches,
    files,
    uploads,

    owns(_req, url) {
      const p = url.pathname;
      return CREATE.test(p) || p === "/v1beta/batches" || BATCH.test(p) || p === UPLOAD || FILE.test(p) || DOWNLOAD.test(p);
    },

    handle(req, url, body, ctx) {
      const denied = checkKey(req);
      if (denied) return denied;
      const p = url.pathname;
      const m = req.method;
      const created = CREATE.exec(p);
      if (created && m === "POST") return create(created[1]!, body, ctx);
      if (p === "/v1beta/batches" && m === "GET") return list(url);
      const batch = BATCH.exec(p);
      if (batch) {
        const b = batches.get(`batches/${batch[1]}`);
        if (!b) return reply(404, `Batch batches/${batch[1]} not found.`);
        if (batch[2] === "cancel" && m === "POST") {
          if (!ENDED.has(b.state)) end(b, "BATCH_STATE_CANCELLED");
          return json({});
        }
        if (batch[2]) return reply(404, `Method not found: ${batch[2]}`);
        if (m === "GET") {
          poll(b);
          return json(operation(b));
        }
        if (m === "DELETE") {
          batches.delete(b.name);
          return json({});
        }
      }
      if (p === UPLOAD && m === "POST") return upload(req, url, body);
      const download = DOWNLOAD.exec(p);
      if (download && m === "GET") {
        const f = files.get(`files/${download[1]}`);
        if (!f) return reply(404, `File files/${download[1]} not found.`);
        return { kind: "bytes", status: 200, body: new TextEncoder().encode(f.content), contentType: f.mimeType };
      }
      const file = FILE.exec(p);
      if (file) {
        const f = files.get(`files/${file[1]}`);
        if (!f) return reply(404, `File files/${file[1]} not found.`);
        if (m === "GET") return json(fileJson(f, url));
        if (m === "DELETE") {
          files.delete(f.name);
          return json({});
        }
      }
      return reply(404, `Method not found: ${m} ${p}`);
    },

    errorBody,

    streamErrorFrame(message) {
      return `${JSON.stringify(errorBody(503, message))}\n`;
    },

    finish(name) {
      for (const b of batches.values()) if (name === undefined || b.name === name) finish(b);
    },
    fail(name, message = "mock: the batch failed") {
      const b = batches.get(name);
      if (!b || ENDED.has(b.state)) return;
      b.error = { code: 13, message };
      end(b, "BATCH_STATE_FAILED");
    },
    expire(name) {
      const b = batches.get(name);
      if (b && !ENDED.has(b.state)) end(b, "BATCH_STATE_EXPIRED");
    },
    clear() {
      batches.clear();
      files.clear();
      sessions.clear();
      uploads.length = 0;
    },
  };
  return dialect;
}

/** A batch request may name its model; generateContent's body does not carry one. */
function stripModel(request: any): unknown {
  if (!isObject(request) || !("model" in request)) return request;
  const { model: _model, ...rest } = request;
  return rest;
}

function now(): string {
  return new Date().toISOString();
}

/** The instance every mock upstream serves by default (its state is shared by the mocks of one process). */
export const geminiBatchMockDialect = createGeminiBatchMock();
