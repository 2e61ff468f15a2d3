/**
 * POST /genai/{v}/models/{m}:countTokens: {contents} or {generateContentRequest: {contents, systemInstruction,
 * tools, …}} → canonical count → {totalTokens}.
 */
import { BifrostError } from "../../schemas/error";
import type { TokenCountResponse } from "../../schemas/tokens";
import type { UnaryIngress } from "../unary";
import { genaiErrorBody } from "./errors";
import { field, isObject } from "./fields";
import { genaiToChatRequest } from "./request";

export const genaiCountTokens: UnaryIngress<TokenCountResponse> = {
  op: "countTokens",
  toRequest(body, params) {
    if (!isObject(body)) throw BifrostError.badRequest("request body must be a JSON object");
    const whole = field(body, "generateContentRequest");
    return genaiToChatRequest(isObject(whole) ? whole : { contents: field(body, "contents") }, { model: params.model });
  },
  fromAnswer: (res) => ({ totalTokens: res.input_tokens }),
  errorBody: genaiErrorBody,
};
