/**
 * Prices and costs: the interface the request path uses (src/pricing/catalog.ts builds it from the
 * pricing package and `pricing_overrides`; src/pricing/cost.ts turns usage into a Cost).
 * All prices are USD. A ModelPrice is plain data: it crosses the worker boundary as it is.
 */
import type { Cost } from "../plugins/types";
import type { Usage } from "../schemas/chat";
import type { Op } from "../schemas/ops";

export interface ModelPrice {
  /** Per input (prompt) token not read from a cache. */
  input: number;
  /** Per output token. */
  output: number;
  /** Per input token read from the provider's prompt cache (default: input). */
  cacheRead?: number;
  /** Per input token written to the provider's prompt cache (default: input). */
  cacheWrite?: number;
  /** Per reasoning token, where it differs from output (default: output; reasoning tokens are part of output). */
  reasoning?: number;
  /** Per audio input / output token (default: input / output). */
  inputAudio?: number;
  outputAudio?: number;
  /** Per image input / output token (gpt-image-1, realtime models; default: input / output). */
  inputImage?: number;
  outputImage?: number;
  /** Per generated image (image generation). */
  perImage?: number;
  /** Per second of audio (transcription). */
  perSecond?: number;
  /** Per character of input (speech synthesis). */
  perCharacter?: number;
  /**
   * Above this many input (prompt) tokens, the `above` prices apply (tiered models: Gemini 1.5/2.5 Pro, Claude
   * Sonnet 4.5); a field `above` leaves out keeps its base price.
   */
  tierThreshold?: number;
  above?: Partial<Omit<ModelPrice, "tierThreshold" | "above" | "batchInput" | "batchOutput" | "source">>;
  /**
   * Per input / output token of a line a provider runs in its own batch API (Go's `input_cost_per_token_batches` /
   * `output_cost_per_token_batches`, from pricing_overrides: the catalog has none). Unset: the provider's flat batch
   * discount on the price above (src/pricing/batch.ts).
   */
  batchInput?: number;
  batchOutput?: number;
  /** Where the price came from: "catalog" or "override". */
  source?: "catalog" | "override";
}

/** What the request path asks of prices: a model's price (null: unknown, never 0) and the cost of a usage. */
export interface Pricing {
  priceOf(provider: string, providerType: string, model: string, op?: Op): ModelPrice | null;
  /** Null when the answer carries nothing to price by: unknown, not 0. */
  costOf(price: ModelPrice, op: Op, usage: Usage | null, request?: unknown, response?: unknown): Cost | null;
}
