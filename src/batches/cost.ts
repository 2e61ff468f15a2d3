/**
 * What a native batch's lines cost: each line's usage priced by the catalog (and pricing_overrides) for
 * its model, at the provider's batch discount. The catalog (@pydantic/genai-prices) carries no batch
 * prices, so the discount is the one OpenAI, Anthropic and Google document for their batch APIs: 50%.
 * Lines the gateway runs itself are ordinary requests and cost what their answers say (no discount).
 */
import type { Pricing } from "../pricing/types";
import type { Op } from "../schemas/ops";

/** Batch price as a share of the synchronous price, by adapter kind (OpenAI, Anthropic, Gemini: half). */
export const BATCH_PRICE_FACTOR: Readonly<Record<string, number>> = { openai: 0.5, anthropic: 0.5, gemini: 0.5 };

/** The op a batch endpoint runs as. */
export function opOf(url: string): Op {
  switch (url) {
    case "/v1/embeddings":
      return "embeddings";
    case "/v1/completions":
      return "textCompletion";
    case "/v1/responses":
      return "responses";
    default:
      return "chat";
  }
}

/** A native line's cost in USD; null when its model has no price or its answer no usage. */
export function nativeLineCost(pricing: Pricing, provider: string, providerType: string, model: string, url: string, body: unknown): number | null {
  const usage = (body as { usage?: unknown } | null)?.usage;
  if (!usage || typeof usage !== "object") return null;
  const op = opOf(url);
  const price = pricing.priceOf(provider, providerType, model, op);
  if (!price) return null;
  const cost = pricing.costOf(price, op, usage as never, undefined, body);
  if (!cost) return null;
  return cost.total_cost * (BATCH_PRICE_FACTOR[providerType] ?? 1);
}
