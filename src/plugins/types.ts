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
import type { ChatChunk, ChatRequest, ChatResponse } from "../schemas/chat";
import type { EmbeddingRequest, EmbeddingResponse } from "../schemas/embeddings";
import type { BifrostError, BifrostErrorInit } from "../schemas/error";
import type { Op } from "../schemas/ops";

export const PLUGIN_API_VERSION = 1;

export type Placement = "pre_builtin" | "builtin" | "post_builtin";
export type HookName = "preRequest" | "postResponse" | "onStreamChunk" | "onHttpRequest" | "onHttpResponse" | "cleanup";
export const HOOK_NAMES: readonly HookName[] = ["preRequest", "postResponse", "onStreamChunk", "onHttpRequest", "onHttpResponse", "cleanup"];

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
