/** Reasoning options → Anthropic-on-Bedrock extended thinking, passed through additionalModelRequestFields. */
import type { ChatRequest } from "../../schemas/chat";
import { DEFAULT_MAX_TOKENS, thinkingBudget } from "../anthropic/thinking";

/** Claude models, whether by id, cross-region profile ("us.anthropic.…") or ARN. */
export function isAnthropicModel(model: string): boolean {
  return /(?:^|[./])anthropic\./.test(model);
}

/** The budget for Anthropic models (same rules as Anthropic's own API); other models get no thinking fields. */
export function bedrockThinkingBudget(req: ChatRequest, model: string): number | undefined {
  return isAnthropicModel(model) ? thinkingBudget(req) : undefined;
}

/** Converse's maxTokens is optional; with thinking it must exceed the budget, so it is raised when needed. */
export function maxTokens(req: ChatRequest, budget: number | undefined): number | undefined {
  const requested = req.max_completion_tokens ?? req.max_tokens;
  if (budget === undefined) return requested;
  return requested !== undefined && requested > budget ? requested : budget + DEFAULT_MAX_TOKENS;
}
