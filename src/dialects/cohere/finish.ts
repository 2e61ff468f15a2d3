/** Canonical finish_reason and usage → Cohere v2's (the inverse of providers/cohere/finish.ts). */
import type { CohereFinishReason, CohereUsage } from "../../providers/cohere/types";
import type { FinishReason, Usage } from "../../schemas/chat";

export function toCohereFinishReason(finish: FinishReason | string | null | undefined, hasToolCalls: boolean): CohereFinishReason {
  if (finish === "length") return "MAX_TOKENS";
  // Some upstreams finish a tool-calling turn with "stop"; Cohere clients act on TOOL_CALL.
  if (finish === "tool_calls" || finish === "function_call" || hasToolCalls) return "TOOL_CALL";
  return "COMPLETE";
}

/** billed_units are the upstream's own when it was Cohere; otherwise they are the token counts. */
export function toCohereUsage(u: Usage | null | undefined): CohereUsage {
  const tokens = { input_tokens: u?.prompt_tokens ?? 0, output_tokens: u?.completion_tokens ?? 0 };
  const billed = u?.billed_units as CohereUsage["billed_units"] | undefined;
  const usage: CohereUsage = { billed_units: billed && typeof billed === "object" ? billed : { ...tokens }, tokens };
  const cached = u?.prompt_tokens_details?.cached_tokens;
  if (cached) usage.cached_tokens = cached;
  return usage;
}
