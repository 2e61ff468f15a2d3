/**
 * The compiled hook pipeline: built once at load (arrays of the hooks that exist, in order), so a
 * request pays only for the hooks that are there. Pre-hooks run in order, post-hooks in reverse; on a
 * short-circuit only the plugins that already ran get their post-hook. A hook that throws, runs
 * past its time budget or returns something the contract (types.ts) does not know is logged with
 * its plugin's name and skipped, unless the plugin fails closed (then the request fails). An error
 * a plugin gives must carry a 4xx/5xx status: any other is logged and becomes a 500. A short-circuit
 * stream must yield each chunk within the plugin's budget.
 */
import { log } from "../log";
import type { ChatChunk } from "../schemas/chat";
import { BifrostError, type BifrostErrorInit } from "../schemas/error";
import { RouteTable } from "./routes";
import type { ModelEntry } from "../schemas/models";
import type { AnyRequest, AnyResponse, BatchAdmission, Caller, ChunkResult, McpCall, McpCallResult, HookName, HookTiming, HttpRequestResult, HttpResponseResult, HttpSummary, Placement, Plugin, PostResult, PreResult, RequestContext, RequestSummary } from "./types";

export interface LoadedPlugin {
  name: string;
  plugin: Plugin;
  placement: Placement;
  order: number;
  /** fail: "closed" (or the legacy critical: true): a failed hook fails the request instead of being skipped. */
  failClosed?: boolean;
  /** Per-hook budget in ms (default DEFAULT_BUDGET_MS). */
  timeoutMs?: number;
}

const PLACEMENT_RANK: Record<Placement, number> = { pre_builtin: 0, builtin: 1, post_builtin: 2 };
export const DEFAULT_BUDGET_MS = 1000;

export type PreOutcome =
  | { kind: "continue"; request: AnyRequest; ran: number }
  | { kind: "respond"; response: AnyResponse; ran: number }
  | { kind: "stream"; stream: AsyncIterable<ChatChunk>; ran: number }
  | { kind: "error"; error: BifrostError; allowFallbacks: boolean; ran: number };

const SKIPPED = Symbol("skipped");
type ListModelsResult = void | { models: ModelEntry[] } | { error: BifrostError | BifrostErrorInit };
type McpAccessResult = void | { filter: { clients?: string[] | null; tools?: string[] | null } } | { error: BifrostError | BifrostErrorInit };
type PreMcpResult = void | { call: McpCall } | { result: McpCallResult } | { error: BifrostError | BifrostErrorInit };
type PostMcpResult = void | { result: McpCallResult } | { error: BifrostError | BifrostErrorInit };
type IdentifyResult = void | { owner: string } | { error: BifrostError | BifrostErrorInit };
type AdmitBatchResult = void | { error: BifrostError | BifrostErrorInit };
const PRE_KEYS = "request, response, stream or error";
const POST_KEYS = "response or error";
const CHUNK_KEYS = "chunk, drop: true or end: true";
const HTTP_KEYS = "response (a Response)";

export class Pipeline {
  readonly plugins: LoadedPlugin[];
  private readonly pre: Array<{ at: number; lp: LoadedPlugin }>;
  private readonly post: Array<{ at: number; lp: LoadedPlugin }>;
  private readonly chunk: LoadedPlugin[];
  private readonly httpRequest: LoadedPlugin[];
  private readonly httpResponse: LoadedPlugin[];
  private readonly requestEnd: LoadedPlugin[];
  private readonly modelLists: LoadedPlugin[];
  private readonly credentialCheckers: LoadedPlugin[];
  private readonly preMcp: LoadedPlugin[];
  private readonly mcpAccessors: LoadedPlugin[];
  private readonly postMcp: LoadedPlugin[];
  private readonly httpEnd: LoadedPlugin[];
  private readonly identifiers: LoadedPlugin[];
  private readonly batchAdmitters: LoadedPlugin[];
  /** Every plugin's routes, in pipeline order (the first plugin's route wins a clash). */
  readonly routes: RouteTable;
  readonly hasPre: boolean;
  readonly hasPost: boolean;
  readonly hasChunk: boolean;
  readonly hasHttpRequest: boolean;
  readonly hasHttpResponse: boolean;
  /** Someone observes requests' ends: the path keeps a record of each request (attempts, timings, usage). */
  readonly hasRequestEnd: boolean;
  readonly hasHttpEnd: boolean;
  readonly hasListModels: boolean;
  /** A plugin narrows what MCP tools a caller may use (mcpAccess). */
  readonly hasMcpAccess: boolean;
  /** A plugin says who owns what a caller makes (identify). */
  readonly hasIdentify: boolean;
  /** A plugin admits native batches before they are sent (admitBatch). */
  readonly hasAdmitBatch: boolean;
  /** A plugin checks credentials itself (acceptsCredential). */
  readonly checksCredentials: boolean;
  readonly empty: boolean;

  constructor(plugins: LoadedPlugin[]) {
    this.plugins = [...plugins].sort((a, b) => PLACEMENT_RANK[a.placement] - PLACEMENT_RANK[b.placement] || a.order - b.order);
    const having = (h: HookName) => this.plugins.map((lp, at) => ({ at, lp })).filter((x) => typeof x.lp.plugin[h] === "function");
    this.pre = having("preRequest");
    this.post = having("postResponse").reverse();
    this.chunk = having("onStreamChunk").map((x) => x.lp);
    this.httpRequest = having("onHttpRequest").map((x) => x.lp);
    this.httpResponse = having("onHttpResponse").map((x) => x.lp);
    this.requestEnd = having("onRequestEnd").map((x) => x.lp);
    this.modelLists = having("listModels").map((x) => x.lp);
    this.credentialCheckers = having("acceptsCredential").map((x) => x.lp);
    this.preMcp = having("preMcp").map((x) => x.lp);
    this.mcpAccessors = having("mcpAccess").map((x) => x.lp);
    this.postMcp = having("postMcp").map((x) => x.lp).reverse();
    this.httpEnd = having("onHttpEnd").map((x) => x.lp);
    this.identifiers = having("identify").map((x) => x.lp);
    this.batchAdmitters = having("admitBatch").map((x) => x.lp);
    this.routes = new RouteTable(this.plugins.flatMap((lp) => lp.plugin.routes ?? []));
    this.hasPre = this.pre.length > 0;
    this.hasPost = this.post.length > 0;
    this.hasChunk = this.chunk.length > 0;
    this.hasHttpRequest = this.httpRequest.length > 0;
    this.hasHttpResponse = this.httpResponse.length > 0;
    this.hasRequestEnd = this.requestEnd.length > 0;
    this.hasHttpEnd = this.httpEnd.length > 0;
    this.hasListModels = this.modelLists.length > 0;
    this.checksCredentials = this.credentialCheckers.length > 0;
    this.hasMcpAccess = this.mcpAccessors.length > 0;
    this.hasIdentify = this.identifiers.length > 0;
    this.hasAdmitBatch = this.batchAdmitters.length > 0;
    this.empty = this.plugins.length === 0;
  }

  static readonly EMPTY = new Pipeline([]);

  /** `timings`, when given, gets one entry per hook run (for traces). */
  async runPre(request: AnyRequest, ctx: RequestContext, timings?: HookTiming[]): Promise<PreOutcome> {
    for (const { at, lp } of this.pre) {
      const t0 = timings ? performance.now() : 0;
      let r = guard<PreResult>(lp, "preRequest", () => lp.plugin.preRequest!(request, ctx));
      if (r instanceof Promise) r = await r;
      if (timings) timings.push(hookTiming(lp, "preRequest", t0));
      const ran = at + 1;
      if (r === SKIPPED || r === undefined) continue;
      if (!isObject(r)) unknownResult(lp, "preRequest", PRE_KEYS);
      else if ("request" in r) request = r.request;
      else if ("response" in r) return { kind: "respond", response: r.response, ran };
      else if ("stream" in r) return { kind: "stream", stream: boundedStream(lp, r.stream), ran };
      else if ("error" in r) return { kind: "error", error: toError(lp, r.error), allowFallbacks: r.allowFallbacks ?? true, ran };
      else unknownResult(lp, "preRequest", PRE_KEYS);
    }
    return { kind: "continue", request, ran: this.plugins.length };
  }

  /** Post-hooks of the plugins among the first `ran`, in reverse order. */
  async runPost(ran: number, res: AnyResponse | null, err: BifrostError | null, ctx: RequestContext, timings?: HookTiming[]): Promise<{ res: AnyResponse | null; err: BifrostError | null }> {
    for (const { at, lp } of this.post) {
      if (at >= ran) continue;
      const t0 = timings ? performance.now() : 0;
      let r = guard<PostResult>(lp, "postResponse", () => lp.plugin.postResponse!(res, err, ctx));
      if (r instanceof Promise) r = await r;
      if (timings) timings.push(hookTiming(lp, "postResponse", t0));
      if (r === SKIPPED || r === undefined) continue;
      if (!isObject(r)) unknownResult(lp, "postResponse", POST_KEYS);
      else if ("response" in r) (res = r.response), (err = null);
      else if ("error" in r) (err = toError(lp, r.error)), (res = null);
      else unknownResult(lp, "postResponse", POST_KEYS);
    }
    return { res, err };
  }

  /** Every chunk hook in order: null drops the chunk, "end" ends the stream. Nothing allocated on the common path. */
  runChunk(chunk: ChatChunk, ctx: RequestContext): ChatChunk | null | "end" {
    let c: ChatChunk = chunk;
    for (const lp of this.chunk) {
      let r: ChunkResult;
      try {
        r = lp.plugin.onStreamChunk!(c, ctx);
      } catch (e) {
        failed(lp, "onStreamChunk", e);
        continue;
      }
      if (r === undefined) continue;
      if (!isObject(r)) unknownResult(lp, "onStreamChunk", CHUNK_KEYS);
      else if ("chunk" in r) c = r.chunk;
      else if ("drop" in r && r.drop === true) return null;
      else if ("end" in r && r.end === true) return "end";
      else unknownResult(lp, "onStreamChunk", CHUNK_KEYS);
    }
    return c;
  }

  /** Each onHttpRequest in order; the first { response } short-circuits the route. */
  async runHttpRequest(request: Request): Promise<Response | undefined> {
    for (const lp of this.httpRequest) {
      const r = await guard<HttpRequestResult>(lp, "onHttpRequest", () => lp.plugin.onHttpRequest!(request));
      if (r === SKIPPED || r === undefined) continue;
      if (isObject(r) && r.response instanceof Response) return r.response;
      unknownResult(lp, "onHttpRequest", HTTP_KEYS);
    }
  }

  /** Each onHttpResponse in reverse order; a returned { response } replaces the answer. */
  async runHttpResponse(request: Request, response: Response): Promise<Response> {
    for (let i = this.httpResponse.length - 1; i >= 0; i--) {
      const lp = this.httpResponse[i]!;
      const r = await guard<HttpResponseResult>(lp, "onHttpResponse", () => lp.plugin.onHttpResponse!(request, response));
      if (r === SKIPPED || r === undefined) continue;
      if (isObject(r) && r.response instanceof Response) response = r.response;
      else unknownResult(lp, "onHttpResponse", HTTP_KEYS);
    }
    return response;
  }

  /** The name of the plugin that ran `ran`-th (1-based): who short-circuited a request. */
  pluginAt(ran: number): string | null {
    return this.plugins[ran - 1]?.name ?? null;
  }

  /** Each observer of a request's end; not awaited, failures logged and dropped (an observer never fails a request). */
  runRequestEnd(summary: RequestSummary): Promise<void> {
    const pending: Promise<unknown>[] = [];
    for (const lp of this.requestEnd) {
      try {
        const r = lp.plugin.onRequestEnd!(summary);
        if (r instanceof Promise) pending.push(r.catch((e) => observerFailed(lp, "onRequestEnd", e)));
      } catch (e) {
        observerFailed(lp, "onRequestEnd", e);
      }
    }
    return pending.length ? Promise.all(pending).then(() => {}) : Promise.resolve();
  }

  /** The model list a caller may see: each plugin's listModels in order; an error it gives is thrown. */
  async runListModels(models: ModelEntry[], caller: Caller): Promise<ModelEntry[]> {
    for (const lp of this.modelLists) {
      let r = guard<ListModelsResult>(lp, "listModels", () => lp.plugin.listModels!(models, caller));
      if (r instanceof Promise) r = await r;
      if (r === SKIPPED || r === undefined) continue;
      if (isObject(r) && "models" in r && Array.isArray(r.models)) models = r.models;
      else if (isObject(r) && "error" in r) throw toError(lp, r.error);
      else unknownResult(lp, "listModels", "models or error");
    }
    return models;
  }

  /** An MCP tool call through the plugins' preMcp (in order) and postMcp (in reverse) around `run`. */
  async runMcp(call: McpCall, caller: Caller, run: (call: McpCall) => Promise<McpCallResult>): Promise<McpCallResult> {
    let result: McpCallResult | null = null;
    for (const lp of this.preMcp) {
      let r = guard<PreMcpResult>(lp, "preMcp", () => lp.plugin.preMcp!(call, caller));
      if (r instanceof Promise) r = await r;
      if (r === SKIPPED || r === undefined) continue;
      if (isObject(r) && "call" in r) call = r.call;
      else if (isObject(r) && "result" in r) {
        result = r.result;
        break;
      } else if (isObject(r) && "error" in r) throw toError(lp, r.error);
      else unknownResult(lp, "preMcp", "call, result or error");
    }
    let error: BifrostError | null = null;
    if (!result) {
      try {
        result = await run(call);
      } catch (e) {
        error = BifrostError.from(e);
      }
    }
    for (const lp of this.postMcp) {
      let r = guard<PostMcpResult>(lp, "postMcp", () => lp.plugin.postMcp!(call, result, error, caller));
      if (r instanceof Promise) r = await r;
      if (r === SKIPPED || r === undefined) continue;
      if (isObject(r) && "result" in r) (result = r.result), (error = null);
      else if (isObject(r) && "error" in r) (error = toError(lp, r.error)), (result = null);
      else unknownResult(lp, "postMcp", "result or error");
    }
    if (error) throw error;
    return result!;
  }

  /** What a caller of /mcp may see and call: the first plugin's filter, undefined for all; a refusal is thrown. */
  async runMcpAccess(caller: Caller): Promise<{ clients?: string[] | null; tools?: string[] | null } | undefined> {
    for (const lp of this.mcpAccessors) {
      let r = guard<McpAccessResult>(lp, "mcpAccess", () => lp.plugin.mcpAccess!(caller));
      if (r instanceof Promise) r = await r;
      if (r === SKIPPED || r === undefined) continue;
      if (isObject(r) && "filter" in r) return r.filter;
      if (isObject(r) && "error" in r) throw toError(lp, r.error);
      unknownResult(lp, "mcpAccess", "filter or error");
    }
    return undefined;
  }

  /**
   * Who owns what this caller makes (files, batches): the first plugin's owner; null when none answers
   * (the caller sees everything, as an admin). A refusal (no valid key where one is required) is thrown.
   */
  async runIdentify(caller: Caller): Promise<string | null> {
    for (const lp of this.identifiers) {
      let r = guard<IdentifyResult>(lp, "identify", () => lp.plugin.identify!(caller));
      if (r instanceof Promise) r = await r;
      if (r === SKIPPED || r === undefined) continue;
      if (isObject(r) && "owner" in r && typeof r.owner === "string" && r.owner) return r.owner;
      if (isObject(r) && "error" in r) throw toError(lp, r.error);
      unknownResult(lp, "identify", "owner or error");
    }
    return null;
  }

  /**
   * Whether a native batch may be sent: each plugin's admitBatch in order; the first refusal is thrown (the batch
   * is then not created). A failed hook is skipped, or fails the creation when its plugin fails closed.
   */
  async runAdmitBatch(owner: string | null, batch: BatchAdmission, caller: Caller): Promise<void> {
    for (const lp of this.batchAdmitters) {
      let r = guard<AdmitBatchResult>(lp, "admitBatch", () => lp.plugin.admitBatch!(owner, batch, caller));
      if (r instanceof Promise) r = await r;
      if (r === SKIPPED || r === undefined) continue;
      if (isObject(r) && "error" in r) throw toError(lp, r.error);
      unknownResult(lp, "admitBatch", "error");
    }
  }

  /** Does a plugin check this credential itself (a virtual key)? */
  acceptsCredential(value: string): boolean {
    for (const lp of this.credentialCheckers) {
      try {
        if (lp.plugin.acceptsCredential!(value) === true) return true;
      } catch (e) {
        observerFailed(lp, "acceptsCredential", e);
      }
    }
    return false;
  }

  /** GET /metrics: every plugin's part, joined; a plugin whose part fails is left out (logged). */
  async metricsText(): Promise<string> {
    const parts: string[] = [];
    for (const lp of this.plugins) {
      if (!lp.plugin.metrics) continue;
      try {
        const text = await lp.plugin.metrics();
        if (text) parts.push(text.endsWith("\n") ? text : `${text}\n`);
      } catch (e) {
        observerFailed(lp, "metrics", e);
      }
    }
    return parts.join("");
  }

  /** Each observer of an HTTP exchange's end (synchronous). */
  runHttpEnd(summary: HttpSummary): void {
    for (const lp of this.httpEnd) {
      try {
        lp.plugin.onHttpEnd!(summary);
      } catch (e) {
        observerFailed(lp, "onHttpEnd", e);
      }
    }
  }

  async cleanup(): Promise<void> {
    for (const lp of this.plugins) {
      if (!lp.plugin.cleanup) continue;
      await guard(lp, "cleanup", () => lp.plugin.cleanup!());
    }
  }
}

/**
 * A plugin's error as the gateway sends it. Its status must be an HTTP error status (400–599): a
 * plugin's 999 or 204 would make the answer unbuildable, so it becomes a 500, logged with the plugin's name.
 */
function toError(lp: LoadedPlugin, e: BifrostError | BifrostErrorInit): BifrostError {
  const status = (e as { status?: unknown })?.status;
  if (Number.isInteger(status) && (status as number) >= 400 && (status as number) <= 599) return e instanceof BifrostError ? e : new BifrostError(e);
  log.error(`plugin ${lp.name}: gave an error with status ${String(status)} (not 400–599); answering 500`, { message: String((e as { message?: unknown })?.message ?? "") });
  return new BifrostError({ status: 500, type: "server_error", code: "plugin_invalid_error", message: `plugin ${lp.name} failed: it gave an error without a valid status` });
}

/** A plugin's short-circuit stream, each chunk within the plugin's budget: a stream that stalls ends with a 504, not a hung client. */
function boundedStream<C>(lp: LoadedPlugin, src: AsyncIterable<C>): AsyncIterable<C> {
  const budget = lp.timeoutMs ?? DEFAULT_BUDGET_MS;
  return {
    [Symbol.asyncIterator]() {
      const it = src[Symbol.asyncIterator]();
      return {
        next: () =>
          within(it.next(), budget, () => {
            log.warn(`plugin ${lp.name}: its stream yielded nothing for ${budget} ms; ending it`);
            void it.return?.();
            return new BifrostError({ status: 504, type: "timeout_error", code: "plugin_stream_timeout", message: `plugin ${lp.name}'s stream yielded nothing for ${budget} ms` });
          }),
        return: async () => (await it.return?.()) ?? { done: true, value: undefined },
      };
    },
  };
}

function hookTiming(lp: LoadedPlugin, hook: "preRequest" | "postResponse", t0: number): HookTiming {
  const durationMs = performance.now() - t0;
  return { plugin: lp.name, hook, startedAt: performance.timeOrigin + t0, durationMs };
}

/** An observer's failure is logged (once a minute per plugin and hook) and dropped: observing never fails a request. */
const lastObserverWarning = new Map<string, number>();
function observerFailed(lp: LoadedPlugin, hook: HookName, e: unknown): void {
  const k = `${lp.name}:${hook}`;
  const now = Date.now();
  if ((lastObserverWarning.get(k) ?? 0) > now - 60_000) return;
  lastObserverWarning.set(k, now);
  log.warn(`plugin ${lp.name}: ${hook} failed (dropped)`, { error: String((e as Error)?.message ?? e) });
}

function isObject(r: unknown): r is object {
  return typeof r === "object" && r !== null;
}

/** A result outside the contract is a failed hook, so an old or mistyped plugin is noticed, not silently ignored. */
function unknownResult(lp: LoadedPlugin, hook: HookName, expected: string): void {
  failed(lp, hook, new Error(`returned something other than nothing or { ${expected} }`));
}

/**
 * Run one hook: isolated, within its time budget. SKIPPED when it failed and the plugin fails open.
 * A synchronous hook's result comes back synchronously (no promise on the hot path).
 */
function guard<T>(lp: LoadedPlugin, hook: HookName, call: () => T | Promise<T>): T | typeof SKIPPED | Promise<T | typeof SKIPPED> {
  let r: T | Promise<T>;
  try {
    r = call();
  } catch (e) {
    return onFailure(lp, hook, e);
  }
  if (!(r instanceof Promise)) return r;
  const budget = lp.timeoutMs ?? DEFAULT_BUDGET_MS;
  return within(r, budget, () => new Error(`exceeded its ${budget} ms budget`)).catch((e) => onFailure(lp, hook, e));
}

/** `p`, or a rejection with `late()` once `ms` have passed (the timer never outlives the race). */
export function within<T>(p: Promise<T>, ms: number, late: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(late()), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function onFailure(lp: LoadedPlugin, hook: HookName, e: unknown): typeof SKIPPED {
  if (e instanceof BifrostError) throw toError(lp, e); // a deliberate gateway error from the plugin
  failed(lp, hook, e);
  return SKIPPED;
}

function failed(lp: LoadedPlugin, hook: HookName, e: unknown): void {
  const message = (e as Error)?.message ?? String(e);
  log.warn(`plugin ${lp.name}: ${hook} failed, ${lp.failClosed ? "failing the request (fail: closed)" : "skipped (fail: open)"}`, { error: message });
  if (lp.failClosed) {
    throw new BifrostError({ status: 500, type: "server_error", code: "plugin_failed", message: `plugin ${lp.name} failed in ${hook} and fails closed: ${message}` });
  }
}
