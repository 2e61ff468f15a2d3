/** Cohere v2 chat response → canonical chat completion. */
import type { AssistantMessage, ChatResponse, ToolCall } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import type { ProviderTarget } from "../types";
import { finishError, mapFinishReason, toUsage } from "./finish";
import type { CohereChatResponse } from "./types";

export function fromCohereResponse(body: CohereChatResponse, target: ProviderTarget, now = Date.now): ChatResponse {
  if (!body || typeof body !== "object" || !body.message || typeof body.message !== "object") {
    throw new BifrostError({ status: 502, type: "upstream_error", message: "upstream answered without a message", extra: { provider: target.provider } });
  }
  const failed = finishError(body.finish_reason, undefined, target);
  if (failed) throw failed;

  const texts: string[] = [];
  const thinking: string[] = [];
  for (const part of body.message.content ?? []) {
    if (part.type === "text" && typeof part.text === "string") texts.push(part.text);
    else if (part.type === "thinking" && typeof part.thinking === "string") thinking.push(part.thinking);
  }
  const tool_calls: ToolCall[] = (body.message.tool_calls ?? []).map((c) => ({
    id: c.id,
    type: "function",
    function: { name: c.function?.name ?? "", arguments: toolArguments(c.function?.arguments) },
  }));
  // tool_plan is the text Cohere says before calling tools ("I will search for …"): it is the turn's content.
  const said = texts.join("") || body.message.tool_plan || "";

  const message: AssistantMessage = { role: "assistant", content: said || null };
  if (tool_calls.length) message.tool_calls = tool_calls;
  if (thinking.length) message.reasoning = thinking.join("");

  const response: ChatResponse = {
    id: body.id,
    object: "chat.completion",
    created: Math.floor(now() / 1000),
    model: target.model,
    // Cohere may finish a tool-calling turn with COMPLETE; OpenAI clients loop on "tool_calls".
    choices: [{ index: 0, message, finish_reason: tool_calls.length ? "tool_calls" : mapFinishReason(body.finish_reason) ?? "stop" }],
  };
  if (body.usage) response.usage = toUsage(body.usage);
  return response;
}

/** Cohere calls a no-argument tool with "" or "null"; OpenAI clients JSON.parse an object. */
function toolArguments(args: string | undefined): string {
  return !args || args.trim() === "null" ? "{}" : args;
}
