/** The Anthropic Messages dialect: clients of the Anthropic SDKs (baseURL <gateway>/anthropic) reach every provider. */
import type { IngressDialect } from "../types";
import { errorBody } from "./errors";
import { toChatRequest } from "./request";
import { toAnthropicMessage } from "./response";
import { createAnthropicStreamEncoder } from "./stream";

export const anthropicDialect: IngressDialect = {
  name: "anthropic",
  toChatRequest,
  fromChatResponse: (res) => toAnthropicMessage(res),
  streamEncoder: () => createAnthropicStreamEncoder(),
  errorBody,
};
