/**
 * The gateway as an object: the same thing the HTTP server serves and the TypeScript SDK exposes.
 * It holds what outlives a request (config, provider queues, circuits, the transport, the plugin
 * pipeline); a request's path is src/core/request-path.ts.
 */
import type { BatchService } from "../batches/service";
import { configFromEnv, loadConfigFile, resolveConfig } from "../config/load";
import type { SessionStore } from "../auth/sessions";
import type { ResolvedConfig, ResolvedKey, ResolvedProvider } from "../config/resolved";
import type { BifrostConfig } from "../config/schema";
import { log } from "../log";
import { PluginHost } from "../plugins/host";
import { BUILTIN_PLUGINS_DIR } from "../plugins/manifest";
import { Pipeline } from "../plugins/pipeline";
import type { AnyRequest, Caller, GatewayRuntime, McpCallResult, PluginDefinition, RequestSummary } from "../plugins/types";
import { PricingCatalog } from "../pricing/catalog";
import { pluginPricing } from "../pricing/plugin-pricing";
import { LiveFeed } from "./live-feed";
import { observeExternal, type ExternalRequest } from "./observation";
import { agentLoop, mcpFilterOf, servesMcp, withMcpTools, withResponsesTools } from "../mcp/agent";
import type { McpManager, McpTool } from "../mcp/types";
import { parseMcpConfig } from "../mcp/config";
import { createMcpManager } from "../mcp/manager";
import { callerOf } from "../plugins/caller";
import { getAdapter } from "../providers";
import type { ChatChunk, ChatRequest, ChatResponse } from "../schemas/chat";
import type { EmbeddingRequest, EmbeddingResponse } from "../schemas/embeddings";
import { BifrostError } from "../schemas/error";
import type { ModelEntry, ModelList } from "../schemas/models";
import type { TokenCountResponse } from "../schemas/tokens";
import type { Op, StreamOp, UnaryOp } from "../schemas/ops";
import { validateRequest } from "../schemas/requests";
import { WorkerPoolTransport } from "../workers/pool";
import { registerProviderSecrets } from "./key-secrets";
import { CircuitBreakers } from "./circuit-breaker";
import { KeyStats } from "./key-stats";
import { LiveConfig } from "./live-config";
import { callProvider } from "./provider-call";
import { ProviderQueue } from "./provider-queue";
import { providerCall, replayChunks, runRequest, type GatewayParts, type RequestOptions, type Streamed, type Unary } from "./request-path";
import { resolveModel } from "./router";
import { inProcessTransport, type ProviderTransport } from "./transport";

export type { RequestOptions, Streamed, Unary };

export interface CreateOptions {
  env?: Record<string, string | undefined>;
  /** Override client.worker_pool_size: 0 runs provider calls on this thread. */
  workers?: number;
  /** Where plugin packages live, searched in order (default: the plugins/ folder beside src/). */
  pluginsDir?: string | readonly string[];
  /** What relative plugins[].path values are relative to (default: the current directory). */
  baseDir?: string;
  /** Plugins given as code, by the name plugins[] uses for them. */
  plugins?: Record<string, PluginDefinition>;
}

export const DEFAULT_PLUGINS_DIR = BUILTIN_PLUGINS_DIR;

export class Bifrost implements GatewayParts {
  readonly queues = new Map<string, ProviderQueue>();
  readonly breakers = new CircuitBreakers();
  readonly keyStats = new KeyStats();
  closed = false;
  /** Set once the shutdown grace period is over: no request is admitted any more. */
  private cutOff = false;
  /** The streams being served, each to be ended with an error when the grace period runs out. */
  readonly liveStreams = new Set<(e: BifrostError) => void>();
  /** The compiled plugin pipeline; swapped whole on reload, so a request keeps the one it started with. */
  pipeline: Pipeline = Pipeline.EMPTY;
  /** The loaded plugins (their state, reconfiguration). */
  plugins!: PluginHost;

  /** Runtime changes (management API, config store, SIGHUP) go through here. */
  live!: LiveConfig;

  /** Admin sessions shared with the other processes (set by the server when a database holds them); null: each app keeps its own in memory. */
  sessions: SessionStore | null = null;

  /** Requests in flight while a plugin observes them (the active-requests gauge). */
  activeRequests = 0;
  /** Model prices (the catalog, and each provider's pricing_overrides over it): every answer's cost. */
  pricing: PricingCatalog;
  /** Connected MCP servers (mcp.client_configs): their tools offered to models, agent mode; null without. */
  mcp: McpManager | null = null;
  /** The Files and Batch APIs (src/batches), started by the server (startBatches); null: not served. */
  batches: BatchService | null = null;
  /** The live feed (GET /ws): plugins' ctx.broadcast lands here; the HTTP app delivers it. */
  readonly feed = new LiveFeed();

  private constructor(
    readonly config: ResolvedConfig,
    readonly transport: ProviderTransport,
  ) {
    for (const p of config.providers.values()) {
      this.queues.set(p.name, this.queueFor(p));
      registerProviderSecrets(p);
    }
    this.pricing = pricingFor(config.providers);
  }

  // ── live changes: a request reads config.providers once and keeps the objects it found ──

  /** Add or replace a provider for the next request; requests in flight finish on the objects they started with. */
  setProvider(next: ResolvedProvider): void {
    const old = this.config.providers.get(next.name);
    // An unchanged key keeps its object, and so its circuit (breakers are keyed by the key object).
    if (old) next.keys = next.keys.map((k) => old.keys.find((o) => sameKey(o, k)) ?? k);
    registerProviderSecrets(next);
    const q = this.queues.get(next.name);
    // A queue with new limits replaces the old, which drains the calls it admitted.
    if (!q || q.concurrency !== next.concurrency || q.bufferSize !== next.bufferSize) this.queues.set(next.name, this.queueFor(next));
    const providers = new Map(this.config.providers);
    providers.set(next.name, next);
    this.config.providers = providers;
    this.pricing = pricingFor(providers);
  }

  /** Remove a provider for the next request. Its queue stays: a request in flight on it may still retry through it. */
  removeProvider(name: string): boolean {
    if (!this.config.providers.has(name)) return false;
    const providers = new Map(this.config.providers);
    providers.delete(name);
    this.config.providers = providers;
    this.pricing = pricingFor(providers);
    return true;
  }

  /** client.drop_excess_requests, live: new queues for the next admissions. */
  setDropExcessRequests(drop: boolean): void {
    if (this.config.client.dropExcessRequests === drop) return;
    this.config.client.dropExcessRequests = drop;
    for (const p of this.config.providers.values()) this.queues.set(p.name, this.queueFor(p));
  }

  private queueFor(p: ResolvedProvider): ProviderQueue {
    return new ProviderQueue(p.name, p.concurrency, p.bufferSize, this.config.client.dropExcessRequests);
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
    // On this thread by default: bench/load.ts measured the worker hop costing more than it gives (see README).
    const n = opts.workers ?? resolved.client.workerPoolSize ?? 0;
    // The mcp section is checked before anything starts: a bad one stops start-up with its paths.
    const mcpConfig = parseMcpConfig(resolved.raw?.mcp, env);
    const bf = new Bifrost(resolved, n > 0 ? new WorkerPoolTransport(n) : inProcessTransport);
    bf.live = new LiveConfig(bf, resolved.raw ?? {}, env);
    bf.plugins = new PluginHost({
      pluginsDir: opts.pluginsDir ?? DEFAULT_PLUGINS_DIR,
      baseDir: opts.baseDir ?? process.cwd(),
      onSwap: (p) => (bf.pipeline = p),
      inline: new Map(Object.entries(opts.plugins ?? {})),
      runtime: bf.runtime(),
      broadcast: (m) => bf.feed.publish(m),
      // The current catalog (rebuilt when providers change), and each provider's adapter type.
      pricing: pluginPricing(() => bf.pricing, (name) => bf.config.providers.get(name)?.type ?? name),
      gateway: { request: async (op, body, headers) => (await bf.request(op, body, { headers: new Headers(headers ?? {}) })).answer.value },
    });
    try {
      await bf.plugins.load(resolved.plugins);
    } catch (e) {
      await bf.shutdown();
      throw e;
    }
    // MCP servers connect in the background: start-up does not wait for them.
    const client = (resolved.raw?.client ?? {}) as { mcp_tool_execution_timeout?: unknown; mcp_agent_depth?: unknown };
    bf.mcp = createMcpManager(mcpConfig, env, {
      ...(typeof client.mcp_tool_execution_timeout === "number" ? { toolExecutionTimeoutMs: client.mcp_tool_execution_timeout * 1000 } : {}),
      ...(typeof client.mcp_agent_depth === "number" ? { maxAgentDepth: client.mcp_agent_depth } : {}),
    });
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

  /** The state of each key+model circuit of a provider, for models that had traffic (key names only, never values). */
  circuitStates(provider: ResolvedProvider) {
    return provider.keys.flatMap((k) => this.breakers.models(k).map(([model, b]) => ({ key: k.name, model, ...b.snapshot() })));
  }

  /** Each key's requests and errors in the last minutes (key names only, never values). */
  keyStatsOf(provider: ResolvedProvider) {
    return provider.keys.map((k) => ({ key: k.name, ...this.keyStats.totals(k) }));
  }

  /** What plugins see of the running gateway (ctx.runtime). */
  private runtime(): GatewayRuntime {
    return {
      providers: () => [...this.config.providers.keys()],
      activeRequests: () => this.activeRequests,
      queues: () => [...this.queues.values()].map((q) => ({ provider: q.provider, inFlight: q.inFlight, queued: q.queued })),
      keys: () =>
        this.providers().flatMap((p) =>
          p.keys.flatMap((k) => {
            const models = this.breakers.models(k);
            if (!models.length) return [{ provider: p.name, key: k.name, model: "", up: true }];
            return models.map(([model, b]) => ({ provider: p.name, key: k.name, model, up: b.snapshot().state !== "open" }));
          }),
        ),
    };
  }

  // ── one request: validated, then down its path ─────────────────────

  /** A request with one answer (chat, embeddings, rerank, …); `body` is validated for `op`. */
  request(op: UnaryOp, body: unknown, opts: RequestOptions = {}): Promise<Unary> {
    const req = validateRequest(op, body) as AnyRequest;
    // MCP only when a client is configured: otherwise a request pays nothing for it.
    if (op === "chat" && this.mcp?.clientCount && servesMcp(req)) return this.mcpChat(req, opts);
    if (op === "responses" && this.mcp?.clientCount) return this.mcpResponses(req, opts).then((r) => runRequest(this, op, r, opts));
    return runRequest(this, op, req, opts);
  }

  /** A streamed request: resolves once an upstream (or a plugin) started the stream, after retries and fallbacks. */
  stream(op: StreamOp, body: unknown, opts: RequestOptions = {}): Promise<Streamed> {
    const req = validateRequest(op, body) as AnyRequest;
    if (op === "chatStream" && this.mcp?.clientCount && servesMcp(req)) return this.mcpChatStream(req, opts);
    if (op === "responsesStream" && this.mcp?.clientCount) return this.mcpResponses(req, opts).then((r) => runRequest(this, op, r, opts));
    return runRequest(this, op, req, opts);
  }

  // ── MCP: connected servers' tools offered to the model; agent mode (src/mcp/agent.ts) ──

  /**
   * The MCP tools this request may use: the x-bf-mcp-include-* headers' choice, within what the
   * plugins' mcpAccess allows the caller (a virtual key's mcp_configs); and the request with them added.
   */
  private async mcpTools(opts: RequestOptions): Promise<McpTool[]> {
    const mcp = this.mcp!;
    let tools = mcp.tools(mcpFilterOf((name) => opts.headers?.get(name)));
    if (tools.length && this.pipeline.hasMcpAccess) {
      const access = await this.pipeline.runMcpAccess(callerOf(opts.headers ?? {}));
      if (access) {
        const allowed = new Set(mcp.tools(access).map((t) => t.name));
        tools = tools.filter((t) => allowed.has(t.name));
      }
    }
    return tools;
  }

  private async mcpRequest(req: ChatRequest, opts: RequestOptions): Promise<{ tools: McpTool[]; req: ChatRequest }> {
    const tools = await this.mcpTools(opts);
    return { tools, req: this.config.client.mcpDisableAutoToolInject ? req : withMcpTools(req, tools) };
  }

  /** A Responses request gets the tools as Responses function tools (agent mode serves chat requests). */
  private async mcpResponses(req: AnyRequest, opts: RequestOptions): Promise<AnyRequest> {
    if (this.config.client.mcpDisableAutoToolInject) return req;
    const tools = await this.mcpTools(opts);
    if (!tools.length) return req;
    opts.rawBody = undefined;
    return withResponsesTools(req, tools);
  }

  private async mcpChat(body: ChatRequest, opts: RequestOptions): Promise<Unary> {
    const { tools, req } = await this.mcpRequest(body, opts);
    if (!tools.some((t) => t.autoExecute)) return runRequest(this, "chat", req as AnyRequest, { ...opts, rawBody: tools.length ? undefined : opts.rawBody });
    return this.agentRounds(req, tools, opts);
  }

  private async mcpChatStream(body: ChatRequest, opts: RequestOptions): Promise<Streamed> {
    const { tools, req } = await this.mcpRequest(body, opts);
    if (!tools.some((t) => t.autoExecute)) return runRequest(this, "chatStream", req as AnyRequest, { ...opts, rawBody: tools.length ? undefined : opts.rawBody });
    // The rounds run without streaming; the final answer streams.
    const { answer, retries } = await this.agentRounds({ ...req, stream: false }, tools, opts);
    return { chunks: replayChunks(answer.value as ChatResponse), retries };
  }

  /**
   * Run one MCP tool, through the plugins' preMcp/postMcp (agent mode, /v1/mcp/tool/execute, the /mcp
   * server). `record`: a run of its own (not a model's round) is a request of its own for the observers (op mcpTool).
   */
  async executeMcp(name: string, args: Record<string, unknown>, caller: Caller, signal?: AbortSignal, record = false): Promise<McpCallResult> {
    const mcp = this.mcp;
    if (!mcp) throw new BifrostError({ status: 404, type: "not_found_error", code: "mcp_not_configured", message: "no MCP servers are configured (mcp.client_configs)" });
    const pipe = this.pipeline;
    const startedAt = Date.now();
    const t0 = performance.now();
    let result: McpCallResult | null = null;
    let error: BifrostError | null = null;
    try {
      return (result = await pipe.runMcp({ name, arguments: args }, caller, (c) => mcp.execute(c.name, c.arguments, signal)));
    } catch (e) {
      throw (error = BifrostError.from(e));
    } finally {
      if (record && pipe.hasRequestEnd) void pipe.runRequestEnd(mcpSummary(name, args, caller, startedAt, performance.now() - t0, result, error));
    }
  }

  /** Agent mode: rounds of non-streaming chat calls, each its own request (its id suffixed from the second on). */
  private async agentRounds(req: ChatRequest, tools: McpTool[], opts: RequestOptions): Promise<Unary> {
    let retries = 0;
    let last: Unary | null = null;
    let round = 0;
    const caller = callerOf(opts.headers ?? {});
    // Each round's record lists the tools run for it (their names, latency, failure).
    let ran: NonNullable<RequestOptions["toolCalls"]> = [];
    await agentLoop(
      async (name, args) => {
        const r = await this.executeMcp(name, args, caller, opts.signal);
        ran.push({ name, latencyMs: r.latencyMs, isError: r.isError });
        return r;
      },
      this.mcp!.maxAgentDepth,
      req,
      tools,
      async (r) => {
        round++;
        const id = opts.requestId && round > 1 ? `${opts.requestId}-${round}` : opts.requestId;
        const toolCalls = ran;
        ran = [];
        last = await runRequest(this, "chat", r as AnyRequest, { ...opts, rawBody: undefined, requestId: id, toolCalls });
        retries += last.retries;
        return last.answer.value as ChatResponse;
      },
    );
    return { answer: last!.answer, retries };
  }

  // ── the SDK surface ────────────────────────────────────────────────

  async chat(req: ChatRequest, opts: RequestOptions = {}): Promise<ChatResponse> {
    return (await this.request("chat", req, opts)).answer.value;
  }

  async *chatStream(req: ChatRequest, opts: RequestOptions = {}): AsyncGenerator<ChatChunk> {
    const { chunks } = await this.stream("chatStream", req, opts);
    try {
      for (let batch = await chunks.next(); batch !== null; batch = await chunks.next()) yield* batch;
    } finally {
      chunks.cancel();
    }
  }

  async embeddings(req: EmbeddingRequest, opts: RequestOptions = {}): Promise<EmbeddingResponse> {
    return (await this.request("embeddings", req, opts)).answer.value;
  }

  /** The prompt's input tokens: the provider's own count where it has one, else the gateway's estimate (extra_fields.estimated). */
  async countTokens(req: ChatRequest, opts: RequestOptions = {}): Promise<TokenCountResponse> {
    return (await this.request("countTokens", req, opts)).answer.value;
  }

  /**
   * Every configured provider's models, as `provider/model`. A provider that fails is listed from its keys'
   * model lists. Plugins may narrow the list to what the caller may use (a virtual key's models).
   */
  async listModels(opts: RequestOptions = {}): Promise<ModelList> {
    const pipe = this.pipeline;
    const lists = await Promise.all(this.providers().map((p) => this.providerModels(p, opts)));
    const data = pipe.hasListModels ? await pipe.runListModels(lists.flat(), callerOf(opts.headers ?? {})) : lists.flat();
    return { object: "list", data };
  }

  /**
   * A request a provider ran on its own (a line of a native batch), reported to the plugins' onRequestEnd
   * as if it had ended here (RequestSummary.external): logged, counted, and charged to its principal.
   * Resolves when the observers are done with it.
   */
  observeExternal(x: ExternalRequest): Promise<void> {
    return observeExternal(this.pipeline, x);
  }

  /** Does the provider `model` names serve /v1/completions itself (rather than through chat)? */
  servesTextCompletions(model: unknown): boolean {
    return this.routedProvider(model)?.serves("textCompletion") ?? false;
  }

  /** The configured provider `model` names (null when it names none), and whether it serves an operation itself. */
  routedProvider(model: unknown): { name: string; serves(op: Op): boolean } | null {
    if (typeof model !== "string") return null;
    try {
      const p = resolveModel(model, this.config.providers).provider;
      return { name: p.name, serves: (op) => getAdapter(p.type).capabilities.has(op) };
    } catch {
      return null;
    }
  }

  /** Admission is over once shutdown began or the grace period ran out. */
  get refusing(): boolean {
    return this.closed || this.cutOff;
  }

  /**
   * The shutdown grace period is over: every queued request is answered 503 and every live stream
   * ends with an error event (instead of a cut connection), before the server closes what is left.
   */
  interrupt(): void {
    this.cutOff = true;
    const err = () => new BifrostError({ status: 503, type: "server_error", code: "shutting_down", message: "the gateway is shutting down (the grace period ran out)" });
    for (const q of this.queues.values()) q.rejectAll(err());
    for (const cut of [...this.liveStreams]) cut(err());
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Gateway-run batch lines in flight are aborted first (the next start runs them again).
    await this.batches?.stop();
    await this.live?.close();
    await this.mcp?.close();
    await this.plugins?.cleanup();
    await this.transport.close();
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
      const call = providerCall("listModels", { provider: p, model: "", requested: "" }, p.keys[0]!, this.config.client.maxUpstreamResponseBytes);
      const listed: ModelEntry[] = (await callProvider(call, null, opts.signal)).value;
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

/** A tool run of its own as a request's record: the client as provider, the tool as model, its output as the answer. */
function mcpSummary(name: string, args: Record<string, unknown>, caller: Caller, startedAt: number, latencyMs: number, result: McpCallResult | null, error: BifrostError | null): RequestSummary {
  const dash = name.indexOf("-");
  return {
    requestId: caller.header("x-request-id") ?? Bun.randomUUIDv7(),
    op: "mcpTool",
    stream: false,
    startedAt,
    latencyMs,
    firstChunkMs: null,
    chunkGapsMs: [],
    requestedModel: name,
    provider: dash > 0 ? name.slice(0, dash) : "",
    model: dash > 0 ? name.slice(dash + 1) : name,
    outcome: error ? (error.status === 499 ? "cancelled" : "error") : "success",
    status: error ? error.status : 200,
    error,
    usage: null,
    cost: null,
    costMissing: false,
    retries: 0,
    fallbackIndex: 0,
    keyName: null,
    attempts: [],
    hooks: [],
    toolCalls: result ? [{ name, latencyMs: result.latencyMs, isError: result.isError }] : [],
    answeredBy: null,
    cacheHit: null,
    request: { model: name, input: args } as AnyRequest,
    response: result ? { object: "mcp.tool_result", output: [{ type: "text", text: result.content }], is_error: result.isError } : null,
    get headers() {
      return caller.headers;
    },
    header: (n) => caller.header(n),
    values: new Map(),
  };
}

/** The catalog with every provider's pricing_overrides over it (the catalog's data loads once per process). */
function pricingFor(providers: Map<string, ResolvedProvider>): PricingCatalog {
  const catalog = PricingCatalog.create([...providers.values()].flatMap((p) => p.pricingOverrides ?? []));
  catalog.preload();
  return catalog;
}

function sameKey(a: ResolvedKey, b: ResolvedKey): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isResolved(c: unknown): c is ResolvedConfig {
  return !!c && typeof c === "object" && (c as any).providers instanceof Map;
}
