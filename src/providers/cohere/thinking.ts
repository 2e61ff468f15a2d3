/** OpenAI-style reasoning options → Cohere's thinking ({type, token_budget}). */
import type { ChatRequest } from "../../schemas/chat";
import type { CohereThinking } from "./types";

/** undefined leaves the model's default (reasoning models think unless told not to). */
export function toCohereThinking(req: ChatRequest): CohereThinking | undefined {
  const budget = req.reasoning?.max_tokens;
  if (budget !== undefined) return budget > 0 ? { type: "enabled", token_budget: budget } : { type: "disabled" };
  const effort = req.reasoning?.effort ?? req.reasoning_effort;
  if (effort === undefined) return undefined;
  // Cohere has no effort levels: any effort turns thinking on, "none" turns it off.
  return effort === "none" ? { type: "disabled" } : { type: "enabled" };
}
