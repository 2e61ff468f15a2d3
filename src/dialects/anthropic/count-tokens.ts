/** POST /anthropic/v1/messages/count_tokens: a Messages body without max_tokens → canonical count → {input_tokens}. */
import type { TokenCountResponse } from "../../schemas/tokens";
import type { UnaryIngress } from "../unary";
import { errorBody } from "./errors";
import { toChatRequest } from "./request";

export const anthropicCountTokens: UnaryIngress<TokenCountResponse> = {
  op: "countTokens",
  toRequest(body, params) {
    // count_tokens takes the Messages body minus the generation fields: the chat request it would be, with max_tokens irrelevant.
    const isObj = body !== null && typeof body === "object" && !Array.isArray(body);
    const req = toChatRequest(isObj ? { ...body, max_tokens: 1, stream: false } : body, params);
    delete req.max_tokens;
    return req;
  },
  fromAnswer: (res) => ({ input_tokens: res.input_tokens }),
  errorBody,
};
