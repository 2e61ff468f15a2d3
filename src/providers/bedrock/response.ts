/** ConverseResponse → canonical chat completion. */
import type { AssistantMessage, ChatResponse, ToolCall } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import type { ProviderTarget } from "../types";
import { mapStopReason, toUsage } from "./finish";
import { newCompletionId } from "./ids";
import type { ConverseResponse } from "./types";

export function fromConverseResponse(body: ConverseResponse, target: ProviderTarget, now = Date.now, newId = newCompletionId): ChatResponse {
  const content = body?.output?.message?.content;
  if (!Array.isArray(content)) {
    throw new BifrostError({ status: 502, type: "upstream_error", message: "upstream answered without output.message.content", extra: { provider: target.provider } });
  }
  const texts: string[] = [];
  const thinking: string[] = [];
  const tool_calls: ToolCall[] = [];
  const reasoning_details: NonNullable<AssistantMessage["reasoning_details"]> = [];
  for (const block of content as any[]) {
    if (typeof block?.text === "string") texts.push(block.text);
    else if (block?.toolUse) {
      const t = block.toolUse;
      tool_calls.push({ id: t.toolUseId, type: "function", function: { name: t.name, arguments: JSON.stringify(t.input ?? {}) } });
    } else if (block?.reasoningContent?.reasoningText) {
      const r = block.reasoningContent.reasoningText;
      thinking.push(r.text ?? "");
      reasoning_details.push(r.signature ? { type: "reasoning.text", text: r.text ?? "", signature: r.signature } : { type: "reasoning.text", text: r.text ?? "" });
    } else if (typeof block?.reasoningContent?.redactedContent === "string") {
      reasoning_details.push({ type: "reasoning.encrypted", data: block.reasoningContent.redactedContent });
    }
    // image, document, citations and guard blocks have no chat-completions equivalent in an answer.
  }

  const message: AssistantMessage = { role: "assistant", content: texts.length ? texts.join("") : null };
  if (tool_calls.length) message.tool_calls = tool_calls;
  if (thinking.length) message.reasoning = thinking.join("");
  if (reasoning_details.length) message.reasoning_details = reasoning_details;

  const response: ChatResponse = {
    id: newId(),
    object: "chat.completion",
    created: Math.floor(now() / 1000),
    model: target.model,
    choices: [{ index: 0, message, finish_reason: mapStopReason(body.stopReason) ?? "stop" }],
  };
  if (body.usage) response.usage = toUsage(body.usage);
  return response;
}
