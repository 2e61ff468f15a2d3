/**
 * The slice of Bifrost's plugin contract this plugin uses, declared here so the package stands
 * alone: a plugin gets everything from the host through `ctx` and imports nothing from it.
 */
import type { TSchema, Type } from "@sinclair/typebox";

export interface PluginContext {
  readonly name: string;
  readonly config: any;
  readonly logger: { debug(msg: string, fields?: object): void; warn(msg: string, fields?: object): void };
  readonly t: typeof Type;
}

export interface RequestContext {
  readonly op: "chat" | "chatStream" | "embeddings";
  readonly values: Map<string, unknown>;
}

export interface ToolCall {
  id?: string;
  type?: string;
  function: { name?: string; arguments?: string };
}

export interface ChatResponse {
  choices?: Array<{ index: number; message: { content: string | null; tool_calls?: ToolCall[] } }>;
  extra_fields?: Record<string, unknown>;
}

export interface ChatChunk {
  choices: Array<{
    index: number;
    delta: { content?: string | null; tool_calls?: Array<{ index: number } & Partial<ToolCall>> };
    finish_reason: string | null;
  }>;
  extra_fields?: Record<string, unknown>;
}

export interface Plugin {
  name: string;
  description?: string;
  config?: TSchema;
  preRequest?(req: any, ctx: RequestContext): void;
  postResponse?(res: any, err: unknown, ctx: RequestContext): { response: any } | void;
  onStreamChunk?(chunk: ChatChunk, ctx: RequestContext): ChatChunk | void;
}
