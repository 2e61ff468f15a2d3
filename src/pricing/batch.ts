/**
 * The price of a line a provider runs in its own batch API (a native batch). Where the price carries batch prices
 * (Go's `input_cost_per_token_batches` / `output_cost_per_token_batches`, given in pricing_overrides) they are used
 * for input and output tokens at every prompt size, as Go Bifrost does; every other part (and input or output
 * when only the other batch price is given) is the synchronous price times the provider's flat batch `factor`
 * (0.5 at OpenAI, Anthropic and Google: src/batches/cost.ts). The catalog (@pydantic/genai-prices 0.1.8) has no
 * batch prices, only comments naming the discount, so without an override the flat factor decides.
 */
import type { ModelPrice } from "./types";

type Part = Exclude<keyof ModelPrice, "tierThreshold" | "above" | "batchInput" | "batchOutput" | "source">;

/** Every per-unit price, scaled by the flat factor. */
const PARTS: readonly Part[] = ["input", "output", "cacheRead", "cacheWrite", "reasoning", "inputAudio", "outputAudio", "inputImage", "outputImage", "perImage", "perSecond", "perCharacter"];

/** `price` as it applies to a native batch's line: its batch prices where given, else `factor` times each price. */
export function batchPrice(price: ModelPrice, factor: number): ModelPrice {
  const out: ModelPrice = { ...price };
  if (factor !== 1) {
    for (const k of PARTS) if (out[k] !== undefined) out[k] = out[k]! * factor;
    if (price.above) {
      const above: NonNullable<ModelPrice["above"]> = { ...price.above };
      for (const k of PARTS) if (above[k] !== undefined) above[k] = above[k]! * factor;
      out.above = above;
    }
  }
  // A batch price holds at every prompt size: the tier's price for that part no longer applies.
  if (price.batchInput !== undefined) {
    out.input = price.batchInput;
    if (out.above) out.above = withoutKey(out.above, "input");
  }
  if (price.batchOutput !== undefined) {
    out.output = price.batchOutput;
    if (out.above) out.above = withoutKey(out.above, "output");
  }
  return out;
}

function withoutKey<T extends object>(o: T, key: keyof T): T {
  const { [key]: _gone, ...rest } = o;
  return rest as T;
}
