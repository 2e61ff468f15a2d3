/**
 * Token counting on Vertex: Gemini models at :countTokens ({contents, systemInstruction, tools} → {totalTokens});
 * Claude models at publishers/anthropic/models/count-tokens:rawPredict, the model named in the body → {input_tokens}.
 */
import type { ChatRequest } from "../../schemas/chat";
import type { TokenCountResponse } from "../../schemas/tokens";
import { fromAnthropicCount, toAnthropicCountBody } from "../anthropic/count-tokens";
import { fromGeminiCount, toGeminiCountContents } from "../gemini/count-tokens";
import type { ProviderTarget, WireRequest } from "../types";
import { vertexHeaders } from "./chat";
import { isClaude } from "./claude";
import { readVertexConfig } from "./config";
import { vertexModelUrl } from "./urls";

export function vertexCountTokensRequest(req: ChatRequest, target: ProviderTarget): WireRequest {
  const cfg = readVertexConfig(target);
  if (isClaude(target.model)) {
    return {
      url: vertexModelUrl({ ...target, model: "count-tokens" }, cfg, "anthropic", "rawPredict"),
      method: "POST",
      headers: vertexHeaders(target),
      body: JSON.stringify(toAnthropicCountBody(req, target)),
    };
  }
  return { url: vertexModelUrl(target, cfg, "google", "countTokens"), method: "POST", headers: vertexHeaders(target), body: JSON.stringify(toGeminiCountContents(req)) };
}

export function fromVertexCount(body: any, target: ProviderTarget): TokenCountResponse {
  return isClaude(target.model) ? fromAnthropicCount(body, target) : fromGeminiCount(body, target);
}
