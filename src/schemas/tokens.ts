/**
 * Canonical token count (op "countTokens", Go Bifrost's "count_tokens"). The request is the chat
 * request it would be (src/schemas/chat.ts; generation fields are ignored); the answer is the prompt's
 * input tokens as the provider counts them, or the gateway's estimate (src/core/token-estimate.ts),
 * marked `extra_fields.estimated: true`, for providers that cannot count.
 */
export interface TokenCountResponse {
  object: "token_count";
  /** The model counted for, as the upstream knows it. */
  model: string;
  input_tokens: number;
  extra_fields?: { provider: string; model_requested: string; latency_ms?: number; estimated?: true };
}

export function tokenCount(model: string, inputTokens: number): TokenCountResponse {
  return { object: "token_count", model, input_tokens: inputTokens };
}
