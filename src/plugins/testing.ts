/**
 * testPlugin: a plugin's hooks without a gateway. Config is validated and setup called exactly as
 * the host does (setup.ts), and every hook runs through the host's own pipeline (pipeline.ts): the
 * same return convention, budgets and failure handling.
 *
 *   const p = await testPlugin(myPlugin, { config: { greeting: "hi" } });
 *   const pre = await p.pre({ model: "openai/gpt-4o-mini", messages }); // starts a request
 *   const { res } = await p.post(response);                             // same request, same rctx
 */
import type { Static, TSchema } from "@sinclair/typebox";
import type { ChatChunk } from "../schemas/chat";
import { BifrostError, type BifrostErrorInit } from "../schemas/error";
import { MemoryKv } from "./kv";
import { Pipeline, type PreOutcome } from "./pipeline";
import { assertDefinition, setupPlugin } from "./setup";
import { RouteTable } from "./routes";
import type { ModelEntry } from "../schemas/models";
import { callerOf } from "./caller";
import type { AnyRequest, AnyResponse, BatchAdmission, GatewayRuntime, HttpSummary, PluginGateway, Plugin, PluginDefinition, RequestContext, RequestSummary } from "./types";

export interface TestPluginOptions {
  /** plugins[].config as a user would write it (validated, defaults applied). */
  config?: unknown;
  /** The configured name (default: the definition's). */
  name?: string;
  /** What ctx.runtime reports (default: an idle gateway). */
  runtime?: GatewayRuntime;
  /** What ctx.gateway answers (default: none). */
  gateway?: PluginGateway;
}

export interface PluginUnderTest<Config = unknown> {
  /** The config setup saw: validated, defaults applied. */
  readonly config: Config;
  /** What setup returned. */
  readonly plugin: Plugin;
  /** The current request's context: pre() and start() begin a new request; post() and chunks() continue it. */
  readonly rctx: RequestContext;
  /** Begin a new request (op "chat" unless given). */
  start(init?: Partial<RequestContext>): RequestContext;
  /** The pre-hook on a new request (op "chatStream" when request.stream, provider/model from "provider/model"). */
  pre(request: AnyRequest, init?: Partial<RequestContext>): Promise<PreOutcome>;
  /** The post-hook on the current request, given the response or the error. */
  post(res: AnyResponse | null, err?: BifrostError | BifrostErrorInit | null): Promise<{ res: AnyResponse | null; err: BifrostError | null }>;
  /** One chunk through the chunk hook: the chunk to send, null when dropped, "end" to end the stream. */
  chunk(chunk: ChatChunk): ChatChunk | null | "end";
  /** What a client would receive: dropped chunks left out, nothing after an end. */
  chunks(chunks: Iterable<ChatChunk>): ChatChunk[];
  /** onHttpRequest: the Response it answers with, or undefined to let the route run. */
  httpRequest(request: Request): Promise<Response | undefined>;
  /** onHttpResponse: the answer as the hook leaves it. */
  httpResponse(request: Request, response: Response): Promise<Response>;
  /** onRequestEnd with a summary: `summary()` builds one (a successful chat request unless told otherwise). */
  end(summary: RequestSummary): Promise<void>;
  /** onHttpEnd. */
  httpEnd(summary: HttpSummary): void;
  /** The plugin's part of GET /metrics ("" when it has none). */
  metrics(): Promise<string>;
  /** Call one of the plugin's routes as the gateway would (no auth here): 404 when none matches. */
  route(method: string, url: string, init?: RequestInit): Promise<Response>;
  /** What the plugin sent to the live feed (ctx.broadcast). */
  readonly broadcasts: object[];
  /** Upstream headers set through rctx.setUpstreamHeader on the current request. */
  readonly upstreamHeaders: Record<string, string>;
  /** The keys rctx.restrictKeys allowed on the current request (null: any). */
  readonly allowedKeys: string[] | null;
  /** listModels: the list the plugin leaves, or the error it gives. */
  models(models: ModelEntry[], headers?: Record<string, string>): Promise<ModelEntry[]>;
  /** admitBatch: resolves when the native batch may be sent; rejects with the refusal. */
  admitBatch(owner: string | null, batch: BatchAdmission, headers?: Record<string, string>): Promise<void>;
  cleanup(): Promise<void>;
}

export async function testPlugin<Schema extends TSchema>(definition: PluginDefinition<Schema>, options: TestPluginOptions = {}): Promise<PluginUnderTest<Static<Schema>>> {
  assertDefinition(definition, "testPlugin's definition");
  const name = options.name ?? definition.name;
  const broadcasts: object[] = [];
  const { loaded, config } = await setupPlugin(definition as PluginDefinition, { name, config: options.config, at: "config", kv: new MemoryKv(), runtime: options.runtime, gateway: options.gateway, broadcast: (m) => void broadcasts.push(typeof m === "function" ? m() : m) });
  const pipeline = new Pipeline([loaded]);
  const routes = new RouteTable(loaded.plugin.routes ?? []);
  let requests = 0;
  let upstreamHeaders: Record<string, string> = {};
  let allowedKeys: string[] | null = null;
  let rctx = newContext({});

  function newContext(init: Partial<RequestContext>): RequestContext {
    upstreamHeaders = {};
    allowedKeys = null;
    return {
      requestId: `test-${++requests}`,
      op: "chat",
      provider: "",
      model: "",
      isFallback: false,
      headers: {},
      values: new Map(),
      setUpstreamHeader: (k, v) => void (upstreamHeaders[k.toLowerCase()] = v),
      restrictKeys: (names) => void (allowedKeys = names ? [...names] : null),
      ...init,
    };
  }

  return {
    config: config as Static<Schema>,
    plugin: loaded.plugin,
    get rctx() {
      return rctx;
    },
    start: (init = {}) => (rctx = newContext(init)),
    pre(request, init = {}) {
      const [provider, model] = request.model.includes("/") ? request.model.split(/\/(.*)/s) : ["", request.model];
      rctx = newContext({ op: request.stream === true ? "chatStream" : "chat", provider, model, ...init });
      return pipeline.runPre(request, rctx);
    },
    post: (res, err = null) => pipeline.runPost(1, res, err === null || err instanceof BifrostError ? err : new BifrostError(err), rctx),
    chunk: (chunk) => pipeline.runChunk(chunk, rctx),
    chunks(chunks) {
      const sent: ChatChunk[] = [];
      for (const c of chunks) {
        const out = pipeline.runChunk(c, rctx);
        if (out === "end") break;
        if (out) sent.push(out);
      }
      return sent;
    },
    httpRequest: (request) => pipeline.runHttpRequest(request),
    httpResponse: (request, response) => pipeline.runHttpResponse(request, response),
    end: (summary) => pipeline.runRequestEnd(summary),
    httpEnd: (summary) => pipeline.runHttpEnd(summary),
    metrics: () => pipeline.metricsText(),
    async route(method, url, init) {
      const request = new Request(new URL(url, "http://localhost").href, { method, ...init });
      return (await routes.dispatch(request)) ?? new Response(JSON.stringify({ error: { message: "no such route" } }), { status: 404 });
    },
    broadcasts,
    get upstreamHeaders() {
      return upstreamHeaders;
    },
    get allowedKeys() {
      return allowedKeys;
    },
    models: (models, headers = {}) => pipeline.runListModels(models, callerOf(headers)),
    admitBatch: (owner, batch, headers = {}) => pipeline.runAdmitBatch(owner, batch, callerOf(headers)),
    cleanup: () => pipeline.cleanup(),
  };
}

/**
 * A RequestSummary for onRequestEnd tests: a successful, non-streaming chat request to
 * openai/gpt-4o-mini with one attempt, unless `over` says otherwise.
 */
export function testSummary(over: Partial<RequestSummary> = {}): RequestSummary {
  const startedAt = Date.now();
  const provider = over.provider ?? "openai";
  const model = over.model ?? "gpt-4o-mini";
  return {
    requestId: crypto.randomUUID(),
    op: "chat",
    stream: false,
    startedAt,
    latencyMs: 12,
    firstChunkMs: null,
    chunkGapsMs: [],
    requestedModel: `${provider}/${model}`,
    provider,
    model,
    outcome: "success",
    status: 200,
    error: null,
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    cost: null,
    costMissing: false,
    retries: 0,
    fallbackIndex: 0,
    keyName: "key-1",
    attempts: [{ provider, model, keyName: "key-1", fallbackIndex: 0, startedAt, durationMs: 10, status: 200, error: null }],
    hooks: [],
    answeredBy: null,
    cacheHit: null,
    request: { model: `${provider}/${model}`, messages: [{ role: "user", content: "hello" }] },
    response: {
      id: "chatcmpl-test",
      object: "chat.completion",
      created: Math.floor(startedAt / 1000),
      model,
      choices: [{ index: 0, message: { role: "assistant", content: "hi there" }, finish_reason: "stop" }],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    },
    headers: {},
    header(name: string) {
      return this.headers[name.toLowerCase()];
    },
    values: new Map(),
    ...over,
  };
}
