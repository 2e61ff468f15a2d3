/** The Cohere API v2 adapter (chat, embed, rerank; v1 model listing): translation only, the provider call (src/core/provider-call.ts) does the I/O. */
import type { RerankRequest, RerankResponse } from "../../schemas/rerank";
import type { Op } from "../../schemas/ops";
import type { ProviderAdapter, ProviderTarget } from "../types";
import { cohereChatRequest } from "./chat";
import { cohereEmbedRequest, fromCohereEmbedResponse } from "./embed";
import { cohereError } from "./errors";
import { cohereModelsRequest, fromCohereModels } from "./models";
import { cohereRerankRequest, fromCohereRerankResponse } from "./rerank";
import { fromCohereResponse } from "./response";
import { createCohereStreamDecoder } from "./stream";

export const cohereAdapter: ProviderAdapter & {
  /** The canonical request as an optional third argument: rerank documents are echoed from it (v2 never returns them). */
  rerankResponse(body: any, target: ProviderTarget, req?: RerankRequest): RerankResponse;
} = {
  kind: "cohere",
  capabilities: new Set<Op>(["chat", "chatStream", "embeddings", "rerank", "listModels"]),
  chatRequest: cohereChatRequest,
  chatResponse: (body, target) => fromCohereResponse(body, target),
  chatStreamDecoder: (target) => createCohereStreamDecoder(target),
  embeddingRequest: cohereEmbedRequest,
  embeddingResponse: fromCohereEmbedResponse,
  rerankRequest: cohereRerankRequest,
  rerankResponse: fromCohereRerankResponse,
  listModelsRequest: cohereModelsRequest,
  listModelsResponse: fromCohereModels,
  errorFromResponse: cohereError,
};

export { toCohereRequest, cohereChatRequest } from "./chat";
export { fromCohereResponse } from "./response";
export { createCohereStreamDecoder } from "./stream";
export { cohereError } from "./errors";
export { mapFinishReason, toUsage } from "./finish";
export type * from "./types";
