/** OpenAI-style reasoning options → Gemini's thinkingConfig. */
import type { ChatRequest } from "../../schemas/chat";
import type { GeminiThinkingConfig } from "./types";

/** Budgets inside every 2.5 model's range (Pro 128–32768, Flash 0–24576); "none" turns thinking off where allowed. */
const EFFORT_BUDGET: Record<string, number> = { none: 0, minimal: 512, low: 1024, medium: 8192, high: 24576 };

/** undefined leaves thinking at the model's default (dynamic on 2.5 models). */
export function toThinkingConfig(req: ChatRequest): GeminiThinkingConfig | undefined {
  let budget = req.reasoning?.max_tokens;
  if (budget === undefined) {
    const effort = req.reasoning?.effort ?? req.reasoning_effort;
    if (effort && Object.hasOwn(EFFORT_BUDGET, effort)) budget = EFFORT_BUDGET[effort];
  }
  if (budget === undefined) return undefined;
  // Without includeThoughts Gemini thinks but returns none of it, so reasoning would stay empty.
  return budget > 0 ? { thinkingBudget: budget, includeThoughts: true } : { thinkingBudget: 0 };
}
