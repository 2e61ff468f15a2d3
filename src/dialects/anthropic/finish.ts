/** Canonical finish_reason and usage → Anthropic's stop_reason and usage (the inverse of providers/anthropic/finish.ts). */
import type { AnthropicStopReason, AnthropicUsage } from "../../providers/anthropic/types";
import type { FinishReason, Usage } from "../../schemas/chat";

/** Anthropic's stop reasons finish_reason cannot carry, given back from extra_fields.native_finish_reason (set by the Anthropic adapter). */
const NATIVE: ReadonlySet<string> = new Set<AnthropicStopReason>(["pause_turn", "model_context_window_exceeded"]);

/**
 * `matched` is the stop sequence the upstream reports it stopped on, when it says (vLLM's choice.stop_reason);
 * `native` is the provider's own reason (extra_fields.native_finish_reason), which wins when it is Anthropic's.
 */
export function toStopReason(finish: FinishReason | string | null | undefined, hasToolCalls: boolean, matched: string | null, native?: unknown): AnthropicStopReason {
  if (typeof native === "string" && NATIVE.has(native)) return native as AnthropicStopReason;
  switch (finish) {
    case "length":
      return "max_tokens";
    case "tool_calls":
    case "function_call":
      return "tool_use";
    case "content_filter":
      return "refusal";
    default:
      // Some upstreams finish a tool-calling turn with "stop"; Anthropic clients loop on tool_use.
      if (hasToolCalls) return "tool_use";
      return matched !== null ? "stop_sequence" : "end_turn";
  }
}

/** The stop string an OpenAI-compatible upstream says it matched, if it says. */
export function matchedStop(choice: unknown): string | null {
  const reason = (choice as { stop_reason?: unknown } | undefined)?.stop_reason;
  return typeof reason === "string" && reason.length > 0 ? reason : null;
}

/** OpenAI's prompt_tokens include cached tokens; Anthropic's input_tokens exclude them. */
export function toAnthropicUsage(u: Usage | null | undefined): Required<Pick<AnthropicUsage, "input_tokens" | "output_tokens" | "cache_creation_input_tokens" | "cache_read_input_tokens">> {
  const cached = u?.prompt_tokens_details?.cached_tokens ?? 0;
  const written = u?.prompt_tokens_details?.cache_write_tokens;
  const creation = typeof written === "number" ? written : 0;
  return {
    input_tokens: Math.max(0, (u?.prompt_tokens ?? 0) - cached - creation),
    cache_creation_input_tokens: creation,
    cache_read_input_tokens: cached,
    output_tokens: u?.completion_tokens ?? 0,
  };
}
