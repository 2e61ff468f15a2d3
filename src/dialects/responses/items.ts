/** Output items of a Response: assistant message, reasoning, function call. */
import { packReasoning, type ReasoningDetail } from "./reasoning";
import type { FunctionCallItem, ItemStatus, MessageItem, MessagePart, OutputText, ReasoningItem } from "./types";
import { functionCallId } from "./ids";

export const outputText = (text: string): OutputText => ({ type: "output_text", text, annotations: [], logprobs: [] });

export function messageItem(id: string, content: MessagePart[], status: ItemStatus): MessageItem {
  return { id, type: "message", status, content, role: "assistant" };
}

/** Raw reasoning is reasoning_text content (as gpt-oss reports it), not a summary; signatures ride in encrypted_content. */
export function reasoningItem(id: string, text: string, details: ReasoningDetail[]): ReasoningItem {
  const item: ReasoningItem = { id, type: "reasoning", summary: [], content: text ? [{ type: "reasoning_text", text }] : [] };
  const packed = packReasoning(details);
  if (packed) item.encrypted_content = packed;
  return item;
}

/** Clients JSON.parse arguments: a call without any is "{}". */
export function functionCallItem(callId: string, name: string, args: string, status: ItemStatus): FunctionCallItem {
  return { id: functionCallId(callId), type: "function_call", status, arguments: args || "{}", call_id: callId, name };
}
