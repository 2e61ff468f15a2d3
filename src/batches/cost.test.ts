/**
 * A native batch line's cost: the batch prices a provider's pricing_overrides give (Go's
 * input_cost_per_token_batches / output_cost_per_token_batches), else the catalog's (or override's) price at the
 * provider's flat batch discount.
 */
import { describe, expect, test } from "bun:test";
import { PricingCatalog } from "../pricing/catalog";
import { parsePricingOverrides } from "../pricing/overrides";
import { nativeLineCost } from "./cost";

const pricing = PricingCatalog.create(
  parsePricingOverrides(
    [
      { model_pattern: "gpt-4o-mini", match_type: "exact", input_cost_per_token_batches: 0.05e-6, output_cost_per_token_batches: 0.2e-6 },
      { model_pattern: "my-model", match_type: "exact", input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 },
      { model_pattern: "my-batch-model", match_type: "exact", input_cost_per_token: 1e-6, output_cost_per_token: 2e-6, output_cost_per_token_batches: 0.1e-6 },
    ],
    "providers.openai.pricing_overrides",
    "openai",
  ),
);
const body = { object: "chat.completion", usage: { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 } };
const line = (model: string, provider = "openai", type = "openai") => nativeLineCost(pricing, provider, type, model, "/v1/chat/completions", body);
const close = (a: number | undefined, b: number) => expect(Math.abs(a! - b)).toBeLessThan(1e-12);

describe("nativeLineCost: which batch price", () => {
  test("the override's batch prices, where it gives them", () => {
    const c = line("gpt-4o-mini").cost!;
    close(c.input_tokens_cost, 1000 * 0.05e-6);
    close(c.output_tokens_cost, 500 * 0.2e-6);
  });

  test("no batch prices: the synchronous price (override or catalog) at the flat 50%", () => {
    close(line("my-model").cost?.total_cost, 0.5 * (1000 * 1e-6 + 500 * 2e-6));
    const catalog = PricingCatalog.create().priceOf("anthropic", "anthropic", "claude-3-5-haiku-latest")!;
    close(line("claude-3-5-haiku-latest", "anthropic", "anthropic").cost?.total_cost, 0.5 * (1000 * catalog.input + 500 * catalog.output));
  });

  test("one batch price given: that part at it, the other at 50%", () => {
    const c = line("my-batch-model").cost!;
    close(c.input_tokens_cost, 0.5 * 1000 * 1e-6);
    close(c.output_tokens_cost, 500 * 0.1e-6);
  });

  test("another provider's overrides do not apply; an unpriced model is unknown, not 0", () => {
    const c = line("gpt-4o-mini", "other-openai").cost!;
    const catalog = PricingCatalog.create().priceOf("other-openai", "openai", "gpt-4o-mini")!;
    close(c.total_cost, 0.5 * (1000 * catalog.input + 500 * catalog.output));
    expect(line("nobody-prices-this")).toMatchObject({ cost: null, unpriced: true });
  });
});
