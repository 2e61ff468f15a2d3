/** Canonical chat schema: OpenAI's chat completions, plus Bifrost's extra_fields. */
import { Type as t, type Static } from "@sinclair/typebox";

/** Anthropic-style prompt caching mark (as OpenRouter and LiteLLM accept it): kept for upstreams that cache. */
const CacheControl = t.Object({ type: t.String(), ttl: t.Optional(t.String()) });
const TextPart = t.Object({ type: t.Literal("text"), text: t.String(), cache_control: t.Optional(CacheControl) });
const ImagePart = t.Object({
  type: t.Literal("image_url"),
  image_url: t.Object({ url: t.String(), detail: t.Optional(t.String()) }),
});
/**
 * A document (PDF, plain text): OpenAI's `file` part, so OpenAI clients send it as they do to OpenAI.
 * Extensions, for what Anthropic's `document` block carries and OpenAI's part cannot:
 * - `file.file_url`: a document the provider fetches (Anthropic `source.type:"url"`);
 * - `file.filename`: also Anthropic's `title` (Bedrock's document `name` is made from it);
 * - a `text/plain` data URL is Anthropic's `source.type:"text"` (decoded back to text for Anthropic);
 * - `document: {context, citations}`: Anthropic's (and Bedrock's) document options, ignored by the others;
 * - `cache_control`, as on text parts.
 */
const FilePart = t.Object({
  type: t.Literal("file"),
  file: t.Object({
    file_data: t.Optional(t.String()),
    file_id: t.Optional(t.String()),
    file_url: t.Optional(t.String()),
    filename: t.Optional(t.String()),
  }),
  document: t.Optional(t.Object({ context: t.Optional(t.String()), citations: t.Optional(t.Object({ enabled: t.Boolean() })) })),
  cache_control: t.Optional(CacheControl),
});
const OtherPart = t.Object({ type: t.String() }); // input_audio, …: passed through as-is
export const ContentPartSchema = t.Union([TextPart, ImagePart, FilePart, OtherPart]);

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

/**
 * An assistant turn given back with what the answer carried (see CitationAnnotation, ServerToolBlock): kept verbatim.
 * Annotations of any type are accepted (OpenAI's own url_citation come back too); only `citation` ones mean anything to Anthropic.
 */
const AnnotationSchema = t.Object({ type: t.String() }, { additionalProperties: true });
const ServerToolBlockSchema = t.Object({ at: t.Optional(t.Integer()), block: t.Object({ type: t.String() }, { additionalProperties: true }) });

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
  /**
   * An assistant turn's citations and provider-run tool blocks, as the answer gave them: Anthropic (and Claude on
   * Vertex) get the turn back block for block; other providers see its text only (both are dropped).
   */
  annotations: t.Optional(t.Array(AnnotationSchema)),
  server_tool_blocks: t.Optional(t.Array(ServerToolBlockSchema)),
});

const FunctionToolSchema = t.Object({
  type: t.String(),
  function: t.Object({
    name: t.String({ minLength: 1 }),
    description: t.Optional(t.String()),
    parameters: t.Optional(t.Record(t.String(), t.Unknown())),
    strict: t.Optional(t.Boolean()),
  }),
  cache_control: t.Optional(CacheControl),
});

/**
 * A provider-run tool, in its provider's own shape: Anthropic's server and Anthropic-defined tools
 * (`{type:"web_search_20250305", name:"web_search", max_uses}`, `code_execution_…`, `text_editor_…`, `bash_…`)
 * or OpenAI's built-ins (`{type:"web_search"}`). Passed to the provider that runs it; the others answer 400.
 */
const ProviderToolSchema = t.Object({ type: t.String({ pattern: "^(?!function$)" }) }, { additionalProperties: true });
const ToolSchema = t.Union([FunctionToolSchema, ProviderToolSchema]);

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
export type FunctionTool = Static<typeof FunctionToolSchema>;
export type ProviderTool = { type: string; [k: string]: unknown };
/** A tool the client runs (`type:"function"`); anything else is a ProviderTool. */
export const isFunctionTool = (tool: FunctionTool | ProviderTool): tool is FunctionTool => tool.type === "function" && typeof tool.function === "object";
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
  /**
   * The provider's own stop reason, when finish_reason cannot say it: Anthropic's `pause_turn` (finish_reason "stop";
   * send the turn back to let the server tool go on) and `model_context_window_exceeded` ("length").
   */
  native_finish_reason?: string;
  [k: string]: unknown;
}

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "function_call" | null;

/**
 * A provider's citation of a source (Anthropic's `char_location`, `page_location`, `web_search_result_location`, …,
 * kept verbatim) for content[start_index, end_index): Anthropic answers cited text in its own text blocks.
 */
export interface CitationAnnotation {
  type: "citation";
  start_index: number;
  end_index: number;
  citation: { type: string; [k: string]: unknown };
}
export const isCitation = (a: { type: string }): a is CitationAnnotation => a.type === "citation";

/**
 * A block of a provider-run tool (Anthropic's `server_tool_use`, `web_search_tool_result`, `code_execution_tool_result`, …),
 * verbatim; `at` is where it fell in `content` (its offset), so the Anthropic dialect gives it back in place.
 */
export interface ServerToolBlock {
  at?: number;
  block: { type: string; [k: string]: unknown };
}

export interface AssistantMessage {
  role: "assistant";
  content: string | null;
  annotations?: CitationAnnotation[];
  server_tool_blocks?: ServerToolBlock[];
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
      /** A cited text block arrives whole: this delta's content, with its citations (indices relative to it). */
      annotations?: CitationAnnotation[];
      /** Provider-run tool blocks, each whole (its input gathered), in stream order. */
      server_tool_blocks?: ServerToolBlock[];
    };
    finish_reason: FinishReason;
    logprobs?: unknown;
  }>;
  usage?: Usage | null;
  extra_fields?: ResponseExtraFields;
  [k: string]: unknown;
}
