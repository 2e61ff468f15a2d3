/** Vertex chat: Gemini models speak generateContent, Claude models Anthropic's Messages API. */
import type { ChatChunk, ChatRequest, ChatResponse } from "../../schemas/chat";
import { createAnthropicStreamDecoder, fromAnthropicResponse } from "../anthropic";
import { createGeminiStreamDecoder, fromGeminiResponse, toGeminiRequest } from "../gemini";
import { geminiHeaders } from "../gemini/headers";
import type { ProviderTarget, StreamDecoder, WireRequest } from "../types";
import { isClaude, vertexClaudeRequest } from "./claude";
import { readVertexConfig } from "./config";
import { vertexModelUrl } from "./urls";

/** JSON plus extra headers; authorization is added by authorize(), never an API-key header. */
export const vertexHeaders = (target: ProviderTarget) => geminiHeaders({ ...target, apiKey: "" });

export function vertexChatRequest(req: ChatRequest, target: ProviderTarget, stream: boolean): WireRequest {
  if (isClaude(target.model)) return vertexClaudeRequest(req, target, stream, vertexHeaders(target));
  return {
    url: vertexModelUrl(target, readVertexConfig(target), "google", stream ? "streamGenerateContent?alt=sse" : "generateContent"),
    method: "POST",
    headers: vertexHeaders(target),
    body: JSON.stringify(toGeminiRequest(req)),
  };
}

export function fromVertexResponse(body: any, target: ProviderTarget): ChatResponse {
  return isClaude(target.model) ? fromAnthropicResponse(body, target) : fromGeminiResponse(body, target);
}

export function createVertexStreamDecoder(target: ProviderTarget): StreamDecoder<ChatChunk> {
  return isClaude(target.model) ? createAnthropicStreamDecoder(target) : createGeminiStreamDecoder(target);
}
