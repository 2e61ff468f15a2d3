/**
 * A request's path through the gateway, top to bottom. For each candidate (the primary, then each
 * fallback in order): plugin pre-hooks → attempts on the provider, with retries and key rotation →
 * plugin post-hooks (in reverse, for the plugins that ran). The first candidate that ends without an
 * error answers; when all fail, the primary's error does.
 *
 * Retry rules (the Go Bifrost's): 5xx and network errors retry the same key after a backoff, 429
 * rotates to another key, 401/403 drop the key for this request, 400/404/422 stop.
 */
import type { ResolvedConfig, ResolvedKey, ResolvedProvider } from "../config/resolved";
import type { Pipeline } from "../plugins/pipeline";
import type { AnyRequest, RequestContext } from "../plugins/types";
import type { ResponsesEvent } from "../providers/types";
import type { ChatChunk, ChatResponse } from "../schemas/chat";
import { BifrostError } from "../schemas/error";
import { isStreamOp, type Op, type StreamOp, type UnaryOp } from "../schemas/ops";
import { Answer } from "./answer";
import type { CircuitBreakers } from "./circuit-breaker";
import type { KeyStats } from "./key-stats";
import type { ModelPrice, Pricing } from "../pricing/types";
import { Observation } from "./observation";
import { keyServesModel, selectKey } from "./keys";
import type { ChunkStream, ProviderCall } from "./provider-call";
import type { ProviderQueue } from "./provider-queue";
import { backoffMs, countsAsFailure, verdictFor } from "./retry-policy";
import { candidate, candidates, type Candidate } from "./router";
import type { ProviderTransport } from "./transport";
import { refuseStorageUrls } from "./storage-urls";

/** What the path needs of the gateway. */
export interface GatewayParts {
  readonly config: ResolvedConfig;
  readonly pipeline: Pipeline;
  readonly transport: ProviderTransport;
  readonly queues: Map<string, ProviderQueue>;
  readonly breakers: CircuitBreakers;
  /** Each key's recent requests and errors (the management API's key_stats). */
  readonly keyStats: KeyStats;
  /** No more admissions: the gateway is stopping. */
  readonly refusing: boolean;
  /** Streams being served: each entry ends its stream with the given error (shutdown past its grace period). */
  readonly liveStreams?: Set<(e: BifrostError) => void>;
  /** Requests in flight, counted while a plugin observes them (a gauge). */
  activeRequests: number;
  /** Model prices: each answer's cost. */
  readonly pricing?: Pricing;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Pick the key by name (header x-bf-api-key-id). */
  keyName?: string | null;
  /** The client's own JSON bytes: the worker transport sends them instead of serialising while no plugin changed the request. */
  rawBody?: ArrayBuffer;
  /** Incoming HTTP headers, for plugins (RequestContext.headers). */
  headers?: Headers;
  requestId?: string;
  /** The HTTP answer's headers, still open: the path adds what only it knows (x-bf-cache). */
  answerHeaders?: Record<string, string>;
  /** MCP tool executions whose results this request carries (agent mode), for its record. */
  toolCalls?: Array<{ name: string; latencyMs: number; isError: boolean }>;
  /**
   * In-process only, never from a client: the owner ("vk:<id>") this request runs for when it carries no
   * credential of its own (a line of a batch the gateway runs). Plugins see it as rctx.principal.
   */
  principal?: string | null;
  /** In-process only: the batch this request is a line of (its record says so: RequestSummary.batchId). */
  batchId?: string;
}

export interface Unary {
  answer: Answer;
  retries: number;
}

export interface Streamed {
  chunks: ChunkStream;
  retries: number;
}

/** Attempts made so far beyond the first, across candidates (x-bf-retries). */
interface Tally {
  retries: number;
}

export function runRequest(gw: GatewayParts, op: UnaryOp, body: AnyRequest, opts: RequestOptions): Promise<Unary>;
export function runRequest(gw: GatewayParts, op: StreamOp, body: AnyRequest, opts: RequestOptions): Promise<Streamed>;
export async function runRequest(gw: GatewayParts, op: UnaryOp | StreamOp, body: AnyRequest, opts: RequestOptions): Promise<Unary | Streamed> {
  const pipe = gw.pipeline; // a reload swaps gw.pipeline; this request keeps the one it started with
  const stream = isStreamOp(op);
  // Every inference op goes through the pre-hooks; speech answers audio bytes, which post-hooks (JSON) never see.
  const ctx = pipe.empty ? null : requestContext(op, opts);
  // Observers (logs, metrics, traces) get the request's record when it ended.
  const obs = ctx && pipe.hasRequestEnd ? new Observation(gw, pipe, op, ctx, body.model, opts.headers, opts.toolCalls, opts.batchId) : null;
  const bytesAnswer = op === "speech";
  const tally: Tally = { retries: 0 };
  let request = body;
  let primaryError: BifrostError | null = null;
  let list: Candidate[];
  try {
    list = candidates(op, body.model, body.fallbacks, gw.config.providers, pipe.hasPre);
  } catch (e) {
    throw failed(obs, request, BifrostError.from(e), tally);
  }

  for (let i = 0; i < list.length; i++) {
    let target = list[i]!;
    let answer: Answer | null = null;
    let chunks: ChunkStream | null = null;
    let error: BifrostError | null = null;
    let fallbacksAllowed = true;
    let ran = pipe.plugins.length;

    // 1. Pre-hooks: they may rewrite the request (and re-route it), or answer it themselves.
    if (ctx && pipe.hasPre) {
      ctx.provider = target.provider.name;
      ctx.model = target.model;
      (ctx as { isFallback: boolean }).isFallback = i > 0;
      const input = i === 0 ? request : { ...request, model: target.requested };
      const out = await pipe.runPre(input, ctx, obs?.hooks);
      ran = out.ran;
      if (out.kind === "continue" && out.request !== input) {
        const before = input.model;
        request = out.request;
        opts.rawBody = undefined; // the client's bytes no longer stand for the request
        if (i === 0 && request.fallbacks !== input.fallbacks) {
          // The primary's pre-hooks chose the fallbacks (a virtual key's provider weights): they replace the client's.
          try {
            list = candidates(op, request.model, request.fallbacks, gw.config.providers, pipe.hasPre);
            target = list[0]!;
          } catch (e) {
            error = BifrostError.from(e);
          }
        } else if (request.model !== before) {
          try {
            target = candidate(op, request.model, gw.config.providers);
          } catch (e) {
            error = BifrostError.from(e);
          }
        }
      } else if (out.kind === "respond") {
        if (obs) obs.answeredBy = pipe.pluginAt(out.ran);
        if (bytesAnswer) error = new BifrostError({ status: 500, type: "server_error", code: "plugin_invalid_answer", message: `a plugin answered a ${op} request with JSON; it may only rewrite or refuse it` });
        else answer = Answer.of(out.response);
      } else if (out.kind === "stream") {
        if (obs) obs.answeredBy = pipe.pluginAt(out.ran);
        if (stream) chunks = chunksOf(out.stream);
        else error = BifrostError.badRequest("a plugin answered a non-streaming request with a stream");
      } else if (out.kind === "error") {
        error = out.error;
        fallbacksAllowed = out.allowFallbacks;
      }
    }

    // 2. The provider: attempts with retries, key rotation and circuit breakers.
    obs?.candidate(i, target.provider.name, target.model);
    if (!answer && !chunks && !error) {
      try {
        if (stream) chunks = await attempts(gw, op, target, request, opts, tally, openStreamOnce, ctx, obs);
        else answer = await attempts(gw, op, target, request, opts, tally, callOnce, ctx, obs);
      } catch (e) {
        error = BifrostError.from(e);
      }
    }

    // 3. Post-hooks, for the plugins whose pre-hook ran: every unary outcome but audio bytes; a stream only when it has no stream to give.
    if (ctx && pipe.hasPost && !chunks && !bytesAnswer) {
      const after = await pipe.runPost(ran, answer ? answer.value : null, error, ctx, obs?.hooks);
      answer = after.res ? Answer.of(after.res) : null;
      error = after.err;
    }

    if (!error) {
      // A cache plugin looked: the answer says whether it came from the cache.
      if (ctx && ctx.cacheHit !== undefined && opts.answerHeaders) opts.answerHeaders["x-bf-cache"] = ctx.cacheHit ? "hit" : "miss";
      if (!stream) {
        obs?.endUnary(request, answer!, null, tally.retries);
        return { answer: answer!, retries: tally.retries };
      }
      chunks ??= op === "responsesStream" ? (chunksOf(responseAsEvents(answer!.value)) as unknown as ChunkStream) : chunksOf(responseAsChunks(answer!.value as ChatResponse));
      // Chunk hooks read chat chunks: a Responses event stream passes them by.
      const hooked = ctx && pipe.hasChunk && op !== "responsesStream";
      const served = interruptible(gw, hooked ? withChunkHooks(pipe, ctx, chunks) : chunks);
      return { chunks: obs ? obs.stream(served, request, tally.retries) : served, retries: tally.retries };
    }

    // 4. Fall back, unless the client left, the gateway is stopping, or a plugin said no.
    primaryError ??= error;
    if (!fallbacksAllowed || error.status === 499 || opts.signal?.aborted || gw.refusing) throw failed(obs, request, i === 0 ? error : primaryError, tally);
  }
  throw failed(obs, request, primaryError!, tally);
}

/** The request ended with `e`: the observers get its record; the error is what to throw. */
function failed(obs: Observation | null, request: AnyRequest, e: BifrostError, tally: Tally): BifrostError {
  obs?.endUnary(request, null, e, tally.retries);
  return e;
}

type Once<T> = (gw: GatewayParts, call: ProviderCall, provider: ResolvedProvider, req: unknown, opts: RequestOptions) => Promise<T>;

/** One candidate's attempts: up to max_retries more, each on a usable key; each noted for the observers. */
async function attempts<T>(gw: GatewayParts, op: Op, c: Candidate, req: unknown, opts: RequestOptions, tally: Tally, once: Once<T>, ctx: PathContext | null, obs: Observation | null): Promise<T> {
  if (c.unrouted) throw c.unrouted;
  const p = c.provider;
  if (!p.allowClientStorageUrls) refuseStorageUrls(req, p.name);
  let dropped: Set<ResolvedKey> | null = null;
  const allowed = ctx?.allowedKeys;
  const usable = (k: ResolvedKey) => (!allowed || allowed.has(k.name)) && !dropped?.has(k) && gw.breakers.allows(k, c.model);
  let key: ResolvedKey | null = null;
  for (let n = 0; ; n++) {
    // A retry stays on its key; a new key is chosen at the start, after a drop or rotation, or when its circuit opened.
    if (!key || !usable(key)) key = selectKey(p, c.model, opts.keyName, Math.random, usable);
    const breaker = gw.breakers.of(p, key, c.model);
    const price = gw.pricing?.priceOf(p.name, p.type, c.model, op) ?? null;
    const t0 = obs ? performance.now() : 0;
    breaker.begin();
    try {
      const out = await once(gw, providerCall(op, c, key, gw.config.client.maxUpstreamResponseBytes, ctx?.upstreamHeaders, price), p, req, opts);
      breaker.success();
      gw.keyStats.record(key, false);
      obs?.attempt(p.name, c.model, key.name, t0, null, price);
      return out;
    } catch (err) {
      const e = BifrostError.from(err);
      obs?.attempt(p.name, c.model, key.name, t0, e, price);
      if (countsAsFailure(e)) breaker.failure();
      else breaker.success(); // a 4xx says the key's upstream is alive; don't leave a half-open probe hanging
      if (e.status !== 499) gw.keyStats.record(key, true); // the client leaving is no error of the key
      const verdict = verdictFor(e);
      if (verdict === "stop" || n >= p.maxRetries || opts.signal?.aborted || gw.refusing) throw e;
      const others = !opts.keyName && p.keys.some((k) => k !== key && keyServesModel(k, c.model) && usable(k));
      if (verdict === "drop_key" && !others) throw e;
      if (verdict === "drop_key" || (verdict === "rotate_key" && others)) (dropped ??= new Set()).add(key);
      else await sleep(backoffMs(n, p.retryBackoffInitialMs, p.retryBackoffMaxMs, e.retryAfterMs), opts.signal);
      tally.retries++;
    }
  }
}

/** Everything one attempt needs, for the transport; `headers` are the plugins' additions (rctx.setUpstreamHeader). */
export function providerCall(op: Op, c: Candidate, key: ResolvedKey, maxResponseBytes?: number, headers?: Record<string, string> | null, price?: ModelPrice | null): ProviderCall {
  const p = c.provider;
  const extraHeaders = headers ? { ...p.extraHeaders, ...headers } : p.extraHeaders;
  return {
    op,
    type: p.type,
    target: { provider: p.name, model: c.model, baseUrl: p.baseUrl, apiKey: key.value, extraHeaders, keyConfig: key.config ?? undefined },
    modelRequested: c.requested,
    timeoutMs: op === "listModels" ? Math.min(p.timeoutMs, 10_000) : p.timeoutMs,
    idleTimeoutMs: p.streamIdleTimeoutMs,
    maxResponseBytes,
    price,
  };
}

/** A unary call inside the provider's admission queue. */
async function callOnce(gw: GatewayParts, call: ProviderCall, p: ResolvedProvider, req: unknown, opts: RequestOptions): Promise<Answer> {
  const queue = gw.queues.get(p.name)!;
  const wait = admit(gw, queue, call, opts.signal);
  if (wait) call = await wait;
  try {
    return await gw.transport.call(call, req, opts.signal, takeRawBody(gw, opts));
  } finally {
    queue.release();
  }
}

/** A stream holds its queue slot until it ends, fails or is cancelled. */
async function openStreamOnce(gw: GatewayParts, call: ProviderCall, p: ResolvedProvider, req: unknown, opts: RequestOptions): Promise<ChunkStream> {
  const queue = gw.queues.get(p.name)!;
  const wait = admit(gw, queue, call, opts.signal);
  if (wait) call = await wait;
  let src: ChunkStream;
  try {
    src = await gw.transport.stream(call, req, opts.signal, takeRawBody(gw, opts));
  } catch (e) {
    queue.release();
    throw e;
  }
  let held = true;
  const release = () => {
    if (held) (held = false), queue.release();
  };
  return {
    async next() {
      try {
        const batch = await src.next();
        if (batch === null) release();
        return batch;
      } catch (e) {
        release();
        throw e;
      }
    },
    cancel() {
      src.cancel();
      release();
    },
  };
}

/**
 * A slot in the provider's queue: at once when one is free (no promise on the hot path), else a
 * promise of one. The wait counts toward the request timeout: it is 504 when the timeout passes in
 * the queue, and the call then gets only what is left of it.
 */
function admit(gw: GatewayParts, queue: ProviderQueue, call: ProviderCall, signal?: AbortSignal): Promise<ProviderCall> | null {
  if (gw.refusing) throw shuttingDown();
  if (signal?.aborted) throw aborted();
  const started = performance.now();
  const wait = queue.acquire(signal, call.timeoutMs);
  return wait && wait.then(() => ({ ...call, timeoutMs: Math.max(1, call.timeoutMs - (performance.now() - started)) }));
}

export function shuttingDown(): BifrostError {
  return new BifrostError({ status: 503, type: "server_error", code: "shutting_down", message: "the gateway is shutting down" });
}

/** The worker transport may send the client's bytes once (they are transferred); on this thread they are not needed. */
function takeRawBody(gw: GatewayParts, opts: RequestOptions): ArrayBuffer | undefined {
  if (gw.transport.kind !== "workers") return undefined;
  const raw = opts.rawBody;
  opts.rawBody = undefined;
  return raw;
}

const RESERVED_UPSTREAM_HEADERS = new Set(["authorization", "x-api-key", "api-key", "x-goog-api-key", "host", "content-length", "content-type", "transfer-encoding", "connection", "cookie"]);

/** The plugins' view of the request, and the headers they add to its provider calls. */
interface PathContext extends RequestContext {
  upstreamHeaders: Record<string, string> | null;
  /** The provider keys (by name) a plugin allowed; null: any. */
  allowedKeys: ReadonlySet<string> | null;
}

function requestContext(op: Op, opts: RequestOptions): PathContext {
  let headers: Record<string, string> | null = null;
  return {
    requestId: opts.requestId ?? Bun.randomUUIDv7(),
    op,
    provider: "",
    model: "",
    isFallback: false,
    get headers() {
      return (headers ??= opts.headers ? Object.fromEntries(opts.headers) : {});
    },
    values: new Map(),
    principal: opts.principal ?? null,
    upstreamHeaders: null,
    allowedKeys: null,
    restrictKeys(names) {
      this.allowedKeys = names ? new Set(names) : null;
    },
    setUpstreamHeader(name, value) {
      const k = typeof name === "string" ? name.toLowerCase() : "";
      if (!/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(k) || typeof value !== "string" || /[\r\n]/.test(value)) throw new Error("setUpstreamHeader: a header name and a one-line value");
      // The provider's credentials and framing are the gateway's own.
      if (RESERVED_UPSTREAM_HEADERS.has(k)) throw new Error(`setUpstreamHeader: ${k} is set by the gateway`);
      (this.upstreamHeaders ??= {})[k] = value;
    },
  };
}

/** A served stream the gateway can end with an error (its last event) when shutdown runs out of grace. */
function interruptible<C>(gw: GatewayParts, src: ChunkStream<C>): ChunkStream<C> {
  const live = gw.liveStreams;
  if (!live) return src;
  let cut: BifrostError | null = null;
  let fail: ((e: BifrostError) => void) | null = null;
  const end = (e: BifrostError) => {
    cut = e;
    live.delete(end);
    src.cancel();
    fail?.(e);
  };
  live.add(end);
  return {
    next() {
      if (cut) return Promise.reject(cut);
      return new Promise<C[] | null>((resolve, reject) => {
        fail = reject;
        src.next().then(
          (batch) => {
            fail = null;
            if (batch === null) live.delete(end);
            resolve(batch);
          },
          (e) => {
            fail = null;
            live.delete(end);
            reject(e);
          },
        );
      });
    },
    cancel() {
      live.delete(end);
      src.cancel();
    },
  };
}

/** Chunk hooks on every chunk: a chunk may be rewritten, dropped, or end the stream. */
function withChunkHooks(pipe: Pipeline, ctx: RequestContext, src: ChunkStream): ChunkStream {
  let ended = false;
  return {
    async next() {
      while (!ended) {
        const batch = await src.next();
        if (batch === null) return null;
        const kept: ChatChunk[] = [];
        for (const chunk of batch) {
          const r = pipe.runChunk(chunk, ctx);
          if (r === "end") {
            ended = true;
            src.cancel();
            break;
          }
          if (r) kept.push(r);
        }
        if (kept.length) return kept;
      }
      return null;
    },
    cancel: () => src.cancel(),
  };
}

/** A whole chat answer as a stream of chunks (agent mode's final answer). */
export function replayChunks(res: ChatResponse): ChunkStream {
  return chunksOf(responseAsChunks(res));
}

/** A plugin's stream (or a replayed response) as a ChunkStream. */
function chunksOf<C = ChatChunk>(chunks: AsyncIterable<C> | Iterable<C>): ChunkStream<C> {
  const it = Symbol.asyncIterator in chunks ? (chunks as AsyncIterable<C>)[Symbol.asyncIterator]() : (chunks as Iterable<C>)[Symbol.iterator]();
  return {
    async next() {
      const r = await it.next();
      return r.done ? null : [r.value];
    },
    cancel() {
      void it.return?.();
    },
  };
}

/** A whole response replayed as a stream: one content chunk, then the finish with usage. */
export function responseAsChunks(res: ChatResponse): ChatChunk[] {
  const base = { id: res.id, object: "chat.completion.chunk" as const, created: res.created, model: res.model };
  const extra = res.extra_fields ? { extra_fields: res.extra_fields } : {};
  return res.choices.flatMap((ch) => [
    {
      ...base,
      ...extra,
      choices: [
        {
          index: ch.index,
          delta: {
            role: "assistant" as const,
            content: ch.message.content ?? "",
            ...(ch.message.tool_calls ? { tool_calls: ch.message.tool_calls.map((t, i) => ({ index: i, id: t.id, type: "function" as const, function: t.function })) } : {}),
          },
          finish_reason: null,
        },
      ],
    },
    { ...base, ...extra, choices: [{ index: ch.index, delta: {}, finish_reason: ch.finish_reason }], ...(res.usage ? { usage: res.usage } : {}) },
  ]);
}

/** A whole Response object (a plugin's answer) replayed as a Responses event stream: created, then completed. */
export function responseAsEvents(res: Record<string, unknown>): ResponsesEvent[] {
  return [
    { type: "response.created", sequence_number: 0, response: { ...res, status: "in_progress", output: [] } },
    { type: "response.completed", sequence_number: 1, response: res },
  ];
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(aborted());
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(aborted());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function aborted(): BifrostError {
  return new BifrostError({ status: 499, code: "client_closed_request", message: "request aborted" });
}
