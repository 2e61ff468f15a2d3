/**
 * The GenAI semantic-convention names this plugin writes. They live in the GenAI conventions (moved out of
 * @opentelemetry/semantic-conventions, where they are deprecated), so they are spelled here once.
 */
import type { Op } from "bifrost/plugin";

export const GEN_AI = {
  operationName: "gen_ai.operation.name",
  providerName: "gen_ai.provider.name",
  /** The older name of gen_ai.provider.name, still read by many backends. */
  system: "gen_ai.system",
  requestModel: "gen_ai.request.model",
  requestMaxTokens: "gen_ai.request.max_tokens",
  requestTemperature: "gen_ai.request.temperature",
  requestTopP: "gen_ai.request.top_p",
  requestFrequencyPenalty: "gen_ai.request.frequency_penalty",
  requestPresencePenalty: "gen_ai.request.presence_penalty",
  requestSeed: "gen_ai.request.seed",
  requestStopSequences: "gen_ai.request.stop_sequences",
  requestChoiceCount: "gen_ai.request.choice.count",
  requestStream: "gen_ai.request.stream",
  responseId: "gen_ai.response.id",
  responseModel: "gen_ai.response.model",
  responseFinishReasons: "gen_ai.response.finish_reasons",
  /** Seconds. */
  responseTimeToFirstChunk: "gen_ai.response.time_to_first_chunk",
  usageInputTokens: "gen_ai.usage.input_tokens",
  usageOutputTokens: "gen_ai.usage.output_tokens",
  usageCacheReadInputTokens: "gen_ai.usage.cache_read.input_tokens",
  usageReasoningOutputTokens: "gen_ai.usage.reasoning.output_tokens",
  /** Not in the conventions; the name collectors and LLM dashboards read for USD cost. */
  usageCost: "gen_ai.usage.cost",
  inputMessages: "gen_ai.input.messages",
  outputMessages: "gen_ai.output.messages",
} as const;

/** gen_ai.operation.name for each op: the conventions' well-known values where one fits. */
const OPERATION: Record<Op, string> = {
  chat: "chat",
  chatStream: "chat",
  responses: "chat",
  responsesStream: "chat",
  textCompletion: "text_completion",
  textCompletionStream: "text_completion",
  embeddings: "embeddings",
  listModels: "list_models",
  rerank: "rerank",
  speech: "speech",
  transcription: "transcription",
  imageGeneration: "image_generation",
  countTokens: "count_tokens",
  mcpTool: "execute_tool",
};

export const operationName = (op: Op): string => OPERATION[op] ?? op;

/** gen_ai.provider.name: the conventions' well-known values for our provider ids; any other id as it is. */
const PROVIDER: Record<string, string> = {
  bedrock: "aws.bedrock",
  azure: "azure.ai.openai",
  gemini: "gcp.gemini",
  vertex: "gcp.vertex_ai",
  mistral: "mistral_ai",
  xai: "x_ai",
  watsonx: "ibm.watsonx.ai",
};

export const providerName = (provider: string): string => PROVIDER[provider] ?? provider;
