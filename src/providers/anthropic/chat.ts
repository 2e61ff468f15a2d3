/** Canonical chat request → Anthropic Messages API request. Built field by field: Anthropic rejects unknown fields. */
import type { ChatRequest } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import type { ProviderTarget, WireRequest } from "../types";
import { anthropicHeaders } from "./headers";
import { toAnthropicMessages } from "./messages";
import { maxTokens, thinkingBudget } from "./thinking";
import { toAnthropicToolChoice, toAnthropicTools, toolBetas } from "./tools";
import type { AnthropicRequest } from "./types";

export function toAnthropicRequest(req: ChatRequest, target: ProviderTarget, stream: boolean): AnthropicRequest {
  if (req.n !== undefined && req.n > 1) throw BifrostError.badRequest("n > 1 is not supported by anthropic", "n");
  const { system, messages } = toAnthropicMessages(req.messages);
  const budget = thinkingBudget(req);
  const body: AnthropicRequest = { model: target.model, messages, max_tokens: maxTokens(req, budget) };
  if (system) body.system = system;

  const stop = typeof req.stop === "string" ? [req.stop] : req.stop;
  if (stop && stop.length) body.stop_sequences = stop;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.top_p !== undefined) body.top_p = req.top_p;
  if (req.top_k !== undefined) body.top_k = req.top_k;
  if (req.user) body.metadata = { user_id: req.user };

  // tool_choice without tools is an Anthropic 400; without tools it means nothing anyway.
  if (req.tools && req.tools.length) {
    body.tools = toAnthropicTools(req.tools);
    const choice = toAnthropicToolChoice(req.tool_choice, req.parallel_tool_calls);
    if (choice) body.tool_choice = choice;
  }
  if (budget !== undefined) body.thinking = { type: "enabled", budget_tokens: budget };
  if (stream) body.stream = true;
  return body;
}

export function anthropicChatRequest(req: ChatRequest, target: ProviderTarget, stream: boolean): WireRequest {
  const body = toAnthropicRequest(req, target, stream);
  const headers = anthropicHeaders(target);
  const betas = toolBetas(body.tools);
  if (betas.length) headers["anthropic-beta"] = [headers["anthropic-beta"], ...betas].filter(Boolean).join(",");
  return { url: `${target.baseUrl}/v1/messages`, method: "POST", headers, body: JSON.stringify(body) };
}
