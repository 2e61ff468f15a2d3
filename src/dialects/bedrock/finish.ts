/** Canonical finish_reason and usage → Converse stopReason and usage (the inverse of providers/bedrock/finish.ts). */
import type { ConverseUsage, StopReason } from "../../providers/bedrock/types";
import type { FinishReason, Usage } from "../../schemas/chat";

export function toStopReason(finish: FinishReason | string | null | undefined, hasToolCalls: boolean): StopReason {
  switch (finish) {
    case "length":
      return "max_tokens";
    case "tool_calls":
    case "function_call":
      return "tool_use";
    case "content_filter":
      return "content_filtered";
    default:
      // Some upstreams finish a tool-calling turn with "stop"; Converse clients loop on tool_use.
      return hasToolCalls ? "tool_use" : "end_turn";
  }
}

/** OpenAI's prompt_tokens include cached tokens; Converse's inputTokens exclude them (cacheRead/WriteInputTokens have them). */
export function toConverseUsage(u: Usage | null | undefined): ConverseUsage {
  const cached = u?.prompt_tokens_details?.cached_tokens ?? 0;
  const written = u?.prompt_tokens_details?.cache_write_tokens;
  const cacheWrite = typeof written === "number" ? written : 0;
  const prompt = u?.prompt_tokens ?? 0;
  const output = u?.completion_tokens ?? 0;
  const usage: ConverseUsage = { inputTokens: Math.max(0, prompt - cached - cacheWrite), outputTokens: output, totalTokens: prompt + output };
  if (cached > 0) usage.cacheReadInputTokens = cached;
  if (cacheWrite > 0) usage.cacheWriteInputTokens = cacheWrite;
  return usage;
}
