/** Canonical chat schema: OpenAI's chat completions, plus Bifrost's extra_fields. */
import { Type as t, type Static } from "@sinclair/typebox";

/** Anthropic-style prompt caching mark (as OpenRouter and LiteLLM accept it): kept for upstreams that cache. */
const CacheControl = t.Object({ type: t.String(), ttl: t.Optional(t.String()) });
const TextPart = t.Object({ type: t.Literal("text"), text: t.String(), cache_control: t.Optional(CacheControl) });
const ImagePart = t.Object({
  type: t.Literal("image_url"),
  image_url: t.Object({ url: t.String(), detail: t.Optional(t.String()) }),
});
const OtherPart = t.Object({ type: t.String() }); // input_audio, file, …: passed through as-is
export const ContentPartSchema = t.Union([TextPart, ImagePart, OtherPart]);

const ToolCallSchema = t.Object({
  id: t.String(),
  type: t.Optional(t.String()),
  function: t.Object({ name: t.String(), arguments: t.String() }),
});

const ReasoningDetail = t.Object({
  type: t.String(),
  text: t.Optional(t.String()),
  signature: t.Optional(t.String()),
  data: t.Optional(t.String()),
});

export const MessageSchema = t.Object({
  role: t.Union([
    t.Literal("system"),
    t.Literal("developer"),
    t.Literal("user"),
    t.Literal("assistant"),
    t.Literal("tool"),
    t.Literal("function"),
  ]),
  content: t.Optional(t.Union([t.String(), t.Array(ContentPartSchema), t.Null()])),
  name: t.Optional(t.String()),
  tool_calls: t.Optional(t.Array(ToolCallSchema)),
  tool_call_id: t.Optional(t.String()),
  reasoning: t.Optional(t.Union([t.String(), t.Null()])),
  reasoning_details: t.Optional(t.Array(ReasoningDetail)),
  refusal: t.Optional(t.Union([t.String(), t.Null()])),
});

const ToolSchema = t.Object({
  type: t.String(),
  function: t.Object({
    name: t.String({ minLength: 1 }),
    description: t.Optional(t.String()),
    parameters: t.Optional(t.Record(t.String(), t.Unknown())),
    strict: t.Optional(t.Boolean()),
  }),
  cache_control: t.Optional(CacheControl),
});

const ToolChoiceSchema = t.Union([
  t.Literal("none"),
  t.Literal("auto"),
  t.Literal("required"),
  t.Object({ type: t.String(), function: t.Optional(t.Object({ name: t.String() })) }),
]);

/**
 * Fields the gateway understands; unknown fields are kept and passed to OpenAI-compatible upstreams.
 * Shape and type only: value ranges (temperature, top_p, n, …) are each provider's to judge.
 */
export const ChatRequestSchema = t.Object(
  {
    model: t.String({ minLength: 1, maxLength: 512 }),
    messages: t.Array(MessageSchema, { minItems: 1 }),
    stream: t.Optional(t.Boolean()),
    stream_options: t.Optional(t.Object({ include_usage: t.Optional(t.Boolean()) })),
    temperature: t.Optional(t.Number()),
    top_p: t.Optional(t.Number()),
    top_k: t.Optional(t.Integer()),
    max_tokens: t.Optional(t.Integer()),
    max_completion_tokens: t.Optional(t.Integer()),
    n: t.Optional(t.Integer()),
    stop: t.Optional(t.Union([t.String(), t.Array(t.String(), { maxItems: 16 }), t.Null()])),
    presence_penalty: t.Optional(t.Number()),
    frequency_penalty: t.Optional(t.Number()),
    logit_bias: t.Optional(t.Record(t.String(), t.Number())),
    logprobs: t.Optional(t.Boolean()),
    top_logprobs: t.Optional(t.Integer()),
    seed: t.Optional(t.Integer()),
    user: t.Optional(t.String()),
    tools: t.Optional(t.Array(ToolSchema)),
    tool_choice: t.Optional(ToolChoiceSchema),
    parallel_tool_calls: t.Optional(t.Boolean()),
    response_format: t.Optional(t.Object({ type: t.String() })),
    reasoning_effort: t.Optional(t.String()),
    reasoning: t.Optional(
      t.Object({ effort: t.Optional(t.String()), max_tokens: t.Optional(t.Integer()) }),
    ),
    metadata: t.Optional(t.Record(t.String(), t.Unknown())),
    fallbacks: t.Optional(t.Array(t.String({ minLength: 1 }))),
  },
  { additionalProperties: true },
);

export type ContentPart = Static<typeof ContentPartSchema> & Record<string, any>;
export type ChatMessage = Static<typeof MessageSchema>;
export type ToolCall = Static<typeof ToolCallSchema>;
export type ChatRequest = Static<typeof ChatRequestSchema> & Record<string, unknown>;

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; [k: string]: unknown };
  completion_tokens_details?: { reasoning_tokens?: number; [k: string]: unknown };
  [k: string]: unknown;
}

/** What the gateway adds to every response: who answered, and how long it took. */
export interface ResponseExtraFields {
  provider: string;
  model_requested: string;
  latency_ms?: number;
  [k: string]: unknown;
}

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "function_call" | null;

export interface AssistantMessage {
  role: "assistant";
  content: string | null;
  tool_calls?: ToolCall[];
  refusal?: string | null;
  reasoning?: string;
  reasoning_details?: Array<{ type: string; text?: string; signature?: string; data?: string }>;
}

export interface ChatResponse {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: Array<{ index: number; message: AssistantMessage; finish_reason: FinishReason; logprobs?: unknown }>;
  usage?: Usage;
  system_fingerprint?: string | null;
  extra_fields?: ResponseExtraFields;
  [k: string]: unknown;
}

export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: "function";
  function?: { name?: string; arguments?: string };
}

export interface ChatChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: {
      role?: "assistant";
      content?: string | null;
      tool_calls?: ToolCallDelta[];
      reasoning?: string;
      reasoning_details?: Array<{ type: string; text?: string; signature?: string; data?: string }>;
      refusal?: string | null;
    };
    finish_reason: FinishReason;
    logprobs?: unknown;
  }>;
  usage?: Usage | null;
  extra_fields?: ResponseExtraFields;
  [k: string]: unknown;
}
