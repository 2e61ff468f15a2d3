/** The Bedrock Runtime adapter (Converse, InvokeModel embeddings, ListFoundationModels): translation and signing, no I/O. */
import type { Op } from "../../schemas/ops";
import type { ProviderAdapter } from "../types";
import { authorizeBedrock } from "./authorize";
import { bedrockChatRequest } from "./chat";
import { bedrockEmbeddingRequest, fromBedrockEmbedding } from "./embeddings";
import { bedrockError } from "./errors";
import { bedrockModelsRequest, fromBedrockModels } from "./models";
import { fromConverseResponse } from "./response";
import { createBedrockStreamDecoder } from "./stream";

export const bedrockAdapter: ProviderAdapter = {
  kind: "bedrock",
  capabilities: new Set<Op>(["chat", "chatStream", "embeddings", "listModels"]),
  chatRequest: bedrockChatRequest,
  chatResponse: (body, target) => fromConverseResponse(body, target),
  chatStreamDecoder: (target) => createBedrockStreamDecoder(target),
  authorize: authorizeBedrock,
  embeddingRequest: bedrockEmbeddingRequest,
  embeddingResponse: fromBedrockEmbedding,
  listModelsRequest: bedrockModelsRequest,
  listModelsResponse: fromBedrockModels,
  errorFromResponse: bedrockError,
};

export { toConverseRequest, bedrockChatRequest } from "./chat";
export { fromConverseResponse } from "./response";
export { createBedrockStreamDecoder } from "./stream";
export { bedrockError, streamExceptionStatus } from "./errors";
export { signRequest } from "./sigv4";
export { verifySignature, parseAuthorization } from "./sigv4-verify";
export { encodeEvent, encodeException, encodeMessage, decodeMessage, EventStreamDecoder, EVENTSTREAM_CONTENT_TYPE } from "./eventstream";
