/**
 * The plugin contract. A plugin package (plugins/<name>/) has a package.json with a `bifrost` field
 * and an entry whose default export is a factory `(ctx) => Plugin`. Everything a plugin may use from
 * the host comes through `ctx`, so a plugin never imports the host's internals.
 */
import type { TSchema, Type } from "@sinclair/typebox";
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

export interface PluginContext {
  /** The plugin's name as configured. */
  readonly name: string;
  /** The validated `plugins[].config` (available from `init` on). */
  readonly config: any;
  readonly logger: Logger;
  /** The TypeBox builder, for the plugin's config schema. */
  readonly t: typeof Type;
  readonly stores: { kv: KvStore };
  /** Build a gateway error without importing the host. */
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
  | undefined
  /** Continue with this (rewritten) request. */
  | { request: AnyRequest }
  /** Short-circuit with a response. */
  | { respond: AnyResponse }
  /** Short-circuit with a stream (stream requests). */
  | { stream: AsyncIterable<ChatChunk> }
  /** Short-circuit with an error; `allowFallbacks: false` stops fallbacks too. */
  | { error: BifrostError | BifrostErrorInit; allowFallbacks?: boolean };

export type PostResult = void | undefined | { response: AnyResponse } | { error: BifrostError | BifrostErrorInit };

/** What onStreamChunk returns: the chunk (maybe rewritten), null to drop it, or { end: true } to stop the stream. */
export type ChunkResult = ChatChunk | null | { end: true } | void;

export interface Plugin {
  name: string;
  description?: string;
  /** TypeBox schema of plugins[].config; the host validates against it before init. */
  config?: TSchema;
  /** A failure of a critical plugin fails the request instead of being skipped. */
  critical?: boolean;
  /** Per-hook time budget (default 1000 ms). */
  timeoutMs?: number;
  init?(config: any): void | Promise<void>;
  preRequest?(req: AnyRequest, ctx: RequestContext): PreResult | Promise<PreResult>;
  /** Runs in reverse order; `res` or `err` is set. Return a response to turn an error into one, or an error to fail it. */
  postResponse?(res: AnyResponse | null, err: BifrostError | null, ctx: RequestContext): PostResult | Promise<PostResult>;
  onStreamChunk?(chunk: ChatChunk, ctx: RequestContext): ChunkResult;
  onHttpRequest?(req: Request): Response | void | Promise<Response | void>;
  onHttpResponse?(req: Request, res: Response): Response | void | Promise<Response | void>;
  cleanup?(): void | Promise<void>;
}

export type PluginFactory = (ctx: PluginContext) => Plugin | Promise<Plugin>;

/** The `bifrost` field of a plugin's package.json. */
export interface PluginManifest {
  apiVersion: number;
  name: string;
  description?: string;
  hooks?: HookName[];
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
