/** Canonical chat response → GenAI GenerateContentResponse. */
import type { AssistantMessage, ChatResponse, FinishReason, Usage } from "../../schemas/chat";
import { readSignatures } from "../../providers/gemini/signatures";
import type { GeminiPart, GeminiResponse, GeminiUsage } from "../../providers/gemini/types";

export function genaiFromChatResponse(res: ChatResponse): GeminiResponse {
  const out: GeminiResponse = {
    candidates: res.choices.map((c) => ({
      content: { role: "model", parts: messageParts(c.message) },
      finishReason: toFinishReason(c.finish_reason) ?? "STOP",
      index: c.index,
    })),
  };
  if (res.usage) out.usageMetadata = toUsageMetadata(res.usage);
  out.modelVersion = res.model;
  out.responseId = res.id;
  return out;
}

/** Thinking first, then the answer, then function calls, each with the signature it came with. */
export function messageParts(m: Pick<AssistantMessage, "content" | "reasoning" | "refusal" | "tool_calls" | "reasoning_details">): GeminiPart[] {
  const parts: GeminiPart[] = [];
  const signatures = readSignatures(m.reasoning_details);
  if (m.reasoning) parts.push({ text: m.reasoning, thought: true });
  const text = m.content || m.refusal;
  if (text) parts.push(signatures.text ? { text, thoughtSignature: signatures.text } : { text });
  for (const call of m.tool_calls ?? []) parts.push(functionCallPart(call.id, call.function.name, call.function.arguments, signatures.byCallId.get(call.id)));
  return parts;
}

export function functionCallPart(id: string | undefined, name: string, args: string, signature?: string): GeminiPart {
  const part: GeminiPart = { functionCall: id ? { id, name, args: parseArgs(args) } : { name, args: parseArgs(args) } };
  if (signature) part.thoughtSignature = signature;
  return part;
}

/** functionCall.args must be an object; arguments a model garbled are kept under a key rather than lost. */
function parseArgs(args: string): Record<string, unknown> {
  if (!args || !args.trim()) return {};
  try {
    const v = JSON.parse(args);
    return v && typeof v === "object" && !Array.isArray(v) ? v : { value: v };
  } catch {
    return { arguments: args };
  }
}

/** Gemini says STOP after function calls too; a filtered answer is SAFETY. */
export function toFinishReason(reason: FinishReason | undefined): string | undefined {
  switch (reason) {
    case "length":
      return "MAX_TOKENS";
    case "content_filter":
      return "SAFETY";
    case null:
    case undefined:
      return undefined;
    default:
      return "STOP";
  }
}

/** OpenAI counts thinking inside completion_tokens; Gemini reports it apart (thoughtsTokenCount). */
export function toUsageMetadata(u: Usage): GeminiUsage {
  const thoughts = u.completion_tokens_details?.reasoning_tokens ?? 0;
  const cached = u.prompt_tokens_details?.cached_tokens ?? 0;
  const out: GeminiUsage = {
    promptTokenCount: u.prompt_tokens,
    candidatesTokenCount: Math.max(0, u.completion_tokens - thoughts),
    totalTokenCount: u.total_tokens,
  };
  if (thoughts) out.thoughtsTokenCount = thoughts;
  if (cached) out.cachedContentTokenCount = cached;
  return out;
}
