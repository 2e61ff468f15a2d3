import type { FinishReason, Usage } from "../../schemas/chat";
import type { GeminiUsage } from "./types";

const FILTERED = new Set(["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT"]);

/** Gemini finishReason → OpenAI finish_reason; Gemini says STOP after function calls, OpenAI says tool_calls. */
export function mapFinishReason(reason: string | null | undefined, hasToolCalls: boolean): FinishReason {
  if (!reason) return null;
  if (reason === "MAX_TOKENS") return "length";
  if (FILTERED.has(reason)) return "content_filter";
  // STOP, OTHER, LANGUAGE, MALFORMED_FUNCTION_CALL and reasons added later
  return hasToolCalls ? "tool_calls" : "stop";
}

/** Gemini counts thinking apart from the answer (thoughtsTokenCount); OpenAI counts both as completion. */
export function toUsage(u: GeminiUsage): Usage {
  const prompt = (u.promptTokenCount ?? 0) + (u.toolUsePromptTokenCount ?? 0);
  const thoughts = u.thoughtsTokenCount;
  const completion = (u.candidatesTokenCount ?? 0) + (thoughts ?? 0);
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: u.totalTokenCount ?? prompt + completion,
    // promptTokenCount already includes the cached tokens.
    prompt_tokens_details: { cached_tokens: u.cachedContentTokenCount ?? 0 },
  };
  if (typeof thoughts === "number") usage.completion_tokens_details = { reasoning_tokens: thoughts };
  return usage;
}
