/** Canonical chat completion → Cohere v2 chat response. */
import type { CohereChatResponse, CohereResponseMessage } from "../../providers/cohere/types";
import type { ChatResponse } from "../../schemas/chat";
import { toCohereFinishReason, toCohereUsage } from "./finish";
import { responseId, toolCallId } from "./ids";

export function toCohereResponse(res: ChatResponse): CohereChatResponse {
  const choice = res.choices?.[0];
  const msg = choice?.message;
  const text = msg?.content || msg?.refusal || "";
  const calls = msg?.tool_calls ?? [];
  const message: CohereResponseMessage = { role: "assistant" };
  const thinking = msg?.reasoning ? [{ type: "thinking" as const, thinking: msg.reasoning }] : [];
  if (calls.length) {
    // Beside tool calls Cohere's text is the tool_plan, and content holds only thinking.
    if (thinking.length) message.content = thinking;
    if (text) message.tool_plan = text;
    message.tool_calls = calls.map((c) => ({ id: toolCallId(c.id, c.function.name), type: "function", function: { name: c.function.name, arguments: c.function.arguments || "{}" } }));
  } else {
    // Clients read message.content[0].text: a text part is always there, even empty.
    message.content = [...thinking, { type: "text", text }];
  }
  return {
    id: responseId(res.id),
    finish_reason: toCohereFinishReason(choice?.finish_reason, calls.length > 0),
    message,
    usage: toCohereUsage(res.usage),
  };
}
