/**
 * The plugin contract, as plugin authors import it from `bifrost/plugin` (src/plugin.ts). A plugin
 * package's entry default-exports `definePlugin({ name, config, setup })`; the host validates
 * plugins[].config against `config` (defaults applied) and only then calls `setup(ctx)`, which
 * returns the hooks. Everything a plugin may use from the host comes through `ctx`.
 *
 * One return convention for every hook: return nothing to go on unchanged, or an object whose one
 * key says what happens:
 * - preRequest:     { request } continue with it · { response } answer now · { stream } answer a
 *                   stream request now · { error, allowFallbacks? } fail (false stops fallbacks too)
 * - postResponse:   { response } answer with it · { error } fail with it
 * - onStreamChunk:  { chunk } send this instead · { drop: true } send nothing · { end: true } end the
 *                   stream; or change the chunk in place and return nothing (the per-chunk path
 *                   should not allocate)
 * - onHttpRequest:  { response } answer before the route runs
 * - onHttpResponse: { response } replace the answer
 * Anything else is a failed hook: logged with the plugin's name, then skipped (`fail: "open"`, the
 * default) or the request fails with 500 `plugin_failed` (`fail: "closed"`, for security plugins).
 * An error a hook returns or throws must have a 4xx/5xx status; any other becomes a 500.
 */
import type { Static, TSchema, Type } from "@sinclair/typebox";
import type { Logger } from "../log";
import type { ChatChunk, ChatRequest, ChatResponse, Usage } from "../schemas/chat";
import type { EmbeddingRequest, EmbeddingResponse } from "../schemas/embeddings";
import type { BifrostError, BifrostErrorInit } from "../schemas/error";
import type { Op } from "../schemas/ops";
import type { ModelEntry } from "../schemas/models";
import type { ModelPrice } from "../pricing/types";

export type { ModelPrice };

export const PLUGIN_API_VERSION = 1;

export type Placement = "pre_builtin" | "builtin" | "post_builtin";
export type HookName = "preRequest" | "postResponse" | "onStreamChunk" | "onHttpRequest" | "onHttpResponse" | "onRequestEnd" | "onHttpEnd" | "metrics" | "listModels" | "acceptsCredential" | "preMcp" | "postMcp" | "mcpAccess" | "identify" | "admitBatch" | "cleanup";
export const HOOK_NAMES: readonly HookName[] = ["preRequest", "postResponse", "onStreamChunk", "onHttpRequest", "onHttpResponse", "onRequestEnd", "onHttpEnd", "metrics", "listModels", "acceptsCredential", "preMcp", "postMcp", "mcpAccess", "identify", "admitBatch", "cleanup"];

/** A small key-value store a plugin may keep state in (in memory; shared stores come with later issues). */
export interface KvStore {
  get<T = unknown>(key: string): T | undefined;
  set(key: string, value: unknown, ttlMs?: number): void;
  delete(key: string): void;
  incr(key: string, by?: number): number;
}

/** What `setup` gets from the host. */
export interface PluginContext<Config = unknown> {
  /** The plugin's name as configured (plugins[].name). */
  readonly name: string;
  /** plugins[].config, already validated against the definition's schema, defaults applied. */
  readonly config: Config;
  readonly logger: Logger;
  /** The TypeBox builder (the same as `t` from bifrost/plugin). */
  readonly t: typeof Type;
  readonly stores: { kv: KvStore };
  /** Build a gateway error (status, message, type, code, param) to return from a hook. */
  error(init: BifrostErrorInit): BifrostError;
  /** What the gateway is doing now (for gauges): read when asked, never pushed. */
  readonly runtime: GatewayRuntime;
  /**
   * Send a message to every authenticated client of the live feed (`GET /ws`, the dashboard's): it is
   * serialised once, as JSON; nothing happens when nobody listens. Give a function to build the
   * message only when someone does. Go Bifrost's log feed sends
   * `{ type: "log", operation: "create", payload: <log entry> }`.
   */
  broadcast(message: object | (() => object)): void;
  /** Prices (the catalog with pricing_overrides), for plugins that reason about cost before a call (budgets). */
  readonly pricing: PluginPricing;
  /** The gateway itself, for a plugin that needs a model (a cache's embeddings): a request down the whole path. */
  readonly gateway: PluginGateway;
}

/** Requests a plugin makes through the gateway (its providers, keys, retries, plugins). */
export interface PluginGateway {
  /** One request with one answer (the canonical answer object); headers as a client would send them. */
  request(op: Exclude<Op, "chatStream" | "textCompletionStream" | "responsesStream" | "listModels" | "mcpTool">, body: unknown, headers?: Record<string, string>): Promise<AnyResponse>;
}

/** Model prices as the gateway knows them. */
export interface PluginPricing {
  /** The price of `model` (as sent upstream) on the configured provider `provider`; null when unknown (never 0). */
  priceOf(provider: string, model: string, op?: Op): ModelPrice | null;
  /** What `usage` costs at `price`; null when there is nothing to price by. */
  costOf(price: ModelPrice, op: Op, usage: Usage | null, request?: unknown, response?: unknown): Cost | null;
  /** The request's input tokens as the gateway estimates them (about 4 characters a token; messages, tools, inputs). */
  estimateInputTokens(request: AnyRequest): number;
}

/** A read-only view of the running gateway, for plugins that report on it (metrics). */
export interface GatewayRuntime {
  /** The configured providers' names, now (a provider added or removed at run time shows at once). */
  providers(): string[];
  /** Requests being served now (a stream counts until it ends). */
  activeRequests(): number;
  /** Each provider's admission queue: calls running and calls waiting. */
  queues(): Array<{ provider: string; inFlight: number; queued: number }>;
  /** Each key's circuit, per model that had traffic: up unless its circuit is open. Key names only, never values. */
  keys(): Array<{ provider: string; key: string; model: string; up: boolean }>;
}

/** USD, by what was charged for. */
export interface Cost {
  total_cost: number;
  input_tokens_cost: number;
  output_tokens_cost: number;
  cache_read_cost: number;
  cache_write_cost: number;
  reasoning_cost: number;
  image_cost: number;
  audio_cost: number;
}

/** One attempt at a provider: the first, each retry, each fallback. */
export interface AttemptRecord {
  provider: string;
  model: string;
  /** The key's name (never its value); null when no key was chosen. */
  keyName: string | null;
  /** 0 for the primary, n for the n-th fallback. */
  fallbackIndex: number;
  /** Epoch ms. */
  startedAt: number;
  durationMs: number;
  /** 200, or the error's status (a stream: 200 once it started; a later failure is the request's error). */
  status: number;
  error: { type: string; code: string | null; message: string } | null;
}

/** One plugin hook's run, for traces. */
export interface HookTiming {
  plugin: string;
  hook: "preRequest" | "postResponse";
  /** Epoch ms. */
  startedAt: number;
  durationMs: number;
}

/**
 * A request as it ended, for observers (request logs, metrics, traces): `onRequestEnd` gets one per
 * inference request, after its answer went out (a stream: after its last chunk, or when it was cut
 * off). The objects are the request's own: read them, do not change them.
 */
export interface RequestSummary {
  requestId: string;
  op: Op;
  stream: boolean;
  /** Epoch ms. */
  startedAt: number;
  /** From the start to the answer (a stream: to its end), ms. */
  latencyMs: number;
  /** Streams: from the start to the first chunk, ms. */
  firstChunkMs: number | null;
  /** Streams: the gaps between consecutive chunk batches, ms (the first 1000). */
  chunkGapsMs: number[];
  /** The model as the client named it. */
  requestedModel: string;
  /** Who answered (or was tried last). */
  provider: string;
  model: string;
  /** "cancelled": the client went away before the end. */
  outcome: "success" | "error" | "cancelled";
  /** HTTP-like status: 200, the error's, or 499 when cancelled. */
  status: number;
  error: BifrostError | null;
  /** The final usage (a stream's last; a cancelled stream's is estimated from what was delivered). */
  usage: Usage | null;
  cost: Cost | null;
  /** A provider answered but its model has no price (catalog or pricing_overrides): the cost is unknown, not 0. */
  costMissing: boolean;
  /** Attempts beyond the first, across fallbacks. */
  retries: number;
  fallbackIndex: number;
  keyName: string | null;
  attempts: AttemptRecord[];
  hooks: HookTiming[];
  /** MCP tools the gateway ran (agent mode) whose results this request carried to the model. */
  toolCalls?: Array<{ name: string; latencyMs: number; isError: boolean }>;
  /** The plugin that answered without a provider (a cache, a mock), else null. */
  answeredBy: string | null;
  /** Set by a plugin that answered from a cache (RequestContext.cacheHit). */
  cacheHit: "direct" | "semantic" | null;
  /** The request as last sent on (after plugins' rewrites). */
  request: AnyRequest;
  /** The answer (a stream's: assembled from its chunks); null for an error or audio bytes. */
  response: AnyResponse | null;
  /** Every incoming header, lower-cased (built when first read). */
  readonly headers: Readonly<Record<string, string>>;
  /** One incoming header (cheaper than `headers` when one is all you need). */
  header(name: string): string | undefined;
  /** The request's scratch space, as the hooks left it. */
  values: ReadonlyMap<string, unknown>;
  /**
   * The owner (an `identify` answer, e.g. "vk:<id>") the request ran for without a credential of its own
   * (RequestContext.principal: a line of a batch); absent or null otherwise.
   */
  principal?: string | null;
  /** The batch (its id, "batch_…") this request was a line of, whoever ran it; absent otherwise. */
  batchId?: string;
  /**
   * The request did not pass the gateway's request path: a provider ran it on its own (a line of a native
   * batch) and the gateway reports it once, when its result arrived. No preRequest or postResponse hook ran
   * for it, so nothing was reserved, `values` is empty and `attempts` is empty (no call was timed here;
   * `latencyMs` is from the batch's submission to its results). A plugin that accounts usage charges it to
   * `principal` here, without a prior reservation (governance: the virtual key's budgets and rate limits).
   * Absent for every request the gateway served, batch lines it ran included (their hooks ran as usual).
   */
  external?: boolean;
}

/** An MCP tool call: the tool's offered name (`<client>-<tool>`) and its arguments. */
export interface McpCall {
  name: string;
  arguments: Record<string, unknown>;
}

/** What an MCP tool gave: its text, whether the tool itself failed, how long it took. */
export interface McpCallResult {
  content: string;
  isError: boolean;
  latencyMs: number;
  truncated?: boolean;
}

/**
 * A batch a provider is about to run on its own (a native batch: OpenAI, Anthropic, Gemini), for `admitBatch`:
 * what will be sent, after the lines refused at creation (models the caller may not use) are left out.
 */
export interface BatchAdmission {
  /** The configured provider that will run it. */
  provider: string;
  /** The batch's endpoint ("/v1/chat/completions", "/v1/embeddings", …). */
  endpoint: string;
  /** The distinct models of the lines to send, as the provider names them (no "provider/" prefix). */
  models: string[];
  /** How many lines will be sent. */
  lines: number;
}

/** Who asks, for hooks outside a request's path (the model list). */
export interface Caller {
  readonly headers: Readonly<Record<string, string>>;
  header(name: string): string | undefined;
}

/** One HTTP exchange as it ended (every route but /health and /metrics), for HTTP metrics. */
export interface HttpSummary {
  method: string;
  /** The route's template ("/v1/chat/completions", "/api/logs/:id"), or "unmatched"; never the raw URL. */
  route: string;
  status: number;
  durationMs: number;
  /** Declared request body size (content-length), else null. */
  requestBytes: number | null;
  /** Declared answer size (content-length), else null (a stream's). */
  responseBytes: number | null;
  /** The request's headers (custom metric labels come from x-bf-dim-*). */
  headers: Headers;
}

/** An HTTP route a plugin serves, always behind the admin authentication (auth_config). */
export interface PluginRoute {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Under /api/ (e.g. "/api/logs/:id"). `:name` segments are parameters. */
  path: string;
  handle(request: Request, params: Record<string, string>): Response | Promise<Response>;
}

/** The request's kind, in the one vocabulary of operations. */
export type { Op };
/** Every request carries a model (and may carry fallbacks); the op says which canonical shape it is. */
export type AnyRequest = (ChatRequest | EmbeddingRequest | Record<string, unknown>) & { model: string; fallbacks?: string[] };
export type AnyResponse = ChatResponse | EmbeddingResponse | Record<string, unknown>;

/** Per request, shared by every hook of that request (and its fallbacks). */
export interface RequestContext {
  readonly requestId: string;
  readonly op: Op;
  /** The candidate being tried: the primary, then each fallback. */
  provider: string;
  model: string;
  readonly isFallback: boolean;
  /** Incoming HTTP headers, lower-cased ({} in library use). */
  readonly headers: Readonly<Record<string, string>>;
  /** Scratch space for plugins, e.g. a pre-hook leaving a note for its post-hook. */
  readonly values: Map<string, unknown>;
  /** Add a header to every provider call this request makes from now on (e.g. a trace's `traceparent`). */
  setUpstreamHeader(name: string, value: string): void;
  /** Only these provider keys (by name) may serve this request (a virtual key's key_ids); null lifts it. */
  restrictKeys(names: readonly string[] | null): void;
  /**
   * A plugin that answers from a cache says so here (metrics count it, governance charges nothing, the
   * answer carries `x-bf-cache: hit`); null: it looked and found nothing (`x-bf-cache: miss`).
   */
  cacheHit?: "direct" | "semantic" | null;
  /**
   * Set by the gateway, never by a client: the owner (an `identify` answer, e.g. "vk:<id>") this request runs
   * for when it carries no credential of its own — a batch line the gateway runs, possibly after a restart.
   * A gatekeeper (governance) treats it like the credential that owner stands for.
   */
  readonly principal?: string | null;
}

export type PreResult =
  | void
  /** Continue with this (rewritten) request; a changed model re-routes it. */
  | { request: AnyRequest }
  /** Short-circuit: answer with this response (stream requests get it as a stream; a speech request cannot be answered so: 500). */
  | { response: AnyResponse }
  /** Short-circuit a stream request with these chunks. */
  | { stream: AsyncIterable<ChatChunk> }
  /** Short-circuit with an error; `allowFallbacks: false` stops fallbacks too. */
  | { error: BifrostError | BifrostErrorInit; allowFallbacks?: boolean };

export type PostResult = void | { response: AnyResponse } | { error: BifrostError | BifrostErrorInit };

export type ChunkResult = void | { chunk: ChatChunk } | { drop: true } | { end: true };

export type HttpRequestResult = void | { response: Response };
export type HttpResponseResult = void | { response: Response };

type Maybe<T> = T | Promise<T>;

/** What `setup` returns: the hooks that exist (a request pays only for those), and the hook budget. */
export interface Plugin {
  /** Per-hook time budget in ms, when it depends on config (else the definition's, else 1000). */
  timeoutMs?: number;
  preRequest?(req: AnyRequest, rctx: RequestContext): Maybe<PreResult>;
  /** Runs in reverse order for the plugins whose pre-hook ran; `res` or `err` is set. Not run for speech (its answer is audio bytes). */
  postResponse?(res: AnyResponse | null, err: BifrostError | null, rctx: RequestContext): Maybe<PostResult>;
  /** Synchronous: it runs on every chunk. */
  onStreamChunk?(chunk: ChatChunk, rctx: RequestContext): ChunkResult;
  onHttpRequest?(request: Request): Maybe<HttpRequestResult>;
  /** Runs in reverse order. */
  onHttpResponse?(request: Request, response: Response): Maybe<HttpResponseResult>;
  /**
   * Once per inference request, when it ended (RequestSummary): for request logs, metrics, traces.
   * It runs after the answer went out and is not awaited: it must not block (queue, then write in the
   * background). What it throws is logged and dropped.
   */
  onRequestEnd?(summary: RequestSummary): void | Promise<void>;
  /** Once per HTTP exchange (HttpSummary), after the answer was handed to the server; synchronous. */
  onHttpEnd?(summary: HttpSummary): void;
  /** HTTP routes the plugin serves (admin API under /api/), behind the admin authentication. */
  routes?: PluginRoute[];
  /**
   * GET /v1/models (and the drop-in model lists): the models this caller may see, or an error (401
   * without a required key). Runs in order; each gets the previous one's list.
   */
  listModels?(models: ModelEntry[], caller: Caller): Maybe<void | { models: ModelEntry[] } | { error: BifrostError | BifrostErrorInit }>;
  /**
   * A credential this plugin checks itself (a virtual key): when admin auth guards inference, a
   * request presenting one (Authorization: Bearer, x-api-key, api-key, x-goog-api-key, x-bf-vk) is
   * let through to the plugins instead of being refused as a bad admin credential.
   */
  acceptsCredential?(value: string): boolean;
  /**
   * Who owns what this caller makes outside a request's path (files, batches): an owner string such as
   * "vk:<virtual key id>", which scopes what the caller may list and read; or the refusal (no valid key
   * where one is required). The first plugin that answers an owner decides; none: the caller owns
   * nothing in particular (null: sees everything, as an admin).
   */
  identify?(caller: Caller): Maybe<void | { owner: string } | { error: BifrostError | BifrostErrorInit }>;
  /**
   * Before a native batch is sent to its provider (whose lines then pass no other hook: their usage is reported
   * afterwards, `RequestSummary.external`): go on, or refuse the whole batch — it is then not created and nothing
   * is sent. `owner` is the `identify` answer the batch belongs to (null: none). In order; the first error wins.
   * Meant for a check of what is left *now* (governance: a key with no budget or rate limit left gets the 402 /
   * 429 a single request would), not for reserving the batch's cost: the batch may still overrun what was left,
   * as a stream may. Not called for batches the gateway runs itself (their lines pass preRequest one by one),
   * nor again when a submission interrupted by a restart is sent later.
   */
  admitBatch?(owner: string | null, batch: BatchAdmission, caller: Caller): Maybe<void | { error: BifrostError | BifrostErrorInit }>;
  /**
   * Before an MCP tool runs (agent mode, /v1/mcp/tool/execute, the /mcp server): go on, change the call,
   * answer it yourself, or refuse it. In order.
   */
  preMcp?(call: McpCall, caller: Caller): Maybe<void | { call: McpCall } | { result: McpCallResult } | { error: BifrostError | BifrostErrorInit }>;
  /**
   * A caller of the gateway's own MCP server (/mcp): which connected clients and tools it may see and
   * call, or a refusal (a virtual key required). In order; the first filter given applies.
   */
  mcpAccess?(caller: Caller): Maybe<void | { filter: { clients?: string[] | null; tools?: string[] | null } } | { error: BifrostError | BifrostErrorInit }>;
  /** After an MCP tool ran (or failed): replace its result, or turn it into an error. In reverse order. */
  postMcp?(call: McpCall, result: McpCallResult | null, error: BifrostError | null, caller: Caller): Maybe<void | { result: McpCallResult } | { error: BifrostError | BifrostErrorInit }>;
  /**
   * The plugin's part of `GET /metrics`, in the Prometheus text format (0.0.4): the gateway serves the
   * parts of every plugin, joined, behind the admin authentication. Each plugin keeps its own registry.
   */
  metrics?(): string | Promise<string>;
  cleanup?(): Maybe<void>;
}

/** A plugin as its package exports it: `export default definePlugin({ ... })`. */
export interface PluginDefinition<Schema extends TSchema = TSchema> {
  name: string;
  description?: string;
  /** TypeBox schema of plugins[].config (build it with `t`); validated, defaults applied, before setup. */
  config?: Schema;
  /**
   * What a failed hook (throws, overruns its budget, returns something unknown) does: "open" (the
   * default) logs and skips it; "closed" fails the request with 500 plugin_failed. Security plugins
   * (guardrails) declare "closed".
   */
  fail?: "open" | "closed";
  /** @deprecated the same as `fail: "closed"`. */
  critical?: boolean;
  /** Per-hook time budget in ms (default 1000); setup may return its own. A short-circuit stream gets it per chunk. */
  timeoutMs?: number;
  /** How long setup may take, in ms (default 10000): a setup that never resolves fails the load. */
  setupTimeoutMs?: number;
  setup(ctx: PluginContext<Static<Schema>>): Maybe<Plugin>;
}

/** The `bifrost` field of a plugin's package.json. Its hooks are what setup returns, so they are not declared here. */
export interface PluginManifest {
  apiVersion: number;
  name: string;
  description?: string;
  /** The entry module, relative to the package (default: package.json "module"/"main", else index.ts). */
  entry?: string;
}

/** plugins[] in config.json (the Go Bifrost's shape). */
export interface PluginEntry {
  name: string;
  enabled?: boolean;
  path?: string;
  placement?: Placement;
  order?: number;
  config?: unknown;
  required?: boolean;
}
