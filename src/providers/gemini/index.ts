/** The Gemini API (generativelanguage.googleapis.com) adapter: translation only, the provider call (src/core/provider-call.ts) does the I/O. */
import type { Op } from "../../schemas/ops";
import type { ProviderAdapter } from "../types";
import { geminiChatRequest } from "./chat";
import { fromGeminiCount, geminiCountTokensRequest } from "./count-tokens";
import { fromGeminiEmbeddings, geminiEmbeddingRequest } from "./embeddings";
import { googleError } from "./errors";
import { fromGeminiModels, geminiModelsRequest } from "./models";
import { fromGeminiResponse } from "./response";
import { createGeminiStreamDecoder } from "./stream";

export const geminiAdapter: ProviderAdapter = {
  kind: "gemini",
  capabilities: new Set<Op>(["chat", "chatStream", "embeddings", "listModels", "countTokens"]),
  chatRequest: geminiChatRequest,
  chatResponse: (body, target) => fromGeminiResponse(body, target),
  chatStreamDecoder: (target) => createGeminiStreamDecoder(target),
  embeddingRequest: geminiEmbeddingRequest,
  embeddingResponse: fromGeminiEmbeddings,
  countTokensRequest: geminiCountTokensRequest,
  countTokensResponse: fromGeminiCount,
  listModelsRequest: geminiModelsRequest,
  listModelsResponse: fromGeminiModels,
  errorFromResponse: googleError,
};

export { toGeminiRequest, geminiChatRequest, geminiModelPath } from "./chat";
export { fromGeminiResponse } from "./response";
export { createGeminiStreamDecoder } from "./stream";
export { embeddingTexts, fromGeminiEmbeddings, geminiEmbeddingRequest } from "./embeddings";
export { googleError, googleStreamError } from "./errors";
export { mapFinishReason, toUsage } from "./finish";
export { THOUGHT_SIGNATURE, readSignatures, signatureDetail } from "./signatures";
export { toGeminiSchema } from "./schema";
export type * from "./types";
