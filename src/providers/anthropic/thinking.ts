/** OpenAI-style reasoning options → Anthropic's extended thinking budget and a max_tokens that leaves room for it. */
import type { ChatRequest } from "../../schemas/chat";

export const DEFAULT_MAX_TOKENS = 4096;
/** Anthropic rejects budgets below this. */
export const MIN_THINKING_BUDGET = 1024;

const EFFORT_BUDGET: Record<string, number> = { low: 1024, medium: 4096, high: 16384 };

/** The thinking budget, or undefined for no thinking ("none", "minimal", unknown efforts, max_tokens 0). */
export function thinkingBudget(req: ChatRequest): number | undefined {
  const maxTokens = req.reasoning?.max_tokens;
  if (maxTokens !== undefined) return maxTokens > 0 ? Math.max(MIN_THINKING_BUDGET, maxTokens) : undefined;
  const effort = req.reasoning?.effort ?? req.reasoning_effort;
  return effort && Object.hasOwn(EFFORT_BUDGET, effort) ? EFFORT_BUDGET[effort] : undefined;
}

/** max_completion_tokens wins over the deprecated max_tokens; raised above the budget since Anthropic requires max_tokens > budget_tokens. */
export function maxTokens(req: ChatRequest, budget: number | undefined): number {
  const requested = req.max_completion_tokens ?? req.max_tokens ?? DEFAULT_MAX_TOKENS;
  return budget !== undefined && requested <= budget ? budget + DEFAULT_MAX_TOKENS : requested;
}
