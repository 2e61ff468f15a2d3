/**
 * The Google GenAI ingress dialect: clients of the GenAI SDKs (and Gemini REST) call
 * POST /genai/v1beta/models/{model}:generateContent or :streamGenerateContent and get Gemini's shapes back,
 * whichever provider answers. `{model}` may be "provider/model" (e.g. "openai/gpt-4o-mini").
 */
import type { IngressDialect } from "../types";
import { genaiErrorBody } from "./errors";
import { genaiToChatRequest } from "./request";
import { genaiFromChatResponse } from "./response";
import { genaiStreamEncoder } from "./stream";

export const genaiDialect: IngressDialect = {
  name: "genai",
  toChatRequest: genaiToChatRequest,
  fromChatResponse: (res) => genaiFromChatResponse(res),
  streamEncoder: () => genaiStreamEncoder(),
  errorBody: genaiErrorBody,
};

export { genaiToChatRequest, modelFromPath } from "./request";
export { genaiFromChatResponse } from "./response";
export { genaiStreamEncoder } from "./stream";
export { genaiErrorBody, googleErrorJson, googleStatus } from "./errors";
