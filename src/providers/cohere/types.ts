/** Cohere API v2 wire types (chat, embed, rerank) and v1 models: only the fields the adapter and the dialect use. */

// ── Chat request ───────────────────────────────────────────────────────────

export interface CohereTextPart {
  type: "text";
  text: string;
}

export interface CohereImagePart {
  type: "image_url";
  image_url: { url: string; detail?: string };
}

export interface CohereThinkingPart {
  type: "thinking";
  thinking: string;
}

export interface CohereDocumentPart {
  type: "document";
  document: { data: unknown; id?: string };
}

export interface CohereToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export type CohereMessage =
  | { role: "system"; content: string | CohereTextPart[] }
  | { role: "user"; content: string | Array<CohereTextPart | CohereImagePart | CohereDocumentPart> }
  | {
      role: "assistant";
      content?: string | Array<CohereTextPart | CohereThinkingPart>;
      tool_calls?: CohereToolCall[];
      tool_plan?: string;
    }
  | { role: "tool"; tool_call_id: string; content: string | Array<CohereTextPart | CohereDocumentPart> };

export interface CohereTool {
  type: "function";
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

export type CohereToolChoice = "REQUIRED" | "NONE";

export interface CohereResponseFormat {
  type: "text" | "json_object";
  json_schema?: Record<string, unknown>;
}

export interface CohereThinking {
  type: "enabled" | "disabled";
  token_budget?: number;
}

export interface CohereChatRequest {
  model: string;
  messages: CohereMessage[];
  stream?: boolean;
  tools?: CohereTool[];
  strict_tools?: boolean;
  tool_choice?: CohereToolChoice;
  max_tokens?: number;
  stop_sequences?: string[];
  temperature?: number;
  seed?: number;
  frequency_penalty?: number;
  presence_penalty?: number;
  k?: number;
  p?: number;
  logprobs?: boolean;
  response_format?: CohereResponseFormat;
  thinking?: CohereThinking;
  [k: string]: unknown;
}

// ── Chat response ──────────────────────────────────────────────────────────

export type CohereFinishReason = "COMPLETE" | "STOP_SEQUENCE" | "MAX_TOKENS" | "TOOL_CALL" | "ERROR" | "TIMEOUT";

export interface CohereUsage {
  billed_units?: { input_tokens?: number; output_tokens?: number; search_units?: number; classifications?: number } | null;
  tokens?: { input_tokens?: number; output_tokens?: number } | null;
  cached_tokens?: number | null;
}

export interface CohereResponseMessage {
  role: "assistant";
  content?: Array<CohereTextPart | CohereThinkingPart | { type: string; [k: string]: unknown }>;
  tool_calls?: CohereToolCall[];
  tool_plan?: string;
  citations?: unknown[];
}

export interface CohereChatResponse {
  id: string;
  finish_reason: CohereFinishReason | string;
  message: CohereResponseMessage;
  usage?: CohereUsage;
  logprobs?: unknown[];
}

// ── Chat stream events ─────────────────────────────────────────────────────

export type CohereStreamEvent =
  | { type: "message-start"; id?: string; delta?: { message?: Partial<CohereResponseMessage> } }
  | { type: "content-start"; index?: number; delta?: { message?: { content?: { type?: string; text?: string; thinking?: string } } } }
  | { type: "content-delta"; index?: number; delta?: { message?: { content?: { text?: string; thinking?: string } } } }
  | { type: "content-end"; index?: number }
  | { type: "tool-plan-delta"; delta?: { message?: { tool_plan?: string } } }
  | { type: "tool-call-start"; index?: number; delta?: { message?: { tool_calls?: Partial<CohereToolCall> } } }
  | { type: "tool-call-delta"; index?: number; delta?: { message?: { tool_calls?: { function?: { arguments?: string } } } } }
  | { type: "tool-call-end"; index?: number }
  | { type: "citation-start" | "citation-end" | "debug"; [k: string]: unknown }
  | { type: "message-end"; delta?: { finish_reason?: CohereFinishReason | string; usage?: CohereUsage; error?: string } };

// ── Embed ──────────────────────────────────────────────────────────────────

export interface CohereEmbedRequest {
  model: string;
  texts: string[];
  input_type: string;
  embedding_types: string[];
  output_dimension?: number;
  truncate?: string;
}

export interface CohereEmbedResponse {
  id?: string;
  embeddings: { float?: number[][]; base64?: string[]; [k: string]: unknown };
  texts?: string[];
  meta?: { billed_units?: { input_tokens?: number }; tokens?: { input_tokens?: number } };
}

// ── Rerank ─────────────────────────────────────────────────────────────────

export interface CohereRerankRequest {
  model: string;
  query: string;
  documents: string[];
  top_n?: number;
  max_tokens_per_doc?: number;
}

export interface CohereRerankResponse {
  id?: string;
  results: Array<{ index: number; relevance_score: number; document?: { text?: string } }>;
  meta?: { billed_units?: { search_units?: number }; tokens?: { input_tokens?: number } };
}

// ── Models and errors ──────────────────────────────────────────────────────

export interface CohereModel {
  name: string;
  endpoints?: string[];
  is_deprecated?: boolean;
  context_length?: number;
  [k: string]: unknown;
}

export interface CohereModelList {
  models: CohereModel[];
  next_page_token?: string | null;
}

export interface CohereErrorBody {
  id?: string;
  message: string;
}
