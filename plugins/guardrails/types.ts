/**
 * The slice of Bifrost's plugin contract this plugin uses, declared here so the package stands
 * alone: a plugin gets everything from the host through `ctx` and imports nothing from it.
 */
import type { TSchema, Type } from "@sinclair/typebox";

export interface ErrorInit {
  status: number;
  message: string;
  type?: string;
  code?: string | null;
  param?: string | null;
}

export interface PluginContext {
  readonly name: string;
  readonly config: any;
  readonly t: typeof Type;
  error(init: ErrorInit): Error;
}

export interface RequestContext {
  readonly op: "chat" | "chatStream" | "embeddings";
  readonly values: Map<string, unknown>;
}

export interface ChatChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: Array<{ index: number; delta: { content?: string | null; [k: string]: unknown }; finish_reason: string | null }>;
  extra_fields?: Record<string, unknown>;
  [k: string]: unknown;
}

export type PreResult = void | { request: unknown } | { error: Error; allowFallbacks?: boolean };
export type PostResult = void | { response: unknown } | { error: Error };
export type ChunkResult = ChatChunk | null | { end: true } | void;

export interface Plugin {
  name: string;
  description?: string;
  config?: TSchema;
  init?(config: any): void;
  preRequest?(req: any, ctx: RequestContext): PreResult;
  postResponse?(res: any, err: unknown, ctx: RequestContext): PostResult;
  onStreamChunk?(chunk: ChatChunk, ctx: RequestContext): ChunkResult;
}
