/**
 * The one vocabulary of operations: HTTP routes, the core, provider adapters (capabilities) and
 * plugins (RequestContext.op) all name a request's kind with these words.
 */
export const OPS = [
  "chat",
  "chatStream",
  "textCompletion",
  "textCompletionStream",
  "embeddings",
  "listModels",
  "rerank",
  "speech",
  "transcription",
  "imageGeneration",
  "countTokens",
  /** OpenAI's Responses API sent as it is, to a provider that serves it natively (built-in tools run there). */
  "responses",
  "responsesStream",
  /** One MCP tool run outside a model's request (/v1/mcp/tool/execute, the /mcp server): in request logs and metrics. */
  "mcpTool",
] as const;

export type Op = (typeof OPS)[number];

/** Ops whose answer is a stream of chunks. */
export type StreamOp = "chatStream" | "textCompletionStream" | "responsesStream";
/** Ops a client sends with a body and gets one answer for. */
export type UnaryOp = Exclude<Op, StreamOp | "listModels" | "mcpTool">;

export function isStreamOp(op: Op): op is StreamOp {
  return op === "chatStream" || op === "textCompletionStream" || op === "responsesStream";
}

/** The Go Bifrost's request-type names (custom_provider_config.allowed_requests, logs). */
export const OP_REQUEST_TYPE: Record<Op, string> = {
  chat: "chat_completion",
  chatStream: "chat_completion_stream",
  textCompletion: "text_completion",
  textCompletionStream: "text_completion_stream",
  embeddings: "embedding",
  listModels: "list_models",
  rerank: "rerank",
  speech: "speech",
  transcription: "transcription",
  imageGeneration: "image_generation",
  countTokens: "count_tokens",
  responses: "responses",
  responsesStream: "responses_stream",
  mcpTool: "mcp_tool_execution",
};
