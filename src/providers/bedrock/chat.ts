/** Canonical chat request → Converse request, POSTed to /model/{id}/converse or /converse-stream. */
import type { ChatRequest } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import type { ProviderTarget, WireRequest } from "../types";
import { baseHeaders, modelPath, runtimeBase } from "./config";
import { EVENTSTREAM_CONTENT_TYPE } from "./eventstream";
import { toConverseMessages } from "./messages";
import { bedrockThinkingBudget, isAnthropicModel, maxTokens } from "./thinking";
import { toToolConfig } from "./tools";
import type { ConverseRequest, InferenceConfig } from "./types";

export function toConverseRequest(req: ChatRequest, target: ProviderTarget): ConverseRequest {
  if (req.n !== undefined && req.n > 1) throw BifrostError.badRequest("n > 1 is not supported by bedrock", "n");
  const { system, messages } = toConverseMessages(req.messages);
  const body: ConverseRequest = { messages };
  if (system) body.system = system;

  const budget = bedrockThinkingBudget(req, target.model);
  const inference: InferenceConfig = {};
  const max = maxTokens(req, budget);
  if (max !== undefined) inference.maxTokens = max;
  if (req.temperature !== undefined) inference.temperature = req.temperature;
  if (req.top_p !== undefined) inference.topP = req.top_p;
  const stop = typeof req.stop === "string" ? [req.stop] : req.stop;
  if (stop && stop.length) inference.stopSequences = stop;
  if (Object.keys(inference).length) body.inferenceConfig = inference;

  const toolConfig = toToolConfig(req);
  if (toolConfig) body.toolConfig = toolConfig;

  // Model-specific fields Converse does not model itself; only Claude's names are known here.
  const extra: Record<string, unknown> = {};
  if (budget !== undefined) extra.thinking = { type: "enabled", budget_tokens: budget };
  if (req.top_k !== undefined && isAnthropicModel(target.model)) extra.top_k = req.top_k;
  if (Object.keys(extra).length) body.additionalModelRequestFields = extra;
  return body;
}

export function bedrockChatRequest(req: ChatRequest, target: ProviderTarget, stream: boolean): WireRequest {
  return {
    url: `${runtimeBase(target)}${modelPath(target)}/${stream ? "converse-stream" : "converse"}`,
    method: "POST",
    headers: baseHeaders(target, stream ? EVENTSTREAM_CONTENT_TYPE : "application/json"),
    body: JSON.stringify(toConverseRequest(req, target)),
  };
}
