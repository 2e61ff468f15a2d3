/** The Bedrock Converse ingress dialect: clients of /model/{id}/converse and /converse-stream (AWS SDKs) talk to any provider. */
import type { IngressDialect } from "../types";
import { errorBody } from "./errors";
import { toChatRequest } from "./request";
import { toConverseResponse } from "./response";
import { createConverseStreamEncoder } from "./stream";

export const bedrockDialect: IngressDialect = {
  name: "bedrock",
  toChatRequest,
  fromChatResponse: (res) => toConverseResponse(res),
  streamEncoder: () => createConverseStreamEncoder(),
  errorBody,
};

export { toChatRequest } from "./request";
export { toConverseResponse } from "./response";
export { createConverseStreamEncoder } from "./stream";
export { bedrockErrorType, errorBody, exceptionFrame, streamExceptionType } from "./errors";
