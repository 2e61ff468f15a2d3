/** Canonical chat completion → ConverseResponse, as the AWS SDKs read it. */
import type { ContentBlock, ConverseResponse } from "../../providers/bedrock/types";
import type { AssistantMessage, ChatResponse } from "../../schemas/chat";
import { toConverseUsage, toStopReason } from "./finish";

export function toConverseResponse(res: ChatResponse): ConverseResponse {
  const choice = res.choices?.[0];
  const msg = choice?.message;
  const content: ContentBlock[] = msg ? reasoningBlocks(msg) : [];
  const text = msg?.content || msg?.refusal;
  if (text) content.push({ text });
  for (const call of msg?.tool_calls ?? []) {
    content.push({ toolUse: { toolUseId: call.id, name: call.function.name, input: toolInput(call.function.arguments) } });
  }
  return {
    output: { message: { role: "assistant", content } },
    stopReason: toStopReason(choice?.finish_reason, !!msg?.tool_calls?.length),
    usage: toConverseUsage(res.usage),
    metrics: { latencyMs: Math.round(Number(res.extra_fields?.latency_ms ?? 0)) },
  };
}

/** Reasoning goes first, as Bedrock returns it; signatures are kept so the client can send the turn back. */
export function reasoningBlocks(msg: AssistantMessage): ContentBlock[] {
  const details = msg.reasoning_details ?? [];
  const out: ContentBlock[] = [];
  if (details.some((d) => d.type === "reasoning.text" && d.text)) {
    for (const d of details) {
      if (d.type === "reasoning.text") out.push({ reasoningContent: { reasoningText: d.signature ? { text: d.text ?? "", signature: d.signature } : { text: d.text ?? "" } } });
      else if (d.type === "reasoning.encrypted" && d.data) out.push({ reasoningContent: { redactedContent: d.data } });
    }
    return out;
  }
  // Reasoning as plain text (DeepSeek, OpenRouter…): one block, signed if a detail carries the signature.
  if (msg.reasoning) {
    const signature = details.find((d) => d.signature)?.signature;
    out.push({ reasoningContent: { reasoningText: signature ? { text: msg.reasoning, signature } : { text: msg.reasoning } } });
  }
  for (const d of details) if (d.type === "reasoning.encrypted" && d.data) out.push({ reasoningContent: { redactedContent: d.data } });
  return out;
}

/** Converse clients read toolUse.input as an object: empty or malformed arguments become {}. */
export function toolInput(args: string | undefined): Record<string, unknown> {
  if (!args) return {};
  try {
    const v = JSON.parse(args);
    return v && typeof v === "object" && !Array.isArray(v) ? v : {};
  } catch {
    return {};
  }
}
