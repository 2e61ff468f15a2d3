/**
 * The gateway as an object: the same thing the HTTP server serves and the TypeScript SDK exposes.
 * A request is validated, routed to a provider and key, admitted by the provider's queue, and run
 * by the transport (Bun Workers or this thread); failures are retried, rotated and fallen back
 * per the Go Bifrost's rules (src/core/resilience.ts).
 */
import { configFromEnv, loadConfigFile, resolveConfig } from "../config/load";
import type { ResolvedConfig, ResolvedKey, ResolvedProvider } from "../config/resolved";
import type { BifrostConfig } from "../config/schema";
import { log } from "../log";
import { getAdapter } from "../providers";
import type { ChatChunk, ChatRequest, ChatResponse } from "../schemas/chat";
import type { EmbeddingRequest, EmbeddingResponse } from "../schemas/embeddings";
import { BifrostError } from "../schemas/error";
import type { ModelEntry, ModelList } from "../schemas/models";
import { validateChatRequest, validateEmbeddingRequest } from "../schemas/requests";
import { StreamCall, UnaryCall, type BytesResult } from "../workers/calls";
import { validateImageRequest, validateRerankRequest, validateSpeechRequest, validateTextCompletionRequest, validateTranscriptionRequest } from "../schemas/requests";
import { EnvelopePool } from "../workers/envelope-pool";
import { InProcessTransport } from "../workers/in-process";
import { WorkerPoolTransport } from "../workers/pool";
import type { CallHeader } from "../workers/protocol";
import { OP_REQUEST_TYPE, type Op } from "../schemas/ops";
import type { Transport } from "../workers/transport";
import { ProviderQueue } from "./provider-queue";
import { Resilience, type Candidate } from "./resilience";
import { resolveModel, unroutedProvider } from "./router";
import { extraHeadersJson, keyConfigJson, registerKeySecrets } from "./call-settings";
import { Pipeline } from "../plugins/pipeline";
import type { AnyRequest, Op as PluginOp, PluginDefinition, RequestContext } from "../plugins/types";
import { PluginHost } from "../plugins/host";
import { streamTurn, unaryTurn, type TurnDeps } from "./plugin-turn";

export interface RequestOptions {
  signal?: AbortSignal;
  /** Pick the key by name (header x-bf-api-key-id). */
  keyName?: string | null;
  /** The request's original JSON bytes, when unchanged since parsing: spares a re-serialisation. */
  rawBody?: ArrayBuffer;
  /** Incoming HTTP headers, for plugins (RequestContext.headers). */
  headers?: Headers;
  requestId?: string;
}

export interface CreateOptions {
  env?: Record<string, string | undefined>;
  /** Override client.worker_pool_size: 0 runs provider calls on this thread. */
  workers?: number;
  /** Where plugin packages live (default: the plugins/ folder beside src/). */
  pluginsDir?: string;
  /** What relative plugins[].path values are relative to (default: the current directory). */
  baseDir?: string;
  /** Plugins given as code, by the name plugins[] uses for them. */
  plugins?: Record<string, PluginDefinition>;
}

export const DEFAULT_PLUGINS_DIR = new URL("../../plugins", import.meta.url).pathname;

/** A unary answer as the HTTP layer needs it: the canonical JSON text (or audio bytes) and how many retries it took. */
export interface RawResult {
  json: string;
  retries: number;
  bytes?: BytesResult | null;
}

/** A stream that has started: batches of "\n"-joined canonical chunk JSONs. */
export interface ChunkSource {
  next(): Promise<string | null>;
  cancel(): void;
  readonly retries: number;
}

const encoder = new TextEncoder();
let nextId = 1;


export class Bifrost {
  private readonly queues = new Map<string, ProviderQueue>();
  private readonly resilience: Resilience;
  private readonly envelopes: EnvelopePool;
  private closed = false;
  /** The compiled plugin pipeline; swapped whole on reload, so a request keeps the one it started with. */
  pipeline: Pipeline = Pipeline.EMPTY;
  /** The loaded plugins (their state, reconfiguration). */
  plugins!: PluginHost;

  private constructor(
    readonly config: ResolvedConfig,
    private readonly transport: Transport,
  ) {
    for (const p of config.providers.values()) {
      this.queues.set(p.name, new ProviderQueue(p.name, p.concurrency, p.bufferSize, config.client.dropExcessRequests));
      for (const k of p.keys) registerKeySecrets(k);
    }
    this.resilience = new Resilience(() => this.closed);
    this.envelopes = new EnvelopePool(config.client.initialPoolSize);
  }

  /** From a config object (Go Bifrost's config.json shape), a path to one, or nothing (the environment). */
  static async create(config?: BifrostConfig | string | ResolvedConfig, opts: CreateOptions = {}): Promise<Bifrost> {
    const env = opts.env ?? process.env;
    const resolved =
      config === undefined
        ? configFromEnv(env)
        : typeof config === "string"
          ? await loadConfigFile(config, env)
          : isResolved(config)
            ? config
            : resolveConfig(config, env);
    // In-process by default: bench/load.ts measured the worker hop costing more than it gives (see README).
    const n = opts.workers ?? resolved.client.workerPoolSize ?? 0;
    const transport: Transport = n > 0 ? new WorkerPoolTransport(n) : new InProcessTransport();
    const bf = new Bifrost(resolved, transport);
    bf.plugins = new PluginHost({
      pluginsDir: opts.pluginsDir ?? DEFAULT_PLUGINS_DIR,
      baseDir: opts.baseDir ?? process.cwd(),
      onSwap: (p) => bf.setPipeline(p),
      inline: new Map(Object.entries(opts.plugins ?? {})),
    });
    try {
      await bf.plugins.load(resolved.plugins);
    } catch (e) {
      await bf.shutdown();
      throw e;
    }
    return bf;
  }

  get transportKind() {
    return this.transport.kind;
  }

  providers(): ResolvedProvider[] {
    return [...this.config.providers.values()];
  }

  queueStats(provider: string) {
    const q = this.queues.get(provider);
    return q ? { in_flight: q.inFlight, queued: q.queued, concurrency: q.concurrency, buffer_size: q.bufferSize } : null;
  }

  /** The state of every provider key's circuit (names only, never values). */
  circuitStates(provider: ResolvedProvider) {
    return provider.keys.map((k) => ({ key: k.name, ...this.resilience.breaker(provider, k).snapshot() }));
  }

  // ── the SDK surface ────────────────────────────────────────────────

  async chat(req: ChatRequest, opts: RequestOptions = {}): Promise<ChatResponse> {
    return JSON.parse((await this.chatRaw(req, opts)).json);
  }

  async *chatStream(req: ChatRequest, opts: RequestOptions = {}): AsyncGenerator<ChatChunk> {
    const src = await this.openChatStream(req, opts);
    try {
      for (let batch = await src.next(); batch !== null; batch = await src.next()) {
        for (const line of batch.split("\n")) yield JSON.parse(line);
      }
    } finally {
      src.cancel();
    }
  }

  async embeddings(req: EmbeddingRequest, opts: RequestOptions = {}): Promise<EmbeddingResponse> {
    return JSON.parse((await this.embeddingsRaw(req, opts)).json);
  }

  /** Every configured provider's models, as `provider/model`. A provider that fails is listed from its keys' model lists. */
  async listModels(opts: RequestOptions = {}): Promise<ModelList> {
    const lists = await Promise.all(this.providers().map((p) => this.providerModels(p, opts)));
    return { object: "list", data: lists.flat() };
  }

  // ── the raw surface (HTTP uses it: no parse/stringify of the answer) ─

  chatRaw(req: unknown, opts: RequestOptions = {}): Promise<RawResult> {
    const body = validateChatRequest(req);
    return this.unary("chat", body, opts);
  }

  embeddingsRaw(req: unknown, opts: RequestOptions = {}): Promise<RawResult> {
    const body = validateEmbeddingRequest(req);
    return this.unary("embeddings", body, opts);
  }

  rerankRaw(req: unknown, opts: RequestOptions = {}): Promise<RawResult> {
    return this.unary("rerank", validateRerankRequest(req), opts);
  }

  imageGenerationRaw(req: unknown, opts: RequestOptions = {}): Promise<RawResult> {
    return this.unary("imageGeneration", validateImageRequest(req), opts);
  }

  transcriptionRaw(req: unknown, opts: RequestOptions = {}): Promise<RawResult> {
    return this.unary("transcription", validateTranscriptionRequest(req), opts);
  }

  /** Text to speech: the answer's `bytes` hold the audio. */
  speechRaw(req: unknown, opts: RequestOptions = {}): Promise<RawResult> {
    return this.unary("speech", validateSpeechRequest(req), opts);
  }

  /** Resolves once an upstream accepted the stream (after retries and fallbacks); rejects with the primary's error otherwise. */
  openChatStream(req: unknown, opts: RequestOptions = {}): Promise<ChunkSource> {
    return this.stream("chatStream", validateChatRequest(req), opts);
  }

  /** Does the provider `model` names serve /v1/completions itself (rather than through chat)? */
  servesTextCompletions(model: unknown): boolean {
    if (typeof model !== "string") return false;
    try {
      return getAdapter(resolveModel(model, this.config.providers).provider.type).capabilities.has("textCompletion");
    } catch {
      return false;
    }
  }

  /** Native legacy completions (the raw prompt, no chat template), for providers that serve them. */
  textCompletionRaw(req: unknown, opts: RequestOptions = {}): Promise<RawResult> {
    return this.unary("textCompletion", validateTextCompletionRequest(req), opts);
  }

  openTextCompletionStream(req: unknown, opts: RequestOptions = {}): Promise<ChunkSource> {
    return this.stream("textCompletionStream", validateTextCompletionRequest(req), opts);
  }

  private async stream(op: "chatStream" | "textCompletionStream", body: AnyRequest, opts: RequestOptions): Promise<ChunkSource> {
    const candidates = this.candidates(op, body.model, body.fallbacks);
    const pipe = this.pipeline;
    if (pipe.empty) return this.resilience.run(candidates, opts, (c, key, retries) => this.streamOnce(op, c, key, body, opts, retries));
    const d = this.turn(pipe, op === "chatStream" ? "chatStream" : "textCompletion", body, opts);
    return this.resilience.run(candidates, opts, (c, key, retries) => this.streamOnce(op, c, key, d.state.body, this.rawIf(d, opts), retries), streamTurn(d));
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.plugins?.cleanup();
    await this.transport.close();
  }

  // ── internals ──────────────────────────────────────────────────────

  private unary(op: Exclude<Op, "chatStream" | "textCompletionStream" | "listModels">, body: AnyRequest, opts: RequestOptions): Promise<RawResult> {
    const candidates = this.candidates(op, body.model, body.fallbacks as string[] | undefined);
    const pipe = this.pipeline;
    // Audio bytes have no JSON for post-hooks to read: speech skips the pipeline.
    if (pipe.empty || op === "speech") return this.resilience.run(candidates, opts, async (c, key, retries) => ({ ...(await this.unaryOnce(op, c, key, body, opts)), retries }));
    const d = this.turn(pipe, op, body, opts);
    let retries = 0;
    return this.resilience.run(
      candidates,
      opts,
      async (c, key, n) => ({ ...(await this.unaryOnce(op, c, key, d.state.body, this.rawIf(d, opts))), retries: (retries = n) }),
      unaryTurn(d, (json) => ({ json, retries })),
    );
  }

  private turn(pipeline: Pipeline, op: Exclude<Op, "listModels" | "textCompletionStream">, body: AnyRequest, opts: RequestOptions): TurnDeps {
    let headers: Record<string, string> | null = null;
    const ctx: RequestContext = {
      requestId: opts.requestId ?? crypto.randomUUID(),
      op: op as PluginOp,
      provider: "",
      model: "",
      isFallback: false,
      get headers() {
        return (headers ??= opts.headers ? Object.fromEntries(opts.headers) : {});
      },
      values: new Map(),
    };
    const kind: Op = op;
    return { pipeline, ctx, state: { body, pristine: true }, reroute: (model) => this.candidate(kind, model) };
  }

  /** The client's bytes serve only while no plugin rewrote the request. */
  private rawIf(d: TurnDeps, opts: RequestOptions): RequestOptions {
    return d.state.pristine ? opts : { ...opts, rawBody: undefined };
  }

  /** Load plugins' hooks into the request path (and swap them on reload). */
  setPipeline(p: Pipeline): void {
    this.pipeline = p;
  }

  /** The primary and its fallbacks, each routed and checked up front (a bad fallback is the caller's 400). */
  private candidates(op: Op, model: string, fallbacks?: string[]): Candidate[] {
    const out = [this.candidateOrUnrouted(op, model)];
    for (const f of fallbacks ?? []) out.push(this.candidateOrUnrouted(op, f));
    return out;
  }

  /** With pre-hooks loaded, a model no provider serves may still be answered by a plugin: routing fails later, if at all. */
  private candidateOrUnrouted(op: Op, requested: string): Candidate {
    try {
      return this.candidate(op, requested);
    } catch (e) {
      if (!this.pipeline.hasPre || !(e instanceof BifrostError) || e.status !== 400) throw e;
      const slash = requested.indexOf("/");
      const name = slash > 0 ? requested.slice(0, slash) : "";
      return { op, provider: unroutedProvider(name), model: slash > 0 ? requested.slice(slash + 1) : requested, requested, unrouted: e };
    }
  }

  private candidate(op: Op, requested: string): Candidate {
    const { provider, model } = resolveModel(requested, this.config.providers);
    const adapter = getAdapter(provider.type);
    const allowed = provider.allowedRequests?.[OP_REQUEST_TYPE[op]];
    if (!adapter.capabilities.has(op) || allowed === false) {
      throw BifrostError.badRequest(`provider ${provider.name} does not support ${OP_REQUEST_TYPE[op].replace(/_/g, " ")}`, "model", "unsupported_operation");
    }
    return { op, provider, model, requested };
  }

  private async admit(queue: ProviderQueue, signal?: AbortSignal): Promise<void> {
    if (this.closed) throw new BifrostError({ status: 503, type: "server_error", code: "shutting_down", message: "the gateway is shutting down" });
    if (signal?.aborted) throw new BifrostError({ status: 499, code: "client_closed_request", message: "request aborted" });
    const wait = queue.acquire(signal);
    if (wait) await wait;
  }

  private async unaryOnce(op: Op, c: Candidate, key: ResolvedKey, body: unknown, opts: RequestOptions): Promise<{ json: string; bytes: BytesResult | null }> {
    const queue = this.queues.get(c.provider.name)!;
    await this.admit(queue, opts.signal);
    const header = this.header(op, c, key);
    const id = header.id;
    const call = new UnaryCall();
    const cancel = () => this.transport.abort(id);
    opts.signal?.addEventListener("abort", cancel, { once: true });
    try {
      this.transport.dispatch(header, this.bodyBytes(body, opts), call);
      const json = await call.result;
      return { json, bytes: call.bytesResult };
    } finally {
      opts.signal?.removeEventListener("abort", cancel);
      this.envelopes.release(header);
      queue.release();
    }
  }

  private async streamOnce(op: "chatStream" | "textCompletionStream", c: Candidate, key: ResolvedKey, body: unknown, opts: RequestOptions, retries: number): Promise<ChunkSource> {
    const queue = this.queues.get(c.provider.name)!;
    await this.admit(queue, opts.signal);
    const header = this.header(op, c, key);
    const id = header.id;
    const call = new StreamCall();
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      opts.signal?.removeEventListener("abort", cancel);
      this.envelopes.release(header);
      queue.release();
    };
    const cancel = () => {
      this.transport.abort(id);
      release();
    };
    opts.signal?.addEventListener("abort", cancel, { once: true });
    this.transport.dispatch(header, this.bodyBytes(body, opts), call);
    try {
      await call.started;
    } catch (e) {
      release();
      throw e;
    }
    return {
      retries,
      next: async () => {
        try {
          const batch = await call.next();
          if (batch === null) release();
          return batch;
        } catch (e) {
          release();
          throw e;
        }
      },
      cancel,
    };
  }

  /** A pooled envelope, filled in; released when the call is over. */
  private header(op: Op, c: Candidate, key: ResolvedKey): CallHeader {
    const p = c.provider;
    const h = this.envelopes.acquire();
    h.id = nextId++;
    h.op = op;
    h.type = p.type;
    h.provider = p.name;
    h.model = c.model;
    h.modelRequested = c.requested;
    h.baseUrl = p.baseUrl;
    h.apiKey = key.value;
    h.keyConfig = keyConfigJson(key);
    h.extraHeaders = extraHeadersJson(p);
    h.timeoutMs = op === "listModels" ? Math.min(p.timeoutMs, 10_000) : p.timeoutMs;
    h.idleTimeoutMs = p.streamIdleTimeoutMs;
    return h;
  }

  /** The client's own bytes when they can serve (the adapter takes the model from the header); JSON otherwise. */
  private bodyBytes(body: unknown, opts: RequestOptions): ArrayBuffer {
    // A transferred buffer is gone after one dispatch; retries and fallbacks serialise afresh.
    const raw = opts.rawBody;
    if (raw && raw.byteLength > 0) {
      opts.rawBody = undefined;
      return raw;
    }
    return encoder.encode(JSON.stringify(body)).buffer as ArrayBuffer;
  }

  private async providerModels(p: ResolvedProvider, opts: RequestOptions): Promise<ModelEntry[]> {
    // A key's models, and the models its deployments map names (Azure's azure_key_config.deployments).
    const fromKeys = (): ModelEntry[] =>
      [...new Set(p.keys.flatMap((k) => [...(k.models ?? []), ...Object.keys((k.config?.deployments as object) ?? {})]))].map((m) => ({
        id: `${p.name}/${m}`,
        object: "model",
        created: 0,
        owned_by: p.name,
      }));
    if (!getAdapter(p.type).capabilities.has("listModels")) return fromKeys();
    try {
      const c: Candidate = { op: "listModels", provider: p, model: "", requested: "" };
      const listed: ModelEntry[] = JSON.parse((await this.unaryOnce("listModels", c, p.keys[0]!, null, { signal: opts.signal })).json);
      const allowed = p.keys.some((k) => k.models === null) ? null : new Set(p.keys.flatMap((k) => k.models ?? []));
      const seen = new Set(listed.map((m) => m.id));
      const extra = fromKeys().filter((m) => !seen.has(m.id));
      return [...(allowed ? listed.filter((m) => allowed.has(m.id.slice(p.name.length + 1))) : listed), ...extra];
    } catch (e) {
      log.warn("could not list models", { provider: p.name, status: (e as BifrostError).status, error: (e as Error).message });
      return fromKeys();
    }
  }
}

function isResolved(c: unknown): c is ResolvedConfig {
  return !!c && typeof c === "object" && (c as any).providers instanceof Map;
}
