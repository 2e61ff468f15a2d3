/** One candidate's parts → the canonical assistant message: text, thinking, function calls, signatures. */
import type { AssistantMessage, ToolCall } from "../../schemas/chat";
import { signatureDetail } from "./signatures";
import type { GeminiFunctionCall, GeminiPart } from "./types";

/** Gemini's calls usually have no id; OpenAI clients need one to answer them. */
export function toToolCall(call: GeminiFunctionCall, n: number): ToolCall {
  return { id: call.id || `call_${n}`, type: "function", function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) } };
}

export function toAssistantMessage(parts: GeminiPart[], nextCall: () => number): AssistantMessage {
  const texts: string[] = [];
  const thoughts: string[] = [];
  const tool_calls: ToolCall[] = [];
  const reasoning_details: NonNullable<AssistantMessage["reasoning_details"]> = [];
  for (const part of parts) {
    if (part.functionCall) {
      const call = toToolCall(part.functionCall, nextCall());
      tool_calls.push(call);
      if (part.thoughtSignature) reasoning_details.push(signatureDetail(part.thoughtSignature, call.id));
      continue;
    }
    if (typeof part.text === "string") (part.thought ? thoughts : texts).push(part.text);
    if (part.thoughtSignature) reasoning_details.push(signatureDetail(part.thoughtSignature));
    // inlineData, executableCode and codeExecutionResult have no chat-completions equivalent.
  }
  const message: AssistantMessage = { role: "assistant", content: texts.length ? texts.join("") : null };
  if (tool_calls.length) message.tool_calls = tool_calls;
  if (thoughts.length) message.reasoning = thoughts.join("");
  if (reasoning_details.length) message.reasoning_details = reasoning_details;
  return message;
}

/** The refusal a blocked prompt gets: Gemini answers 200 with no candidates and a promptFeedback. */
export function blockedRefusal(blockReason: string, message?: string): string {
  return `The prompt was blocked by Gemini (${blockReason})${message ? `: ${message}` : "."}`;
}
