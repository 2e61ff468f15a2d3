/**
 * The Vertex AI adapter: Gemini models through generateContent (the Gemini adapter's translation),
 * Claude models through Anthropic's Messages format at :rawPredict, and service-account auth.
 */
import { googleError } from "../gemini";
import type { Op } from "../../schemas/ops";
import type { ProviderAdapter } from "../types";
import { authorizeVertex } from "./authorize";
import { createVertexStreamDecoder, fromVertexResponse, vertexChatRequest } from "./chat";
import { fromVertexCount, vertexCountTokensRequest } from "./count-tokens";
import { fromVertexEmbeddings, vertexEmbeddingRequest } from "./embeddings";

export const vertexAdapter: ProviderAdapter = {
  kind: "vertex",
  capabilities: new Set<Op>(["chat", "chatStream", "embeddings", "countTokens"]),
  chatRequest: vertexChatRequest,
  chatResponse: fromVertexResponse,
  chatStreamDecoder: createVertexStreamDecoder,
  authorize: authorizeVertex,
  embeddingRequest: vertexEmbeddingRequest,
  embeddingResponse: fromVertexEmbeddings,
  countTokensRequest: vertexCountTokensRequest,
  countTokensResponse: fromVertexCount,
  // Google's {error:{code,message,status}} and, for Claude, Anthropic's {error:{type,message}}: one reader for both.
  errorFromResponse: googleError,
};

export { authorizeVertex } from "./authorize";
export { setTokenFetcher, clearTokenCache, type TokenFetcher } from "./token";
export { readVertexConfig, type VertexConfig, type ServiceAccount } from "./config";
export { vertexOrigin, vertexModelUrl } from "./urls";
export { isClaude, toVertexClaudeBody, VERTEX_ANTHROPIC_VERSION } from "./claude";
