/** Canonical chat completion → Responses API Response object. */
import type { AssistantMessage, ChatResponse } from "../../schemas/chat";
import { outcome, responseObject, type ResponsesParams } from "./envelope";
import { baseId, callId, itemId, responseId } from "./ids";
import { functionCallItem, messageItem, outputText, reasoningItem } from "./items";
import { packReasoning } from "./reasoning";
import type { MessagePart, OutputItem, ResponseObject } from "./types";
import { toResponsesUsage } from "./usage";

export function toResponse(res: ChatResponse, params: ResponsesParams, now = Date.now): ResponseObject {
  const choice = res.choices?.[0];
  const msg = choice?.message;
  const base = baseId(res.id);
  const end = outcome(choice?.finish_reason);
  const output: OutputItem[] = [];
  if (msg) {
    const text = reasoningText(msg);
    const details = msg.reasoning_details ?? [];
    if (text || packReasoning(details)) output.push(reasoningItem(itemId("rs", base, 0), text, details));
    const parts: MessagePart[] = [];
    if (msg.content) parts.push(outputText(msg.content));
    if (msg.refusal) parts.push({ type: "refusal", refusal: msg.refusal });
    // A turn with no tool call always has a message, so output_text is "" rather than missing.
    if (parts.length || !msg.tool_calls?.length) {
      output.push(messageItem(itemId("msg", base, 0), parts.length ? parts : [outputText("")], end.status === "incomplete" ? "incomplete" : "completed"));
    }
    for (const call of msg.tool_calls ?? []) output.push(functionCallItem(callId(call.id), call.function.name, call.function.arguments, "completed"));
  }
  const created_at = res.created ?? Math.floor(now() / 1000);
  const response = responseObject({ id: responseId(base), created_at, model: res.model, output, usage: toResponsesUsage(res.usage), ...end }, params.request);
  response.completed_at = Math.floor(now() / 1000);
  return response;
}

function reasoningText(msg: AssistantMessage): string {
  if (msg.reasoning) return msg.reasoning;
  return (msg.reasoning_details ?? []).map((d) => (d.type === "reasoning.text" ? d.text ?? "" : "")).join("");
}
