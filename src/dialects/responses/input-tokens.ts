/** POST /v1/responses/input_tokens: a Responses body → canonical count → {object:"response.input_tokens", input_tokens}. */
import type { TokenCountResponse } from "../../schemas/tokens";
import type { UnaryIngress } from "../unary";
import { errorBody } from "./errors";
import { toChatRequest } from "./request";

export const responsesInputTokens: UnaryIngress<TokenCountResponse> = {
  op: "countTokens",
  toRequest(body, params) {
    const req = toChatRequest(body, params);
    // Counting never streams, whatever the body says.
    delete req.stream;
    delete req.stream_options;
    return req;
  },
  fromAnswer: (res) => ({ object: "response.input_tokens", input_tokens: res.input_tokens }),
  errorBody,
};
