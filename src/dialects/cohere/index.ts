/** The Cohere v2 chat dialect: clients of the cohere-ai SDKs (ClientV2, base URL <gateway>/cohere) reach every provider. */
import type { IngressDialect } from "../types";
import { errorBody } from "./errors";
import { toChatRequest } from "./request";
import { toCohereResponse } from "./response";
import { createCohereStreamEncoder } from "./stream";

export const cohereDialect: IngressDialect = {
  name: "cohere",
  toChatRequest,
  fromChatResponse: (res) => toCohereResponse(res),
  streamEncoder: () => createCohereStreamEncoder(),
  errorBody,
};

export { toChatRequest } from "./request";
export { toCohereResponse } from "./response";
export { createCohereStreamEncoder } from "./stream";
