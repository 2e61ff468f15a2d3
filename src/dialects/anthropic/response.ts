/** Canonical chat completion → Anthropic Message. */
import type { AnthropicResponse, AnthropicResponseBlock } from "../../providers/anthropic/types";
import type { AssistantMessage, ChatResponse } from "../../schemas/chat";
import { interleavedBlocks } from "../../providers/anthropic/citations";
import { matchedStop, toAnthropicUsage, toStopReason } from "./finish";
import { messageId, toolUseId } from "./ids";

export function toAnthropicMessage(res: ChatResponse): AnthropicResponse {
  const choice = res.choices?.[0];
  const msg = choice?.message;
  const content: AnthropicResponseBlock[] = msg ? [...thinkingBlocks(msg)] : [];
  const text = msg?.content || msg?.refusal;
  if (msg?.annotations?.length || msg?.server_tool_blocks?.length) content.push(...interleavedBlocks(text ?? "", msg.annotations ?? [], msg.server_tool_blocks ?? []));
  else if (text) content.push({ type: "text", text });
  for (const call of msg?.tool_calls ?? []) {
    content.push({ type: "tool_use", id: toolUseId(call.id), name: call.function.name, input: toolInput(call.function.arguments) });
  }
  const matched = matchedStop(choice);
  const stop_reason = toStopReason(choice?.finish_reason, !!msg?.tool_calls?.length, matched, res.extra_fields?.native_finish_reason);
  return {
    id: messageId(res.id),
    type: "message",
    role: "assistant",
    model: res.model,
    content,
    stop_reason,
    stop_sequence: stop_reason === "stop_sequence" ? matched : null,
    usage: toAnthropicUsage(res.usage),
  };
}

/** Thinking goes first, as Anthropic returns it; signatures are kept so the client can send the turn back. */
function thinkingBlocks(msg: AssistantMessage): AnthropicResponseBlock[] {
  const details = msg.reasoning_details ?? [];
  const out: AnthropicResponseBlock[] = [];
  if (details.some((d) => d.type === "reasoning.text" && d.text)) {
    for (const d of details) {
      if (d.type === "reasoning.text") out.push({ type: "thinking", thinking: d.text ?? "", signature: d.signature ?? "" });
      else if (d.type === "reasoning.encrypted" && d.data) out.push({ type: "redacted_thinking", data: d.data });
    }
    return out;
  }
  // Reasoning as plain text (DeepSeek, OpenRouter…): one thinking block, signed if a detail carries the signature.
  if (msg.reasoning) {
    const signature = details.find((d) => d.signature)?.signature ?? "";
    out.push({ type: "thinking", thinking: msg.reasoning, signature });
  }
  for (const d of details) if (d.type === "reasoning.encrypted" && d.data) out.push({ type: "redacted_thinking", data: d.data });
  return out;
}

/** Anthropic's tool_use.input is an object: empty or malformed arguments become {}. */
export function toolInput(args: string | undefined): Record<string, unknown> {
  if (!args) return {};
  try {
    const v = JSON.parse(args);
    return v && typeof v === "object" && !Array.isArray(v) ? v : {};
  } catch {
    return {};
  }
}
