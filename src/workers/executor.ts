/**
 * One attempt of one provider call: canonical → wire (adapter), fetch, wire → canonical (adapter).
 * Runs unchanged inside a Bun Worker or on the server thread; reports through a CallSink.
 */
import { getAdapter } from "../providers";
import type { ProviderAdapter, ProviderTarget, WireRequest } from "../providers/types";
import { BifrostError } from "../schemas/error";
import { parseRetryAfter } from "../core/retry-policy";
import type { CallHeader, CallSink } from "./protocol";

const decoder = new TextDecoder();

export async function execute(h: CallHeader, body: ArrayBuffer | string, signal: AbortSignal, sink: CallSink): Promise<void> {
  const started = performance.now();
  const timer = new CallTimer(signal, h.timeoutMs);
  try {
    const adapter = getAdapter(h.type);
    const target = toTarget(h);
    const req = typeof body === "string" ? (h.op === "listModels" ? null : JSON.parse(body)) : parseBody(body, h.op);
    let wire = buildWire(adapter, h, req, target);
    if (adapter.authorize) wire = await adapter.authorize(wire, target, new Date());
    const res = await send(wire, timer.signal, h.provider);
    if (!res.ok) {
      const e = adapter.errorFromResponse(res.status, await res.text(), target);
      e.retryAfterMs = parseRetryAfter(res.headers.get("retry-after"));
      throw e;
    }
    if (h.op === "chatStream" || h.op === "textCompletionStream") {
      timer.streaming(h.idleTimeoutMs);
      await pumpStream(adapter, target, h, res, timer, sink);
    } else if (h.op === "speech") {
      const bytes = new Uint8Array(await res.arrayBuffer());
      const audio = adapter.speechResponse!(bytes, res.headers.get("content-type") ?? "application/octet-stream", target);
      const copy = audio.body.byteOffset === 0 && audio.body.byteLength === audio.body.buffer.byteLength ? audio.body.buffer : audio.body.slice().buffer;
      sink.bytes(audio.contentType, copy as ArrayBuffer);
    } else {
      const json = h.op === "transcription" && !isJson(res) ? await res.text() : await readJson(res, h.provider);
      sink.ok(finish(adapter, h, target, json, started, req));
    }
  } catch (err) {
    sink.error(toError(err, timer, h).toWire());
  } finally {
    timer.clear();
  }
}

function parseBody(body: ArrayBuffer, op: CallHeader["op"]): any {
  if (op === "listModels") return null;
  return JSON.parse(decoder.decode(body));
}

function toTarget(h: CallHeader): ProviderTarget {
  return {
    provider: h.provider,
    model: h.model,
    baseUrl: h.baseUrl,
    apiKey: h.apiKey,
    extraHeaders: h.extraHeaders ? JSON.parse(h.extraHeaders) : {},
    keyConfig: h.keyConfig ? JSON.parse(h.keyConfig) : undefined,
  };
}

function buildWire(adapter: ProviderAdapter, h: CallHeader, req: any, target: ProviderTarget): WireRequest {
  switch (h.op) {
    case "chat":
      return adapter.chatRequest(req, target, false);
    case "chatStream":
      return adapter.chatRequest(req, target, true);
    case "textCompletion":
    case "textCompletionStream":
      if (!adapter.textCompletionRequest) throw unsupported(h, "text completions");
      return adapter.textCompletionRequest(req, target, h.op === "textCompletionStream");
    case "embeddings":
      if (!adapter.embeddingRequest) throw unsupported(h, "embeddings");
      return adapter.embeddingRequest(req, target);
    case "listModels":
      if (!adapter.listModelsRequest) throw unsupported(h, "model listing");
      return adapter.listModelsRequest(target);
    case "rerank":
      if (!adapter.rerankRequest) throw unsupported(h, "rerank");
      return adapter.rerankRequest(req, target);
    case "speech":
      if (!adapter.speechRequest) throw unsupported(h, "speech");
      return adapter.speechRequest(req, target);
    case "transcription":
      if (!adapter.transcriptionRequest) throw unsupported(h, "transcription");
      return adapter.transcriptionRequest(req, target);
    case "imageGeneration":
      if (!adapter.imageGenerationRequest) throw unsupported(h, "image generation");
      return adapter.imageGenerationRequest(req, target);
  }
}

function isJson(res: Response): boolean {
  return (res.headers.get("content-type") ?? "").includes("json");
}

function unsupported(h: CallHeader, what: string): BifrostError {
  return BifrostError.badRequest(`provider ${h.provider} does not support ${what}`, "model", "unsupported_operation");
}

async function send(wire: WireRequest, signal: AbortSignal, provider: string): Promise<Response> {
  try {
    return await fetch(wire.url, { method: wire.method, headers: wire.headers, body: wire.body, signal });
  } catch (err) {
    if (signal.aborted) throw err;
    throw unreachable(provider, err);
  }
}

function unreachable(provider: string, err: unknown): BifrostError {
  const code = (err as any)?.code;
  return new BifrostError({
    status: 502,
    type: "upstream_error",
    code: "upstream_unreachable",
    message: `provider ${provider} is unreachable${typeof code === "string" ? ` (${code})` : ""}`,
    extra: { provider },
  });
}

async function readJson(res: Response, provider: string): Promise<any> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new BifrostError({ status: 502, type: "upstream_error", message: `provider ${provider} returned a body that is not JSON`, extra: { provider } });
  }
}

function finish(adapter: ProviderAdapter, h: CallHeader, target: ProviderTarget, json: any, started: number, req: any): string {
  const latency_ms = Math.round((performance.now() - started) * 100) / 100;
  const extra = { provider: h.provider, model_requested: h.modelRequested, latency_ms };
  switch (h.op) {
    case "chat": {
      const out = adapter.chatResponse(json, target);
      out.extra_fields = { ...(out.extra_fields ?? {}), ...extra };
      return JSON.stringify(out);
    }
    case "embeddings": {
      const out = adapter.embeddingResponse!(json, target);
      out.extra_fields = extra;
      return JSON.stringify(out);
    }
    case "textCompletion": {
      const out = adapter.textCompletionResponse!(json, target);
      out.extra_fields = extra;
      return JSON.stringify(out);
    }
    case "rerank": {
      const out = adapter.rerankResponse!(json, target, req);
      out.extra_fields = extra;
      return JSON.stringify(out);
    }
    case "transcription": {
      const out = adapter.transcriptionResponse!(json, target);
      out.extra_fields = extra;
      return JSON.stringify(out);
    }
    case "imageGeneration": {
      const out = adapter.imageGenerationResponse!(json, target);
      out.extra_fields = extra;
      return JSON.stringify(out);
    }
    case "listModels":
      return JSON.stringify(adapter.listModelsResponse!(json, target));
    default:
      throw new Error("unreachable");
  }
}

async function pumpStream(
  adapter: ProviderAdapter,
  target: ProviderTarget,
  h: CallHeader,
  res: Response,
  timer: CallTimer,
  sink: CallSink,
) {
  if (!res.body) throw new BifrostError({ status: 502, type: "upstream_error", message: "upstream stream has no body" });
  const dec = adapter.chatStreamDecoder(target);
  const text = new TextDecoder();
  const feed = dec.binary ? (b: Uint8Array) => dec.push(b) : (b: Uint8Array) => dec.push(text.decode(b, { stream: true }));
  const extra = { provider: h.provider, model_requested: h.modelRequested };
  const reader = res.body.getReader();
  sink.start();
  let lines = "";
  const emit = (chunks: any[]) => {
    lines = "";
    for (const c of chunks) {
      c.extra_fields = extra;
      lines += (lines ? "\n" : "") + JSON.stringify(c);
    }
    if (lines) sink.chunks(lines);
  };
  try {
    while (!dec.done) {
      const { value, done } = await reader.read();
      if (done) {
        emit(dec.end());
        break;
      }
      timer.touch();
      emit(feed(value));
    }
  } catch (err) {
    if (timer.signal.aborted || err instanceof BifrostError) throw err;
    throw new BifrostError({ status: 502, type: "upstream_error", code: "upstream_stream_interrupted", message: `provider ${h.provider} stream was interrupted`, extra: { provider: h.provider } });
  } finally {
    reader.cancel().catch(() => {});
  }
  sink.end();
}

function toError(err: unknown, timer: CallTimer, h: CallHeader): BifrostError {
  return withoutSecrets(classify(err, timer, h), h);
}

/** Some upstreams echo the key they were given in their error message: it never reaches the client. */
function withoutSecrets(e: BifrostError, h: CallHeader): BifrostError {
  if (h.apiKey.length >= 6 && e.message.includes(h.apiKey)) e.message = e.message.split(h.apiKey).join("[REDACTED]");
  return e;
}

function classify(err: unknown, timer: CallTimer, h: CallHeader): BifrostError {
  if (timer.timedOut) {
    return new BifrostError({
      status: 504,
      type: "timeout_error",
      code: timer.timedOut === "idle" ? "stream_idle_timeout" : "request_timeout",
      message:
        timer.timedOut === "idle"
          ? `provider ${h.provider} sent nothing for ${h.idleTimeoutMs / 1000}s`
          : `provider ${h.provider} did not answer within ${h.timeoutMs / 1000}s`,
      extra: { provider: h.provider, model_requested: h.modelRequested },
    });
  }
  if (err instanceof SyntaxError) return BifrostError.badRequest("request body is not valid JSON");
  // A worker's stack is smaller than the server thread's: JSON the server parsed may still be too deep here.
  if (err instanceof RangeError) return BifrostError.badRequest("request body is nested too deeply", null, "nesting_too_deep");
  const e = BifrostError.from(err);
  e.extra = { provider: h.provider, model_requested: h.modelRequested, ...e.extra };
  return e;
}

/** Request timeout until the stream starts, then an idle timeout between chunks; and the caller's abort. */
class CallTimer {
  private readonly ctrl = new AbortController();
  private handle: ReturnType<typeof setTimeout> | null = null;
  private idleMs = 0;
  private lastTouch = 0;
  timedOut: "request" | "idle" | null = null;
  readonly signal = this.ctrl.signal;
  private readonly onAbort = () => this.ctrl.abort(new DOMException("aborted", "AbortError"));

  constructor(private readonly parent: AbortSignal, timeoutMs: number) {
    if (parent.aborted) this.onAbort();
    else parent.addEventListener("abort", this.onAbort, { once: true });
    this.handle = setTimeout(() => this.fire("request"), timeoutMs);
  }

  streaming(idleMs: number) {
    this.idleMs = idleMs;
    this.lastTouch = performance.now();
    if (this.handle) clearTimeout(this.handle);
    this.handle = setTimeout(() => this.checkIdle(), idleMs);
  }

  /** Cheap per chunk: just a timestamp; the timer re-arms itself lazily. */
  touch() {
    this.lastTouch = performance.now();
  }

  private checkIdle() {
    const quiet = performance.now() - this.lastTouch;
    if (quiet >= this.idleMs) this.fire("idle");
    else this.handle = setTimeout(() => this.checkIdle(), this.idleMs - quiet);
  }

  private fire(kind: "request" | "idle") {
    this.timedOut = kind;
    this.ctrl.abort(new DOMException("timed out", "TimeoutError"));
  }

  clear() {
    if (this.handle) clearTimeout(this.handle);
    this.parent.removeEventListener("abort", this.onAbort);
  }
}
