import type { FinishReason, Usage } from "../../schemas/chat";
import type { ConverseUsage } from "./types";

/** Converse stopReason → OpenAI finish_reason. */
export function mapStopReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "guardrail_intervened":
    case "content_filtered":
      return "content_filter";
    case null:
    case undefined:
      return null;
    default:
      // end_turn, stop_sequence, malformed_* and any reason added later
      return "stop";
  }
}

/**
 * Converse's inputTokens exclude cache reads and writes (totalTokens includes them); OpenAI's prompt_tokens include them.
 * Cache writes (billed above the input price) stay apart as prompt_tokens_details.cache_write_tokens.
 */
export function toUsage(u: Partial<ConverseUsage> | undefined): Usage {
  const cacheRead = u?.cacheReadInputTokens ?? 0;
  const cacheWrite = u?.cacheWriteInputTokens ?? 0;
  const prompt = (u?.inputTokens ?? 0) + cacheRead + cacheWrite;
  const completion = u?.outputTokens ?? 0;
  const details = cacheWrite > 0 ? { cached_tokens: cacheRead, cache_write_tokens: cacheWrite } : { cached_tokens: cacheRead };
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: details };
}
