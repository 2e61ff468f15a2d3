/**
 * OpenAI's Files and Batch APIs in the mock upstream (issue 17): /v1/files (multipart upload, retrieve,
 * content, list, delete) and /v1/batches (create, retrieve, list, cancel), in OpenAI's shapes and errors.
 *
 * Everything is kept in memory, scoped by the caller's key as OpenAI scopes by project: another key sees 404.
 * A batch moves one step per GET /v1/batches/{id} (validating → in_progress → completed; cancelling → cancelled),
 * or only when a test says so (`advance`, `complete`) with `autoAdvance: false`. On completion its output file holds
 * a chat.completion (with usage) for each input line, in input order; lines whose body.model is "fail-model" go to
 * the error file (response status 404, OpenAI's model_not_found body). An input file that is not valid batch JSONL
 * makes the batch "failed" with OpenAI's validation errors on its first poll.
 *
 * Auth: a Bearer key is required; "bad-key" is refused (its 401 message echoes the key, as OpenAI's does in part,
 * so tests can prove the gateway masks it); with `key` set, only that key is accepted.
 *
 * `openaiBatchMock` is the instance registered in MOCK_DIALECTS; `createOpenAIBatchMock()` makes one of its own
 * (its own key and state) for `startMockUpstream({ dialects: [...] })`.
 */
import { cachedTokens, countWords, embed, lastUserText, replyWords, textOf, type MockCtx, type MockDialect, type MockReply } from "./types";

export const FAIL_MODEL = "fail-model";

export interface MockFile {
  id: string;
  key: string;
  filename: string;
  purpose: string;
  content: string;
  createdAt: number;
}

export interface MockBatch {
  key: string;
  /** OpenAI's batch object as the mock answers it. */
  obj: Record<string, any>;
  /** Input problems found at creation: the batch fails with these on its first poll. */
  invalid: Array<{ code: string; message: string; line: number | null; param: string | null }>;
}

export interface OpenAIBatchMockOptions {
  /** The only key accepted (any non-empty key but "bad-key" when unset). */
  key?: string;
  /** Move a batch one step per GET (default true); false: only advance()/complete() move it. */
  autoAdvance?: boolean;
}

export interface OpenAIBatchMock extends MockDialect {
  readonly files: Map<string, MockFile>;
  readonly batches: Map<string, MockBatch>;
  /** The key required from now on (undefined: any key but "bad-key"). */
  key: string | undefined;
  autoAdvance: boolean;
  /** One step forward (validating → in_progress → completed, cancelling → cancelled); returns the new status. */
  advance(batchId: string): string;
  /** Straight to its end (completed, or cancelled when cancelling, or failed when its input was invalid). */
  complete(batchId: string): string;
  /** Forgets every file and batch. */
  clear(): void;
}

const now = () => Math.floor(Date.now() / 1000);
const isObject = (v: unknown): v is Record<string, any> => typeof v === "object" && v !== null && !Array.isArray(v);
const randomId = (prefix: string) => `${prefix}${crypto.randomUUID().replace(/-/g, "").slice(0, 24)}`;

function errorKind(status: number): { type: string; code: string | null } {
  if (status === 401) return { type: "invalid_request_error", code: "invalid_api_key" };
  if (status === 404) return { type: "invalid_request_error", code: null };
  if (status === 429) return { type: "requests", code: "rate_limit_exceeded" };
  if (status >= 500) return { type: "server_error", code: null };
  return { type: "invalid_request_error", code: null };
}

function errorBody(status: number, message: string, param: string | null = null) {
  return { error: { message, ...errorKind(status), param } };
}

function error(status: number, message: string, param: string | null = null): MockReply {
  return { kind: "json", status, body: errorBody(status, message, param) };
}

const json = (body: unknown, status = 200): MockReply => ({ kind: "json", status, body });

function fileObject(f: MockFile) {
  return {
    id: f.id,
    object: "file",
    bytes: Buffer.byteLength(f.content),
    created_at: f.createdAt,
    filename: f.filename,
    purpose: f.purpose,
    status: "processed",
    status_details: null,
    expires_at: null,
  };
}



/** The mock's chat.completion for one batch line (the same reply the chat route gives). */
function chatCompletion(body: any, ctx: MockCtx) {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const userText = lastUserText(messages);
  const cap = body.max_completion_tokens ?? body.max_tokens;
  const n = typeof cap === "number" && cap >= 1 ? Math.min(Math.floor(cap), ctx.words) : ctx.words;
  const prompt = Math.max(1, messages.reduce((s: number, m: any) => s + countWords(textOf(m?.content)), 0));
  return {
    id: `chatcmpl-mock-${ctx.nextId()}`,
    object: "chat.completion",
    created: now(),
    model: body.model,
    system_fingerprint: "fp_mock",
    choices: [{ index: 0, message: { role: "assistant", content: replyWords(userText, n).join(" "), refusal: null }, logprobs: null, finish_reason: n < ctx.words ? "length" : "stop" }],
    usage: { prompt_tokens: prompt, completion_tokens: n, total_tokens: prompt + n, prompt_tokens_details: { cached_tokens: cachedTokens(userText, prompt) } },
  };
}

function embeddingResponse(body: any) {
  const inputs: string[] = Array.isArray(body.input) ? body.input.map(String) : [String(body.input ?? "")];
  const dims = typeof body.dimensions === "number" ? body.dimensions : 8;
  const tokens = inputs.reduce((s, t) => s + countWords(t), 0);
  return {
    object: "list",
    data: inputs.map((t, index) => ({ object: "embedding", index, embedding: embed(t, dims) })),
    model: body.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

const ENDPOINTS = new Set(["/v1/chat/completions", "/v1/embeddings", "/v1/completions", "/v1/responses"]);

/** OpenAI's checks of a batch input file: JSON lines with custom_id (unique), method POST, the batch's url, a body with a model. */
function validate(content: string, endpoint: string): { lines: any[]; invalid: MockBatch["invalid"] } {
  const lines: any[] = [];
  const invalid: MockBatch["invalid"] = [];
  const seen = new Set<string>();
  content.split("\n").forEach((raw, i) => {
    if (!raw.trim()) return;
    const line = i + 1;
    let l: any;
    try {
      l = JSON.parse(raw);
    } catch {
      invalid.push({ code: "invalid_json_line", message: "This line is not parseable as valid JSON.", line, param: null });
      return;
    }
    if (!isObject(l) || typeof l.custom_id !== "string") invalid.push({ code: "missing_required_parameter", message: "Missing required parameter: 'custom_id'.", line, param: "custom_id" });
    else if (seen.has(l.custom_id)) invalid.push({ code: "duplicate_custom_id", message: "The custom_id for this request is a duplicate of another request. The custom_id parameter must be unique for each request in a batch.", line, param: "custom_id" });
    else if (l.method !== "POST") invalid.push({ code: "invalid_method", message: "The method for this request must be POST.", line, param: "method" });
    else if (l.url !== endpoint) invalid.push({ code: "mismatched_url", message: "The provided URL for this request does not match the batch endpoint.", line, param: "url" });
    else if (!isObject(l.body) || typeof l.body.model !== "string") invalid.push({ code: "missing_required_parameter", message: "Missing required parameter: 'body.model'.", line, param: "body.model" });
    else {
      seen.add(l.custom_id);
      lines.push(l);
    }
  });
  if (!lines.length && !invalid.length) invalid.push({ code: "empty_file", message: "The batch input file is empty.", line: null, param: null });
  return { lines, invalid };
}

export function createOpenAIBatchMock(opts: OpenAIBatchMockOptions = {}): OpenAIBatchMock {
  const files = new Map<string, MockFile>();
  const batches = new Map<string, MockBatch>();
  let ids = 0;
  // Answers are made on a poll (or a test's advance()): with the mock's ctx of the last request seen.
  let ctxOfLast: MockCtx = { words: 5, nextId: () => ++ids };

  const mock: OpenAIBatchMock = {
    name: "openai-batches",
    files,
    batches,
    key: opts.key,
    autoAdvance: opts.autoAdvance ?? true,

    // Anthropic's Files API shares /v1/files: its SDK always sends anthropic-version.
    owns: (req, url) => (url.pathname === "/v1/files" || url.pathname.startsWith("/v1/files/") || url.pathname === "/v1/batches" || url.pathname.startsWith("/v1/batches/")) && !req.headers.has("anthropic-version"),

    async handle(req, url, body, ctx) {
      ctxOfLast = ctx;
      const key = /^Bearer\s+(.*)$/i.exec(req.headers.get("authorization") ?? "")?.[1]?.trim() ?? "";
      if (!key) return error(401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).");
      if (key === "bad-key" || (mock.key !== undefined && key !== mock.key)) return error(401, `Incorrect API key provided: ${key}. You can find your API key at https://platform.openai.com/account/api-keys.`);
      const parts = url.pathname.split("/").slice(2); // ["files", id?, "content"?] | ["batches", id?, "cancel"?]
      const [collection, id, sub] = parts;
      const route = `${req.method} ${collection}${id ? "/:id" : ""}${sub ? `/${sub}` : ""}`;
      switch (route) {
        case "POST files":
          return upload(req, body, key);
        case "GET files":
          return json({ object: "list", data: [...files.values()].filter((f) => f.key === key && (!url.searchParams.get("purpose") || f.purpose === url.searchParams.get("purpose"))).map(fileObject), has_more: false });
        case "GET files/:id": {
          const f = ownFile(id!, key);
          return f ? json(fileObject(f)) : noFile(id!);
        }
        case "GET files/:id/content": {
          const f = ownFile(id!, key);
          if (!f) return noFile(id!);
          // One frame per line: under a chunkDelayMs fault they arrive as separate writes.
          const frames = f.content.split(/(?<=\n)/);
          return { kind: "sse", frames: frames.length ? frames : [""], errorFrame: "", contentType: "application/octet-stream" };
        }
        case "DELETE files/:id": {
          const f = ownFile(id!, key);
          if (!f) return noFile(id!);
          files.delete(f.id);
          return json({ id: f.id, object: "file", deleted: true });
        }
        case "POST batches":
          return createBatch(body, key);
        case "GET batches":
          return json({ object: "list", data: [...batches.values()].filter((b) => b.key === key).map((b) => b.obj).reverse(), has_more: false });
        case "GET batches/:id": {
          const b = ownBatch(id!, key);
          if (!b) return noBatch(id!);
          if (mock.autoAdvance) step(b);
          return json(b.obj);
        }
        case "POST batches/:id/cancel": {
          const b = ownBatch(id!, key);
          if (!b) return noBatch(id!);
          const s = b.obj.status;
          if (s === "cancelling" || s === "cancelled") return json(b.obj);
          if (s !== "validating" && s !== "in_progress" && s !== "finalizing") return error(400, `Cannot cancel a batch with status '${s}'.`);
          Object.assign(b.obj, { status: "cancelling", cancelling_at: now() });
          return json(b.obj);
        }
      }
      return error(404, `Invalid URL (${req.method} ${url.pathname})`);
    },

    errorBody: (status, message) => errorBody(status, message),
    streamErrorFrame: (message) => `data: ${JSON.stringify(errorBody(500, message))}\n\n`,

    advance(batchId) {
      const b = batches.get(batchId);
      if (!b) throw new Error(`no mock batch ${batchId}`);
      step(b);
      return b.obj.status;
    },
    complete(batchId) {
      const b = batches.get(batchId);
      if (!b) throw new Error(`no mock batch ${batchId}`);
      while (!["completed", "failed", "cancelled", "expired"].includes(b.obj.status)) step(b);
      return b.obj.status;
    },
    clear() {
      files.clear();
      batches.clear();
    },
  };

  function ownFile(id: string, key: string): MockFile | undefined {
    const f = files.get(id);
    return f && f.key === key ? f : undefined;
  }
  function ownBatch(id: string, key: string): MockBatch | undefined {
    const b = batches.get(id);
    return b && b.key === key ? b : undefined;
  }
  const noFile = (id: string) => error(404, `No such File object: ${id}`, "id");
  const noBatch = (id: string) => error(404, `No such Batch object: ${id}`, "id");

  /** The body came in as text (mock-upstream read it; it is not JSON): parsed again as the multipart it is. */
  async function upload(req: Request, body: unknown, key: string): Promise<MockReply> {
    const type = req.headers.get("content-type") ?? "";
    if (!type.startsWith("multipart/form-data")) return error(400, "Expected a multipart/form-data request body.");
    let form: Awaited<ReturnType<Response["formData"]>>;
    try {
      form = await new Response(typeof body === "string" ? body : "", { headers: { "content-type": type } }).formData();
    } catch {
      return error(400, "Could not parse multipart form");
    }
    const purpose = form.get("purpose");
    const file = form.get("file");
    if (typeof purpose !== "string" || !purpose) return error(400, "Missing required parameter: 'purpose'.", "purpose");
    if (!["batch", "fine-tune", "assistants", "vision", "user_data", "evals"].includes(purpose)) return error(400, `'${purpose}' is not one of ['fine-tune', 'assistants', 'batch', 'user_data', 'vision', 'evals'] - 'purpose'`, "purpose");
    if (!file || typeof file === "string") return error(400, "Missing required parameter: 'file'.", "file");
    const f: MockFile = { id: randomId("file-"), key, filename: (file as File).name || "upload", purpose, content: await (file as File).text(), createdAt: now() };
    files.set(f.id, f);
    return json(fileObject(f));
  }

  function createBatch(body: any, key: string): MockReply {
    if (!isObject(body)) return error(400, "Expected a JSON body.");
    if (typeof body.input_file_id !== "string") return error(400, "Missing required parameter: 'input_file_id'.", "input_file_id");
    if (!ENDPOINTS.has(body.endpoint)) return error(400, `Invalid value: '${body.endpoint}'. Supported values are: '/v1/chat/completions', '/v1/embeddings', '/v1/completions' and '/v1/responses'.`, "endpoint");
    if (body.completion_window !== "24h") return error(400, `Invalid value: '${body.completion_window}'. Supported values are: '24h'.`, "completion_window");
    if (body.metadata != null && (!isObject(body.metadata) || Object.keys(body.metadata).length > 16)) return error(400, "Invalid 'metadata': at most 16 string pairs.", "metadata");
    const input = ownFile(body.input_file_id, key);
    if (!input) return error(400, `Invalid 'input_file_id': '${body.input_file_id}'. File not found.`, "input_file_id");
    if (input.purpose !== "batch") return error(400, `Invalid 'input_file_id': '${input.id}'. The file's purpose must be 'batch'.`, "input_file_id");
    const created = now();
    const obj = {
      id: randomId("batch_"),
      object: "batch",
      endpoint: body.endpoint,
      errors: null,
      input_file_id: input.id,
      completion_window: "24h",
      status: "validating",
      output_file_id: null,
      error_file_id: null,
      created_at: created,
      in_progress_at: null,
      expires_at: created + 86_400,
      finalizing_at: null,
      completed_at: null,
      failed_at: null,
      expired_at: null,
      cancelling_at: null,
      cancelled_at: null,
      request_counts: { total: 0, completed: 0, failed: 0 },
      metadata: body.metadata ?? null,
    };
    const { invalid } = validate(input.content, body.endpoint);
    batches.set(obj.id, { key, obj, invalid });
    return json(obj);
  }

  /** One step of a batch's life; completion writes its output and error files. */
  function step(b: MockBatch): void {
    const o = b.obj;
    const t = now();
    if (o.status === "validating") {
      if (b.invalid.length) {
        Object.assign(o, { status: "failed", failed_at: t, errors: { object: "list", data: b.invalid } });
        return;
      }
      const { lines } = validate(files.get(o.input_file_id)?.content ?? "", o.endpoint);
      Object.assign(o, { status: "in_progress", in_progress_at: t, request_counts: { total: lines.length, completed: 0, failed: 0 } });
    } else if (o.status === "in_progress" || o.status === "finalizing") {
      finish(b, t);
    } else if (o.status === "cancelling") {
      Object.assign(o, { status: "cancelled", cancelled_at: t });
    }
  }

  function finish(b: MockBatch, t: number): void {
    const o = b.obj;
    const { lines } = validate(files.get(o.input_file_id)?.content ?? "", o.endpoint);
    const out: string[] = [];
    const err: string[] = [];
    for (const l of lines) {
      const requestId = `req_mock_${ctxOfLast.nextId()}`;
      const lineId = randomId("batch_req_");
      if (l.body.model === FAIL_MODEL) {
        const body = { error: { message: `The model \`${FAIL_MODEL}\` does not exist or you do not have access to it.`, type: "invalid_request_error", param: null, code: "model_not_found" } };
        err.push(JSON.stringify({ id: lineId, custom_id: l.custom_id, response: { status_code: 404, request_id: requestId, body }, error: null }));
        continue;
      }
      const body = o.endpoint === "/v1/embeddings" ? embeddingResponse(l.body) : chatCompletion(l.body, ctxOfLast);
      out.push(JSON.stringify({ id: lineId, custom_id: l.custom_id, response: { status_code: 200, request_id: requestId, body }, error: null }));
    }
    const write = (content: string[], name: string) => {
      if (!content.length) return null;
      const f: MockFile = { id: randomId("file-"), key: b.key, filename: name, purpose: "batch_output", content: content.join("\n") + "\n", createdAt: t };
      files.set(f.id, f);
      return f.id;
    };
    Object.assign(o, {
      status: "completed",
      finalizing_at: t,
      completed_at: t,
      output_file_id: write(out, "batch_output.jsonl"),
      error_file_id: write(err, "batch_error.jsonl"),
      request_counts: { total: lines.length, completed: out.length, failed: err.length },
    });
  }

  return mock;
}

/** The instance registered in MOCK_DIALECTS (any key but "bad-key"; one step per poll). */
export const openaiBatchMock = createOpenAIBatchMock();
