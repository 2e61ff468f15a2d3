/**
 * OpenAI's own Files and Batch APIs behind the gateway's batch model (issue 17).
 *
 *   submit  : the input lines → one JSONL file uploaded as it is produced (POST /v1/files, multipart, purpose
 *             "batch", the body a stream: never joined in memory) → POST /v1/batches on that file.
 *   refresh : GET /v1/batches/{id}, its status and request_counts as they are.
 *   cancel  : POST /v1/batches/{id}/cancel.
 *   results : the output file, then the error file (GET /v1/files/{id}/content), read line by line as they
 *             arrive; their lines are OpenAI batch output lines already and are handed on unchanged, in the
 *             order the provider wrote them (OpenAI does not promise input order; custom_id ties them up).
 *
 * Requests carry the key as the provider's adapter sends it (Authorization: Bearer, and the provider's
 * extra_headers, e.g. OpenAI-Organization / OpenAI-Project); errors are the adapter's (the provider's status and
 * message), with whatever the provider echoes of the credentials masked.
 *
 * upstreamState: { inputFileId, model, outputFileId, errorFileId } (no secret). `model` is the first line's model,
 * the one the key was chosen for, so later calls ask for a key the same way.
 */
import { sentCredentials } from "../../core/key-secrets";
import { upstreamRedirect, upstreamUnreachable } from "../../core/provider-call";
import { parseRetryAfter } from "../../core/retry-policy";
import { redactValues } from "../../log";
import { toOpenAIBody } from "../../providers/openai/adapter";
import type { ProviderAdapter, ProviderTarget } from "../../providers/types";
import type { ChatRequest } from "../../schemas/chat";
import { jsonlTexts } from "../jsonl";
import { BifrostError } from "../../schemas/error";
import type { BackendContext, BatchBackend, BatchError, BatchInputLine, BatchOutputLine, BatchRecord, BatchStatus, Refreshed, Submitted } from "../types";

/** What an upload sends per write: lines are gathered up to this size, so memory stays flat whatever the file. */
const UPLOAD_CHUNK_BYTES = 64 * 1024;
/** An error body is read up to this much (a hostile upstream cannot make the gateway hold more). */
const ERROR_BODY_BYTES = 64 * 1024;
/** A JSON answer (a batch or file object) is read up to this much. */
const JSON_BODY_BYTES = 4 * 1024 * 1024;
/** One line of an output file may be this long (a long completion, logprobs …); longer is a broken file. */
export const MAX_RESULT_LINE_BYTES = 64 * 1024 * 1024;

const STATUSES: ReadonlySet<string> = new Set<BatchStatus>(["validating", "failed", "in_progress", "finalizing", "completed", "expired", "cancelling", "cancelled"]);

const encoder = new TextEncoder();

// ── the provider, as one batch sees it ──

/** Where and as whom a batch's calls go: its provider's target (base URL, key, extra headers) and adapter. */
class Upstream {
  readonly headers: Record<string, string>;
  private secrets: string[] | null = null;

  constructor(
    readonly ctx: BackendContext,
    readonly target: ProviderTarget,
    readonly adapter: ProviderAdapter,
  ) {
    this.headers = authHeaders(adapter, target);
  }

  static of(ctx: BackendContext, provider: string, model?: string): Upstream {
    return new Upstream(ctx, ctx.target(provider, model), ctx.adapter(provider));
  }

  get provider(): string {
    return this.target.provider;
  }

  url(path: string): string {
    return this.target.baseUrl.replace(/\/+$/, "") + path;
  }

  /** One call; a non-2xx answer becomes the adapter's BifrostError (the provider's status and message), credentials masked. */
  async send(method: "GET" | "POST" | "DELETE", path: string, body?: { json: unknown } | { stream: ReadableStream<Uint8Array>; contentType: string }): Promise<Response> {
    const headers: Record<string, string> = { ...this.headers };
    let payload: string | ReadableStream<Uint8Array> | undefined;
    if (body && "json" in body) {
      headers["content-type"] = "application/json";
      payload = JSON.stringify(body.json);
    } else if (body) {
      headers["content-type"] = body.contentType;
      payload = body.stream;
    }
    let res: Response;
    try {
      // duplex: a streamed request body (fetch implementations that follow the spec want it said).
      res = await this.ctx.fetch(this.url(path), { method, headers, body: payload, signal: this.ctx.signal, redirect: "manual", duplex: "half" } as RequestInit);
    } catch (err) {
      if (err instanceof BifrostError) throw this.masked(err);
      if (err instanceof Error && (err.name === "AbortError" || err.name === "TimeoutError")) throw BifrostError.from(err);
      throw upstreamUnreachable(this.provider, err);
    }
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel().catch(() => {});
      throw upstreamRedirect(this.provider, res.status);
    }
    if (!res.ok) {
      const e = this.adapter.errorFromResponse(res.status, await readText(res, ERROR_BODY_BYTES), this.target);
      e.retryAfterMs = parseRetryAfter(res.headers.get("retry-after"));
      throw this.masked(e);
    }
    return res;
  }

  async json(method: "GET" | "POST" | "DELETE", path: string, body?: { json: unknown } | { stream: ReadableStream<Uint8Array>; contentType: string }): Promise<any> {
    const res = await this.send(method, path, body);
    const text = await readText(res, JSON_BODY_BYTES);
    try {
      return JSON.parse(text);
    } catch {
      throw new BifrostError({ status: 502, type: "upstream_error", message: `provider ${this.provider} returned a body that is not JSON`, extra: { provider: this.provider } });
    }
  }

  /** Upstream text (an error message, its extra fields) with the credentials this call carried masked. */
  masked(e: BifrostError): BifrostError {
    const secrets = (this.secrets ??= sentCredentials(this.headers, this.target));
    e.message = redactValues(e.message, secrets);
    if (e.extra) {
      try {
        e.extra = JSON.parse(redactValues(JSON.stringify(e.extra), secrets.map((s) => JSON.stringify(s).slice(1, -1))));
      } catch {
        e.extra = { provider: e.extra.provider };
      }
    }
    return e;
  }
}

/**
 * The credentials and extra headers exactly as the adapter sends them with a request of its own: the OpenAI
 * adapter's Authorization: Bearer plus the provider's extra_headers (OpenAI-Organization, OpenAI-Project …).
 * Its body's headers (content-type) are left to each call.
 */
function authHeaders(adapter: ProviderAdapter, target: ProviderTarget): Record<string, string> {
  const wire = adapter.listModelsRequest
    ? adapter.listModelsRequest(target)
    : adapter.chatRequest({ model: target.model, messages: [] } as unknown as ChatRequest, target, false);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(wire.headers)) {
    const n = name.toLowerCase();
    if (n !== "content-type" && n !== "content-length") headers[n] = value;
  }
  return headers;
}

/** A body read as text, but no more than `max` bytes of it (the rest is dropped). */
async function readText(res: Response, max: number): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const room = max - bytes;
      text += decoder.decode(value.byteLength > room ? value.subarray(0, room) : value, { stream: true });
      bytes += value.byteLength;
      if (bytes >= max) break;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  return text + decoder.decode();
}

/**
 * multipart/form-data with text fields and one file part whose content is pulled from `content` as the reader
 * (fetch) asks for it: at most UPLOAD_CHUNK_BYTES of it are held at a time.
 */
export function multipartStream(
  fields: Record<string, string>,
  file: { name: string; filename: string; contentType: string; content: AsyncIterator<string> },
  boundary = `----bifrost${crypto.randomUUID().replace(/-/g, "")}`,
): { body: ReadableStream<Uint8Array>; contentType: string } {
  const quote = (s: string) => s.replace(/["\r\n]/g, (c) => (c === '"' ? "%22" : ""));
  let head = "";
  for (const [name, value] of Object.entries(fields)) head += `--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`;
  head += `--${boundary}\r\nContent-Disposition: form-data; name="${quote(file.name)}"; filename="${quote(file.filename)}"\r\nContent-Type: ${file.contentType}\r\n\r\n`;
  let started = false;
  let ended = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (ended) return;
      let out = started ? "" : head;
      started = true;
      while (out.length < UPLOAD_CHUNK_BYTES) {
        const next = await file.content.next();
        if (next.done) {
          out += `\r\n--${boundary}--\r\n`;
          ended = true;
          break;
        }
        out += next.value;
      }
      controller.enqueue(encoder.encode(out));
      if (ended) controller.close();
    },
    async cancel() {
      await file.content.return?.();
    },
  });
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

// ── the backend ──

/**
 * The model without its provider part: "openai/gpt-4o-mini" → "gpt-4o-mini" (for a provider named "my-openai",
 * "my-openai/x" → "x"). Anything else is the provider's own id and stays ("ft:gpt-4o-mini:org::id").
 */
function upstreamModel(provider: string, model: unknown): unknown {
  return typeof model === "string" && model.startsWith(`${provider}/`) ? model.slice(provider.length + 1) : model;
}

/** One input line as OpenAI takes it: the model without its provider part, no gateway-only fields. */
function wireLine(provider: string, line: BatchInputLine): string {
  const model = upstreamModel(provider, line.body.model);
  const body = typeof model === "string" ? toOpenAIBody(line.body, model) : line.body;
  return JSON.stringify({ custom_id: line.custom_id, method: line.method, url: line.url, body }) + "\n";
}

interface State {
  inputFileId?: string;
  model?: string | null;
  outputFileId?: string | null;
  errorFileId?: string | null;
}

const stateOf = (batch: BatchRecord): State => (batch.upstreamState ?? {}) as State;

function upstreamFor(ctx: BackendContext, batch: BatchRecord): Upstream {
  return Upstream.of(ctx, batch.provider, stateOf(batch).model ?? undefined);
}

function batchId(batch: BatchRecord): string {
  if (!batch.upstreamId) throw new BifrostError({ status: 500, type: "server_error", message: `batch ${batch.id} has no ${batch.provider} batch id` });
  return encodeURIComponent(batch.upstreamId);
}

/** OpenAI's batch object → what the gateway records; the output and error file ids are kept for results(). */
function refreshed(obj: any, batch: BatchRecord, provider: string): Refreshed {
  if (!obj || typeof obj !== "object" || typeof obj.status !== "string") {
    throw new BifrostError({ status: 502, type: "upstream_error", message: `provider ${provider} answered without a batch object`, extra: { provider } });
  }
  const rc = obj.request_counts ?? {};
  const n = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);
  const errors: BatchError[] | null = Array.isArray(obj.errors?.data)
    ? obj.errors.data.map((e: any) => ({ code: String(e?.code ?? "error"), message: String(e?.message ?? ""), param: e?.param ?? null, line: typeof e?.line === "number" ? e.line : null }))
    : null;
  return {
    // A status this gateway does not know yet is treated as still running: polling goes on.
    status: STATUSES.has(obj.status) ? (obj.status as BatchStatus) : "in_progress",
    counts: { total: n(rc.total), completed: n(rc.completed), failed: n(rc.failed) },
    errors,
    expiresAt: typeof obj.expires_at === "number" ? obj.expires_at * 1000 : null,
    upstreamState: { ...stateOf(batch), outputFileId: obj.output_file_id ?? null, errorFileId: obj.error_file_id ?? null },
  };
}

export const openaiBatchBackend: BatchBackend = {
  kinds: ["openai"],

  async submit(ctx, batch, input): Promise<Submitted> {
    const lines = input[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done) throw BifrostError.badRequest("the batch's input file has no requests", "input_file_id", "empty_file");
    const model = upstreamModel(batch.provider, first.value.body.model);
    const up = Upstream.of(ctx, batch.provider, typeof model === "string" ? model : undefined);

    // The input may fail part-way (a line the service rejects): that error, not fetch's, is the answer.
    let inputError: unknown;
    const wire = (async function* () {
      try {
        yield wireLine(batch.provider, first.value);
        for (let next = await lines.next(); !next.done; next = await lines.next()) yield wireLine(batch.provider, next.value);
      } catch (err) {
        inputError = err;
        throw err;
      } finally {
        // Stopped early (the upload failed): the input's reader is released.
        await lines.return?.();
      }
    })();
    const form = multipartStream({ purpose: "batch" }, { name: "file", filename: `${batch.id}.jsonl`, contentType: "application/jsonl", content: wire });
    let file: any;
    try {
      file = await up.json("POST", "/v1/files", { stream: form.body, contentType: form.contentType });
    } catch (err) {
      throw inputError ?? err;
    } finally {
      await wire.return(undefined).catch(() => {});
    }
    if (inputError) throw inputError;
    if (typeof file?.id !== "string") throw new BifrostError({ status: 502, type: "upstream_error", message: `provider ${up.provider} answered the upload without a file id`, extra: { provider: up.provider } });

    const state: State = { inputFileId: file.id, model: typeof model === "string" ? model : null };
    let created: any;
    try {
      created = await up.json("POST", "/v1/batches", {
        json: { input_file_id: file.id, endpoint: batch.endpoint, completion_window: batch.completionWindow || "24h", ...(batch.metadata ? { metadata: batch.metadata } : {}) },
      });
    } catch (err) {
      // No batch will read it: the uploaded file is not left behind at the provider.
      await up.send("DELETE", `/v1/files/${encodeURIComponent(file.id)}`).then((r) => r.body?.cancel(), () => {});
      throw err;
    }
    if (typeof created?.id !== "string") throw new BifrostError({ status: 502, type: "upstream_error", message: `provider ${up.provider} answered without a batch id`, extra: { provider: up.provider } });
    return { upstreamId: created.id, upstreamState: { ...state } };
  },

  async refresh(ctx, batch) {
    const up = upstreamFor(ctx, batch);
    return refreshed(await up.json("GET", `/v1/batches/${batchId(batch)}`), batch, up.provider);
  },

  async cancel(ctx, batch) {
    const up = upstreamFor(ctx, batch);
    return refreshed(await up.json("POST", `/v1/batches/${batchId(batch)}/cancel`), batch, up.provider);
  },

  async *results(ctx, batch): AsyncIterable<BatchOutputLine> {
    const up = upstreamFor(ctx, batch);
    let state = stateOf(batch);
    // Not refreshed since it ended (or recorded by an older gateway): ask which files hold the results.
    if (state.outputFileId === undefined || state.errorFileId === undefined) {
      state = refreshed(await up.json("GET", `/v1/batches/${batchId(batch)}`), batch, up.provider).upstreamState as State;
    }
    for (const fileId of [state.outputFileId, state.errorFileId]) {
      if (!fileId) continue;
      const res = await up.send("GET", `/v1/files/${encodeURIComponent(fileId)}/content`);
      if (!res.body) continue;
      for await (const text of jsonlTexts(res.body, MAX_RESULT_LINE_BYTES)) {
        let line: any;
        try {
          line = JSON.parse(text);
        } catch {
          line = null;
        }
        if (!line || typeof line !== "object" || typeof line.custom_id !== "string") {
          await res.body.cancel().catch(() => {});
          throw new BifrostError({ status: 502, type: "upstream_error", message: `provider ${up.provider} returned a malformed line in batch file ${fileId}`, extra: { provider: up.provider } });
        }
        yield line as BatchOutputLine;
      }
    }
  },
};
