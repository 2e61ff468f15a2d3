/** The OpenAI Responses dialect (POST /v1/responses), served by any provider through canonical chat. Stateless. */
import type { IngressDialect } from "../types";
import type { ResponsesParams } from "./envelope";
import { errorBody } from "./errors";
import { toChatRequest } from "./request";
import { toResponse } from "./response";
import { createResponsesStreamEncoder } from "./stream";

export type { ResponsesParams } from "./envelope";

export const responsesDialect: IngressDialect = {
  name: "responses",
  toChatRequest,
  /** Pass the client's request body as params.request to have its parameters echoed in the Response. */
  fromChatResponse: (res, params: ResponsesParams) => toResponse(res, params),
  streamEncoder: (params: ResponsesParams) => createResponsesStreamEncoder(params),
  errorBody,
};
