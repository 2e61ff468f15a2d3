/**
 * Token counting at the Gemini API: POST /v1beta/models/{m}:countTokens → {totalTokens}. The request goes
 * as a whole generateContentRequest, so the system instruction and tools are counted with the contents.
 */
import { modelPathSegments } from "../../core/model-name";
import type { ChatRequest } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import { tokenCount, type TokenCountResponse } from "../../schemas/tokens";
import type { ProviderTarget, WireRequest } from "../types";
import { geminiModelPath, toGeminiRequest } from "./chat";
import { geminiHeaders } from "./headers";
import type { GeminiRequest } from "./types";

/** The prompt part of a generateContent request: what is counted (generation settings are not). */
export function toGeminiCountContents(req: ChatRequest): Omit<GeminiRequest, "generationConfig"> {
  const { generationConfig, ...prompt } = toGeminiRequest(req);
  return prompt;
}

export function geminiCountTokensRequest(req: ChatRequest, target: ProviderTarget): WireRequest {
  const model = geminiModelPath(target.model);
  return {
    url: `${target.baseUrl}/v1beta/${modelPathSegments(model)}:countTokens`,
    method: "POST",
    headers: geminiHeaders(target),
    body: JSON.stringify({ generateContentRequest: { model, ...toGeminiCountContents(req) } }),
  };
}

/** Gemini's and Vertex's answer: {totalTokens, …}. */
export function fromGeminiCount(body: any, target: ProviderTarget): TokenCountResponse {
  if (!Number.isInteger(body?.totalTokens)) {
    throw new BifrostError({ status: 502, type: "upstream_error", message: "upstream answered without totalTokens", extra: { provider: target.provider } });
  }
  return tokenCount(target.model, body.totalTokens);
}
