/**
 * What a native batch's lines cost: each line's usage priced by the catalog (and pricing_overrides) for
 * its model, at the provider's batch price: the batch prices a pricing override gives (Go's
 * `input_cost_per_token_batches` / `output_cost_per_token_batches`), else the flat discount OpenAI, Anthropic
 * and Google document for their batch APIs, 50% (the catalog, @pydantic/genai-prices, has no batch prices).
 * Lines the gateway runs itself are ordinary requests and cost what their answers say (no discount).
 */
import type { Cost } from "../plugins/types";
import { batchPrice } from "../pricing/batch";
import type { Pricing } from "../pricing/types";
import type { Usage } from "../schemas/chat";
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

/** A native line's usage and what it cost, at the batch price. */
export interface LineCost {
  usage: Usage | null;
  /** null: no usage to price, or no price for the model. */
  cost: Cost | null;
  /** It has usage but its model has no price (catalog or pricing_overrides): unknown, not 0. */
  unpriced: boolean;
}

/** A native line's usage and cost, from its answer's body. */
export function nativeLineCost(pricing: Pricing, provider: string, providerType: string, model: string, url: string, body: unknown): LineCost {
  const raw = (body as { usage?: unknown } | null)?.usage;
  if (!raw || typeof raw !== "object") return { usage: null, cost: null, unpriced: false };
  const usage = raw as Usage;
  const op = opOf(url);
  const price = pricing.priceOf(provider, providerType, model, op);
  if (!price) return { usage, cost: null, unpriced: true };
  return { usage, cost: pricing.costOf(batchPrice(price, BATCH_PRICE_FACTOR[providerType] ?? 1), op, usage, undefined, body), unpriced: false };
}
