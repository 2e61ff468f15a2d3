/** The Anthropic Messages API adapter: translation only, the provider call (src/core/provider-call.ts) does the I/O. No embeddings: Anthropic has none. */
import type { Op } from "../../schemas/ops";
import type { ProviderAdapter } from "../types";
import { anthropicChatRequest } from "./chat";
import { anthropicCountTokensRequest, fromAnthropicCount } from "./count-tokens";
import { anthropicError } from "./errors";
import { anthropicModelsRequest, fromAnthropicModels } from "./models";
import { fromAnthropicResponse } from "./response";
import { createAnthropicStreamDecoder } from "./stream";

export const anthropicAdapter: ProviderAdapter = {
  kind: "anthropic",
  capabilities: new Set<Op>(["chat", "chatStream", "listModels", "countTokens"]),
  chatRequest: anthropicChatRequest,
  chatResponse: (body, target) => fromAnthropicResponse(body, target),
  chatStreamDecoder: (target) => createAnthropicStreamDecoder(target),
  countTokensRequest: anthropicCountTokensRequest,
  countTokensResponse: fromAnthropicCount,
  listModelsRequest: anthropicModelsRequest,
  listModelsResponse: fromAnthropicModels,
  errorFromResponse: anthropicError,
};

export { toAnthropicRequest, anthropicChatRequest } from "./chat";
export { fromAnthropicResponse } from "./response";
export { createAnthropicStreamDecoder } from "./stream";
export { anthropicError } from "./errors";
