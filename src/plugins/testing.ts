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
import type { AnyRequest, AnyResponse, Plugin, PluginDefinition, RequestContext } from "./types";

export interface TestPluginOptions {
  /** plugins[].config as a user would write it (validated, defaults applied). */
  config?: unknown;
  /** The configured name (default: the definition's). */
  name?: string;
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
  cleanup(): Promise<void>;
}

export async function testPlugin<Schema extends TSchema>(definition: PluginDefinition<Schema>, options: TestPluginOptions = {}): Promise<PluginUnderTest<Static<Schema>>> {
  assertDefinition(definition, "testPlugin's definition");
  const name = options.name ?? definition.name;
  const { loaded, config } = await setupPlugin(definition as PluginDefinition, { name, config: options.config, at: "config", kv: new MemoryKv() });
  const pipeline = new Pipeline([loaded]);
  let requests = 0;
  let rctx = newContext({});

  function newContext(init: Partial<RequestContext>): RequestContext {
    return { requestId: `test-${++requests}`, op: "chat", provider: "", model: "", isFallback: false, headers: {}, values: new Map(), ...init };
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
    cleanup: () => pipeline.cleanup(),
  };
}
