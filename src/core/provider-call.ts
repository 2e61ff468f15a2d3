/**
 * One attempt at one provider with one key: canonical request → wire (adapter) → fetch → canonical
 * answer (adapter). Objects in, objects out; the only serialisation is the adapter's wire body and
 * the upstream's JSON parse. Runs on the server thread, or inside a Bun Worker (src/workers).
 */
import { getAdapter } from "../providers";
import { costOf } from "../pricing/cost";
import type { ModelPrice } from "../pricing/types";
import type { ProviderAdapter, ProviderTarget, StreamDecoder, WireRequest } from "../providers/types";
import type { ChatChunk, ChatRequest } from "../schemas/chat";
import { BifrostError } from "../schemas/error";
import { isStreamOp, type Op } from "../schemas/ops";
import { Answer } from "./answer";
import { CallTimer } from "./call-timer";
import { toRequestedEncoding } from "./embedding-encoding";
import { parseRetryAfter } from "./retry-policy";
import { estimateInputTokens } from "./token-estimate";
import { sentCredentials } from "./key-secrets";
import { redactValues, registerSecret } from "../log";
import { tokenCount } from "../schemas/tokens";
import { log } from "../log";

/** Everything one attempt needs, resolved by the router and key choice. */
export interface ProviderCall {
  op: Op;
  /** Built-in provider type: picks the adapter. */
  type: string;
  target: ProviderTarget;
  /** As the client named it ("openai/gpt-4o-mini"). */
  modelRequested: string;
  timeoutMs: number;
  idleTimeoutMs: number;
  /** The largest non-streaming answer read from the upstream (client.max_upstream_response_mb); default 64 MB. */
  maxResponseBytes?: number;
  /** The model's price (null: unknown): the answer's extra_fields.cost is worked out where it is decoded. */
  price?: ModelPrice | null;
}

const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/**
 * A started stream: batches of canonical chunks as the upstream sends them, null at the end. A responsesStream
 * carries the upstream's Responses events instead (ChunkStream<ResponsesEvent>), through the same path.
 */
export interface ChunkStream<C = ChatChunk> {
  next(): Promise<C[] | null>;
  cancel(): void;
}

/** A non-streaming call. Rejects with a BifrostError (never the key in its message). */
export async function callProvider(call: ProviderCall, req: unknown, signal?: AbortSignal): Promise<Answer> {
  const started = performance.now();
  const timer = new CallTimer(signal, call.timeoutMs);
  const sent = new SentRequest(call);
  try {
    const adapter = getAdapter(call.type);
    if (call.op === "countTokens" && !adapter.countTokensRequest) return estimatedCount(call, req as ChatRequest, started);
    const res = await send(adapter, call, req, timer, sent);
    if (call.op === "speech") {
      const audio = adapter.speechResponse!(await readCapped(res, call, timer), res.headers.get("content-type") ?? "application/octet-stream", call.target);
      const b = audio.body;
      return Answer.ofBytes({ contentType: audio.contentType, body: (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b.buffer : b.slice().buffer) as ArrayBuffer });
    }
    const text = await readCapped(res, call, timer, true);
    const wire = call.op === "transcription" && !isJson(res) ? text : parseJson(text, call.target.provider);
    const out = fromWire(adapter, call, wire, req);
    if (call.op === "listModels") return Answer.of(out);
    const reencoded = call.op === "embeddings" && toRequestedEncoding(out, (req as { encoding_format?: unknown }).encoding_format);
    out.extra_fields = { ...(out.extra_fields ?? {}), provider: call.target.provider, model_requested: call.modelRequested, latency_ms: Math.round((performance.now() - started) * 100) / 100 };
    const cost = call.price ? costOf(call.price, call.op, out.usage, req, out) : null;
    if (cost) out.extra_fields.cost = cost;
    // The adapter handed back the upstream's own object: its text is canonical, so it need not be serialised again.
    return out === wire && !reencoded ? Answer.spliced(out, text) : Answer.of(out);
  } catch (err) {
    throw toError(err, timer, call, sent);
  } finally {
    timer.clear();
  }
}

/** A streaming call: resolves once the upstream accepted (or rejects before any byte); then pull chunks. */
export async function openStream(call: ProviderCall, req: unknown, signal?: AbortSignal): Promise<ChunkStream> {
  const timer = new CallTimer(signal, call.timeoutMs);
  let res: Response;
  const adapter = getAdapter(call.type);
  const sent = new SentRequest(call);
  try {
    res = await send(adapter, call, req, timer, sent);
    if (!res.body) throw new BifrostError({ status: 502, type: "upstream_error", message: "upstream stream has no body" });
  } catch (err) {
    timer.clear();
    throw toError(err, timer, call, sent);
  }
  timer.streaming(call.idleTimeoutMs);
  const responses = call.op === "responsesStream";
  // Responses events travel the chunk path unchanged (no extra_fields: the event shapes have no room for them).
  const dec = responses ? (adapter.responsesStreamDecoder!(call.target) as unknown as StreamDecoder<ChatChunk>) : adapter.chatStreamDecoder(call.target);
  const text = new TextDecoder();
  const reader = res.body.getReader();
  const extra = { provider: call.target.provider, model_requested: call.modelRequested };
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    timer.clear();
    reader.cancel().catch(() => {});
  };
  const price = call.price;
  const tag = (chunks: ChatChunk[]) => {
    // Responses events pass through as the provider sent them; a chat chunk's own extra_fields (native_finish_reason) are kept.
    if (!responses)
      for (const c of chunks) {
        c.extra_fields = c.extra_fields ? { ...c.extra_fields, ...extra } : extra;
        // The chunk with the usage carries the stream's cost.
        if (c.usage && price) {
          const cost = costOf(price, call.op, c.usage, req, null);
          if (cost) c.extra_fields = { ...c.extra_fields, cost };
        }
      }
    return chunks;
  };
  return {
    async next() {
      try {
        while (!finished && !dec.done) {
          timer.waitingOnUpstream();
          const { value, done } = await reader.read();
          if (done) {
            const rest = tag(dec.end());
            finish();
            return rest.length ? rest : null;
          }
          timer.touch();
          const chunks = dec.binary ? dec.push(value) : dec.push(text.decode(value, { stream: true }));
          if (chunks.length) return tag(chunks);
        }
        finish();
        return null;
      } catch (err) {
        finish();
        if (err instanceof BifrostError && !timer.timedOut) throw withoutSecrets(err, sent);
        if (timer.timedOut || signal?.aborted) throw toError(err, timer, call, sent);
        throw new BifrostError({ status: 502, type: "upstream_error", code: "upstream_stream_interrupted", message: `provider ${call.target.provider} stream was interrupted`, extra: { provider: call.target.provider } });
      }
    },
    cancel() {
      if (finished) return;
      timer.abort();
      finish();
    },
  };
}

/** A provider that could not be reached (the socket's error code, never its address or what was sent). */
export function upstreamUnreachable(provider: string, err: unknown): BifrostError {
  const code = (err as { code?: unknown })?.code;
  return new BifrostError({
    status: 502,
    type: "upstream_error",
    code: "upstream_unreachable",
    message: `provider ${provider} is unreachable${typeof code === "string" ? ` (${code})` : ""}`,
    extra: { provider },
  });
}

/** A redirect from a provider, refused: following it would carry the credentials on. The Location is not repeated (it may hold a presigned URL or a token). */
export function upstreamRedirect(provider: string, status: number): BifrostError {
  return new BifrostError({
    status: 502,
    type: "upstream_error",
    code: "upstream_redirect",
    message: `provider ${provider} answered with a redirect (HTTP ${status}); the gateway does not follow upstream redirects`,
    extra: { provider },
  });
}

/**
 * Build the wire request, sign it, send it; a non-2xx answer becomes the gateway's error. The headers sent
 * are kept in `sent`, so that whatever the upstream echoes of their credentials is masked; redirects are
 * never followed (they would carry them on).
 */
async function send(adapter: ProviderAdapter, call: ProviderCall, req: unknown, timer: CallTimer, sent: SentRequest): Promise<Response> {
  let wire = toWire(adapter, call, req);
  if (adapter.authorize) wire = await adapter.authorize(wire, call.target, new Date());
  sent.headers = wire.headers;
  // Signing mints credentials per call (an OAuth token, a SigV4 signature): the logger learns them too.
  if (adapter.authorize) for (const c of sent.credentials()) registerSecret(c);
  let res: Response;
  try {
    res = await fetch(wire.url, { method: wire.method, headers: wire.headers, body: wire.body, signal: timer.signal, redirect: "manual" });
  } catch (err) {
    if (timer.signal.aborted) throw err;
    throw upstreamUnreachable(call.target.provider, err);
  }
  if (res.status >= 300 && res.status < 400) {
    await res.body?.cancel().catch(() => {});
    throw upstreamRedirect(call.target.provider, res.status);
  }
  if (!res.ok) {
    const e = adapter.errorFromResponse(res.status, await readCapped(res, call, timer, true), call.target);
    e.retryAfterMs = parseRetryAfter(res.headers.get("retry-after"));
    throw e;
  }
  return res;
}

const lenient = new TextDecoder();

/**
 * An upstream's whole body, read with the cap (never all of it first and then checked): past it, or
 * cut part-way, a 502 naming the provider; the cause of a cut is logged (redacted), not sent.
 */
async function readCapped(res: Response, call: ProviderCall, timer: CallTimer): Promise<Uint8Array>;
async function readCapped(res: Response, call: ProviderCall, timer: CallTimer, asText: true): Promise<string>;
async function readCapped(res: Response, call: ProviderCall, timer: CallTimer, asText = false): Promise<Uint8Array | string> {
  const max = call.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const provider = call.target.provider;
  const tooBig = () => {
    void res.body?.cancel().catch(() => {});
    return new BifrostError({ status: 502, type: "upstream_error", code: "upstream_response_too_large", message: `provider ${provider} answered with more than ${Math.round((max / 1048576) * 100) / 100} MB (client.max_upstream_response_mb)`, extra: { provider } });
  };
  try {
    const declared = res.headers.get("content-length");
    // A declared length holds the body to it, unless it is compressed (then it says nothing of the decoded size).
    if (declared !== null && !res.headers.has("content-encoding")) {
      if (Number(declared) > max) throw tooBig();
      return asText ? await res.text() : new Uint8Array(await res.arrayBuffer());
    }
    if (!res.body) return asText ? "" : new Uint8Array(0);
    const parts: Uint8Array[] = [];
    let size = 0;
    const reader = res.body.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) throw (reader.cancel().catch(() => {}), tooBig());
      parts.push(value);
    }
    let out = parts[0] ?? new Uint8Array(0);
    if (parts.length > 1) {
      out = new Uint8Array(size);
      let at = 0;
      for (const p of parts) out.set(p, at), (at += p.byteLength);
    }
    return asText ? lenient.decode(out) : out;
  } catch (err) {
    if (err instanceof BifrostError || timer.signal.aborted) throw err;
    const key = call.target.apiKey;
    const cause = String((err as Error)?.message ?? err);
    log.warn(`provider ${provider}: the answer's body was cut part-way`, { provider, cause: key.length >= 6 ? cause.split(key).join("[REDACTED]") : cause });
    throw new BifrostError({ status: 502, type: "upstream_error", code: "upstream_body_interrupted", message: `provider ${provider} cut its answer off part-way`, extra: { provider } });
  }
}

function toWire(adapter: ProviderAdapter, call: ProviderCall, req: any): WireRequest {
  const t = call.target;
  switch (call.op) {
    case "chat":
    case "chatStream":
      return adapter.chatRequest(req, t, call.op === "chatStream");
    case "textCompletion":
    case "textCompletionStream":
      if (!adapter.textCompletionRequest) throw unsupported(call, "text completions");
      return adapter.textCompletionRequest(req, t, call.op === "textCompletionStream");
    case "embeddings":
      if (!adapter.embeddingRequest) throw unsupported(call, "embeddings");
      return adapter.embeddingRequest(req, t);
    case "listModels":
      if (!adapter.listModelsRequest) throw unsupported(call, "model listing");
      return adapter.listModelsRequest(t);
    case "rerank":
      if (!adapter.rerankRequest) throw unsupported(call, "rerank");
      return adapter.rerankRequest(req, t);
    case "speech":
      if (!adapter.speechRequest) throw unsupported(call, "speech");
      return adapter.speechRequest(req, t);
    case "transcription":
      if (!adapter.transcriptionRequest) throw unsupported(call, "transcription");
      return adapter.transcriptionRequest(req, t);
    case "imageGeneration":
      if (!adapter.imageGenerationRequest) throw unsupported(call, "image generation");
      return adapter.imageGenerationRequest(req, t);
    case "countTokens":
      return adapter.countTokensRequest!(req, t);
    case "responses":
    case "responsesStream":
      if (!adapter.responsesRequest) throw unsupported(call, "the Responses API");
      return adapter.responsesRequest(req, t, call.op === "responsesStream");
    case "mcpTool":
      throw unsupported(call, "MCP tool calls (the gateway runs them)");
  }
}

function fromWire(adapter: ProviderAdapter, call: ProviderCall, body: any, req: any): any {
  const t = call.target;
  switch (call.op) {
    case "chat":
      return adapter.chatResponse(body, t);
    case "embeddings":
      return adapter.embeddingResponse!(body, t);
    case "textCompletion":
      return adapter.textCompletionResponse!(body, t);
    case "rerank":
      return adapter.rerankResponse!(body, t, req);
    case "transcription":
      return adapter.transcriptionResponse!(body, t);
    case "imageGeneration":
      return adapter.imageGenerationResponse!(body, t);
    case "listModels":
      return adapter.listModelsResponse!(body, t);
    case "countTokens":
      return adapter.countTokensResponse!(body, t);
    case "responses":
      return adapter.responsesResponse!(body, t);
    default:
      throw new Error(`${call.op} has no unary answer`);
  }
}

/** A provider that cannot count: the gateway's estimate, no upstream call, marked as such. */
function estimatedCount(call: ProviderCall, req: ChatRequest, started: number): Answer {
  const out = tokenCount(call.target.model, estimateInputTokens(req));
  out.extra_fields = { provider: call.target.provider, model_requested: call.modelRequested, latency_ms: Math.round((performance.now() - started) * 100) / 100, estimated: true };
  return Answer.of(out);
}

function unsupported(call: ProviderCall, what: string): BifrostError {
  return BifrostError.badRequest(`provider ${call.target.provider} does not support ${what}`, "model", "unsupported_operation");
}

function isJson(res: Response): boolean {
  return (res.headers.get("content-type") ?? "").includes("json");
}

function parseJson(text: string, provider: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new BifrostError({ status: 502, type: "upstream_error", message: `provider ${provider} returned a body that is not JSON`, extra: { provider } });
  }
}

function toError(err: unknown, timer: CallTimer, call: ProviderCall, sent: SentRequest): BifrostError {
  return withoutSecrets(classify(err, timer, call), sent);
}

/**
 * What one call sent upstream. Its credentials (the key, its settings' secrets, the extra headers, and
 * whatever signing added) are worked out only when an error needs masking: not on every request.
 */
class SentRequest {
  headers: Record<string, string> = {};
  private known: string[] | null = null;

  constructor(private readonly call: ProviderCall) {}

  credentials(): string[] {
    return (this.known ??= sentCredentials(this.headers, this.call.target));
  }
}

/**
 * Some upstreams echo what they were sent (the key, a proxy's Authorization, the OAuth token) in their
 * error: none of it reaches the client or a log line, however short. The message and the extra fields
 * both hold upstream text.
 */
function withoutSecrets(e: BifrostError, request: SentRequest): BifrostError {
  const sent = request.credentials();
  e.message = redactValues(e.message, sent);
  if (e.extra) {
    try {
      e.extra = JSON.parse(redactValues(JSON.stringify(e.extra), sent.map((s) => JSON.stringify(s).slice(1, -1))));
    } catch {
      e.extra = { provider: e.extra.provider, model_requested: e.extra.model_requested };
    }
  }
  return e;
}

function classify(err: unknown, timer: CallTimer, call: ProviderCall): BifrostError {
  const provider = call.target.provider;
  if (timer.timedOut) {
    const idle = timer.timedOut === "idle";
    return new BifrostError({
      status: 504,
      type: "timeout_error",
      code: idle ? "stream_idle_timeout" : "request_timeout",
      message: idle ? `provider ${provider} sent nothing for ${call.idleTimeoutMs / 1000}s` : `provider ${provider} did not answer within ${call.timeoutMs / 1000}s`,
      extra: { provider, model_requested: call.modelRequested },
    });
  }
  // A worker's stack is smaller than the server thread's: a request the server parsed may still be too deep to serialise there.
  if (err instanceof RangeError) return BifrostError.badRequest("request body is nested too deeply", null, "nesting_too_deep");
  const e = BifrostError.from(err);
  e.extra = { provider, model_requested: call.modelRequested, ...e.extra };
  return e;
}
