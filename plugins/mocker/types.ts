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
  extra?: Record<string, unknown>;
}

export interface PluginContext {
  readonly name: string;
  readonly config: any;
  readonly logger: { info(msg: string, fields?: object): void; warn(msg: string, fields?: object): void };
  readonly t: typeof Type;
  readonly stores: { kv: { incr(key: string, by?: number): number } };
  error(init: ErrorInit): Error;
}

export interface RequestContext {
  readonly op: "chat" | "chatStream" | "embeddings";
  provider: string;
  model: string;
  readonly isFallback: boolean;
}

export interface Message {
  role: string;
  content?: string | Array<{ type: string; text?: string }> | null;
}

export interface ToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter";

export interface ChatChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: Array<{ index: number; delta: Record<string, unknown>; finish_reason: FinishReason | null }>;
  usage?: Usage;
  extra_fields?: Record<string, unknown>;
}

export type PreResult =
  | void
  | { respond: Record<string, unknown> }
  | { stream: AsyncIterable<ChatChunk> }
  | { error: Error | ErrorInit; allowFallbacks?: boolean };

export interface Plugin {
  name: string;
  description?: string;
  config?: TSchema;
  timeoutMs?: number;
  init?(config: any): void;
  preRequest?(req: any, ctx: RequestContext): PreResult | Promise<PreResult>;
}
