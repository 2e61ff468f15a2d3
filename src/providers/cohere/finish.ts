/** Cohere finish_reason and usage → canonical finish_reason and usage. */
import type { FinishReason, Usage } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import type { ProviderTarget } from "../types";
import type { CohereUsage } from "./types";

export function mapFinishReason(reason: string | null | undefined): FinishReason {
  if (reason == null) return null;
  switch (reason.toUpperCase()) {
    case "MAX_TOKENS":
    case "ERROR_LIMIT":
      return "length";
    case "TOOL_CALL":
      return "tool_calls";
    case "CONTENT_BLOCKED":
    case "ERROR_TOXIC":
      return "content_filter";
    default:
      // COMPLETE, STOP_SEQUENCE and any reason added later
      return "stop";
  }
}

/** ERROR and TIMEOUT end a generation that failed upstream: the client gets an error, not a half answer marked "stop". */
export function finishError(reason: string | null | undefined, detail: string | undefined, target: ProviderTarget): BifrostError | null {
  const r = reason?.toUpperCase();
  if (r !== "ERROR" && r !== "TIMEOUT") return null;
  const timeout = r === "TIMEOUT";
  return new BifrostError({
    status: timeout ? 504 : 502,
    type: timeout ? "timeout_error" : "upstream_error",
    message: detail || (timeout ? "cohere timed out generating the response" : "cohere failed while generating the response"),
    isBifrostError: false,
    extra: { provider: target.provider },
  });
}

/** tokens are what the model saw; billed_units (what Cohere charges) are kept alongside for cost accounting. */
export function toUsage(u: CohereUsage): Usage {
  const prompt = u.tokens?.input_tokens ?? u.billed_units?.input_tokens ?? 0;
  const completion = u.tokens?.output_tokens ?? u.billed_units?.output_tokens ?? 0;
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: u.cached_tokens ?? 0 },
  };
  if (u.billed_units) usage.billed_units = u.billed_units;
  return usage;
}
