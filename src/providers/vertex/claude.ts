/** Claude on Vertex: Anthropic's Messages body at :rawPredict, the model in the URL and Vertex's API version in the body. */
import type { ChatRequest } from "../../schemas/chat";
import { toAnthropicRequest } from "../anthropic";
import type { ProviderTarget, WireRequest } from "../types";
import { readVertexConfig } from "./config";
import { vertexModelUrl } from "./urls";

export const VERTEX_ANTHROPIC_VERSION = "vertex-2023-10-16";

export const isClaude = (model: string): boolean => model.startsWith("claude-");

export function toVertexClaudeBody(req: ChatRequest, target: ProviderTarget, stream: boolean): Record<string, unknown> {
  // Vertex names the model in the URL and rejects it in the body.
  const { model, ...body } = toAnthropicRequest(req, target, stream);
  return { anthropic_version: VERTEX_ANTHROPIC_VERSION, ...body };
}

export function vertexClaudeRequest(req: ChatRequest, target: ProviderTarget, stream: boolean, headers: Record<string, string>): WireRequest {
  return {
    url: vertexModelUrl(target, readVertexConfig(target), "anthropic", stream ? "streamRawPredict" : "rawPredict"),
    method: "POST",
    headers,
    body: JSON.stringify(toVertexClaudeBody(req, target, stream)),
  };
}
