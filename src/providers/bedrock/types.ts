/** Bedrock Runtime wire shapes: Converse / ConverseStream, and the InvokeModel bodies of the embedding models. */

export type ConverseRole = "user" | "assistant";
export type ImageFormat = "png" | "jpeg" | "gif" | "webp";

export interface ConverseImageBlock {
  format: ImageFormat;
  /** bytes: base64 in JSON. Converse cannot fetch URLs (s3Location aside). */
  source: { bytes: string };
}

export type DocumentFormat = "pdf" | "csv" | "doc" | "docx" | "xls" | "xlsx" | "html" | "txt" | "md";

export interface ConverseDocumentBlock {
  format: DocumentFormat;
  name: string;
  source: { bytes: string };
  context?: string;
  citations?: { enabled: boolean };
}

export interface ConverseToolUseBlock {
  toolUseId: string;
  name: string;
  input: unknown;
}

export type ToolResultContent = { text: string } | { json: unknown } | { image: ConverseImageBlock } | { document: ConverseDocumentBlock };

export interface ConverseToolResultBlock {
  toolUseId: string;
  content: ToolResultContent[];
  status?: "success" | "error";
}

export type ReasoningContentBlock = { reasoningText: { text: string; signature?: string } } | { redactedContent: string };

/** A union: exactly one member is set. */
export type ContentBlock =
  | { text: string }
  | { image: ConverseImageBlock }
  | { document: ConverseDocumentBlock }
  | { toolUse: ConverseToolUseBlock }
  | { toolResult: ConverseToolResultBlock }
  | { reasoningContent: ReasoningContentBlock }
  | { cachePoint: { type: "default" } };

export interface ConverseMessage {
  role: ConverseRole;
  content: ContentBlock[];
}

export interface ConverseToolSpec {
  name: string;
  description?: string;
  inputSchema: { json: unknown };
}

export type ConverseToolChoice = { auto: Record<string, never> } | { any: Record<string, never> } | { tool: { name: string } };

export interface ConverseToolConfig {
  tools: Array<{ toolSpec: ConverseToolSpec } | { cachePoint: { type: "default" } }>;
  toolChoice?: ConverseToolChoice;
}

export interface InferenceConfig {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
}

/** The model id is in the path, not the body. */
export interface ConverseRequest {
  messages: ConverseMessage[];
  system?: Array<{ text: string } | { cachePoint: { type: "default" } }>;
  inferenceConfig?: InferenceConfig;
  toolConfig?: ConverseToolConfig;
  additionalModelRequestFields?: Record<string, unknown>;
}

export type StopReason =
  | "end_turn"
  | "tool_use"
  | "max_tokens"
  | "stop_sequence"
  | "guardrail_intervened"
  | "content_filtered"
  | "malformed_model_output"
  | "malformed_tool_use"
  | "model_context_window_exceeded";

export interface ConverseUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

export interface ConverseResponse {
  output: { message: ConverseMessage };
  stopReason: StopReason | string;
  usage: ConverseUsage;
  metrics: { latencyMs: number };
  additionalModelResponseFields?: unknown;
  trace?: unknown;
}

/** ConverseStream event payloads, keyed by :event-type. Real payloads also carry a padding field "p". */
export interface StreamEvents {
  messageStart: { role: ConverseRole };
  contentBlockStart: { contentBlockIndex: number; start: { toolUse?: { toolUseId: string; name: string } } };
  contentBlockDelta: {
    contentBlockIndex: number;
    delta: { text?: string; toolUse?: { input: string }; reasoningContent?: { text?: string; signature?: string; redactedContent?: string } };
  };
  contentBlockStop: { contentBlockIndex: number };
  messageStop: { stopReason: StopReason | string; additionalModelResponseFields?: unknown };
  metadata: { usage: ConverseUsage; metrics?: { latencyMs: number }; trace?: unknown };
}

/** The exceptions ConverseStream can send mid-stream (:exception-type). */
export type StreamExceptionType =
  | "internalServerException"
  | "modelStreamErrorException"
  | "validationException"
  | "throttlingException"
  | "serviceUnavailableException";

export interface TitanEmbeddingRequest {
  inputText: string;
  dimensions?: number;
}

export interface TitanEmbeddingResponse {
  embedding: number[];
  inputTextTokenCount: number;
}

export interface CohereEmbeddingRequest {
  texts: string[];
  input_type: string;
  output_dimension?: number;
}

/** v3 answers a list of vectors; v4 (and v3 with embedding_types) an object keyed by type. */
export interface CohereEmbeddingResponse {
  id?: string;
  embeddings: number[][] | { float?: number[][] };
  texts?: string[];
  response_type?: string;
}

export interface FoundationModelSummary {
  modelId: string;
  modelArn?: string;
  modelName?: string;
  providerName?: string;
  [k: string]: unknown;
}
