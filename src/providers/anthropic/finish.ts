import type { FinishReason, Usage } from "../../schemas/chat";
import type { AnthropicStopReason, AnthropicUsage } from "./types";

/** Anthropic stop_reason → OpenAI finish_reason. */
export function mapStopReason(reason: AnthropicStopReason | string | null | undefined): FinishReason {
  switch (reason) {
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    case null:
    case undefined:
      return null;
    default:
      // end_turn, stop_sequence, pause_turn and any reason added later
      return "stop";
  }
}

/** Reasons finish_reason keeps (end_turn and stop_sequence are both "stop": the dialect tells them apart by the matched sequence). */
const MAPPED = new Set(["end_turn", "stop_sequence", "max_tokens", "tool_use", "refusal"]);

/**
 * The stop reason OpenAI's finish_reason cannot say (pause_turn: a server-tool turn the client continues;
 * model_context_window_exceeded), for `extra_fields.native_finish_reason`, so the Anthropic dialect gives it back as it was.
 */
export function nativeFinishReason(reason: AnthropicStopReason | string | null | undefined): { native_finish_reason: string } | undefined {
  return reason && !MAPPED.has(reason) ? { native_finish_reason: reason } : undefined;
}

/**
 * Anthropic usage → OpenAI usage; Anthropic's input_tokens excludes cached tokens, OpenAI's prompt_tokens includes them.
 * Cache writes (billed above the input price) stay apart as prompt_tokens_details.cache_write_tokens.
 */
export function toUsage(u: AnthropicUsage): Usage {
  const cacheRead = u.cache_read_input_tokens ?? 0;
  const cacheWrite = u.cache_creation_input_tokens ?? 0;
  const prompt = (u.input_tokens ?? 0) + cacheRead + cacheWrite;
  const completion = u.output_tokens ?? 0;
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: cacheWrite > 0 ? { cached_tokens: cacheRead, cache_write_tokens: cacheWrite } : { cached_tokens: cacheRead },
  };
  const thinking = u.output_tokens_details?.thinking_tokens;
  if (typeof thinking === "number") usage.completion_tokens_details = { reasoning_tokens: thinking };
  return usage;
}
