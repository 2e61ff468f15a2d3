/** Canonical usage → Responses usage (same totals, renamed, with the details objects the SDK types require). */
import type { Usage } from "../../schemas/chat";
import type { ResponsesUsage } from "./types";

export function toResponsesUsage(u: Usage | null | undefined): ResponsesUsage {
  const input = u?.prompt_tokens ?? 0;
  const output = u?.completion_tokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: u?.prompt_tokens_details?.cached_tokens ?? 0, cache_write_tokens: cacheWriteTokens(u) },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: u?.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: u?.total_tokens ?? input + output,
  };
}

/** Cache writes, when the upstream reports them (OpenAI-style cache_write_tokens). */
export function cacheWriteTokens(u: Usage | null | undefined): number {
  const n = u?.prompt_tokens_details?.cache_write_tokens;
  return typeof n === "number" ? n : 0;
}
