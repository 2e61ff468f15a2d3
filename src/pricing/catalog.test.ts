import { describe, expect, test } from "bun:test";
import { calcPrice } from "@pydantic/genai-prices";
import { PricingCatalog, catalogModelId } from "./catalog";
import { parsePricingOverrides } from "./overrides";

const catalog = PricingCatalog.create();
/** The catalog's base input price, read from the package (a tiered price's base). */
const input = (provider: string, model: string) => {
  const v = calcPrice({}, model, { providerId: provider })!.model_price.input_mtok!;
  return (typeof v === "number" ? v : v.base) / 1e6;
};

describe("priceOf: names as sent upstream", () => {
  test.each([
    ["openai", "gpt-4o-mini-2024-07-18", "openai", "gpt-4o-mini"],
    ["bedrock", "anthropic.claude-3-5-sonnet-20240620-v1:0", "aws", "anthropic.claude-3-5-sonnet-20240620-v1:0"],
    ["bedrock", "us.anthropic.claude-3-5-sonnet-20240620-v1:0", "aws", "us.anthropic.claude-3-5-sonnet-20240620-v1:0"],
    ["bedrock", "arn:aws:bedrock:us-east-1:111122223333:inference-profile/eu.anthropic.claude-3-7-sonnet-20250219-v1:0", "aws", "eu.anthropic.claude-3-7-sonnet-20250219-v1:0"],
    ["vertex", "claude-3-5-sonnet@20240620", "google", "claude-3-5-sonnet@20240620"],
    ["gemini", "models/gemini-1.5-pro", "google", "gemini-1.5-pro"],
    ["vertex", "publishers/google/models/gemini-2.5-pro", "google", "gemini-2.5-pro"],
    ["xai", "grok-4", "x-ai", "grok-4"],
  ])("%s %s is priced as the catalog prices it", (type, model, catalogProvider, catalogModel) => {
    expect(catalog.priceOf("p", type, model)!.input).toBe(input(catalogProvider, catalogModel));
  });

  test("an unknown model is null, never a neighbour's price or 0", () => {
    expect(catalog.priceOf("openai", "openai", "gpt-9-ultra")).toBeNull();
    expect(catalog.priceOf("openai", "openai", "gpt-9-ultra")).toBeNull();
  });

  test("self-hosted types (ollama, vllm) have no catalog price", () => {
    expect(catalog.priceOf("local", "ollama", "llama3")).toBeNull();
    expect(catalog.priceOf("local", "vllm", "meta-llama/Llama-3.3-70B-Instruct-Turbo")).toBeNull();
  });

  test("a known model's second lookup is the same memoised object", () => {
    expect(catalog.priceOf("p", "openai", "gpt-4o")).toBe(catalog.priceOf("p", "openai", "gpt-4o")!);
  });

  test("catalogModelId strips resource prefixes and ARNs, not dates or versions", () => {
    expect(catalogModelId("gemini", "models/gemini-1.5-pro-002")).toBe("gemini-1.5-pro-002");
    expect(catalogModelId("bedrock", "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0")).toBe("anthropic.claude-3-haiku-20240307-v1:0");
    expect(catalogModelId("openai", "ft:gpt-4o-mini:org::id")).toBe("ft:gpt-4o-mini:org::id");
  });
});

describe("priceOf with pricing_overrides", () => {
  const overrides = [
    ...parsePricingOverrides([{ model_pattern: "gpt-4o-mini", match_type: "exact", output_cost_per_token: 0.000002 }], "providers.my-openai.pricing_overrides", "my-openai"),
    ...parsePricingOverrides([{ model_pattern: "llama*", match_type: "wildcard", input_cost_per_token: 1e-7, output_cost_per_token: 2e-7 }], "providers.local.pricing_overrides", "local"),
    ...parsePricingOverrides([{ model_pattern: "^gpt-4o-mini", match_type: "regex", request_types: ["embedding"], input_cost_per_token: 9e-9 }], "providers.my-openai.pricing_overrides", "my-openai"),
  ];
  const c = PricingCatalog.create(overrides);

  test("an override wins per field: output from it, input and cache reads kept from the catalog", () => {
    const p = c.priceOf("my-openai", "openai", "gpt-4o-mini", "chat")!;
    expect(p.output).toBe(0.000002);
    expect(p.input).toBe(input("openai", "gpt-4o-mini"));
    expect(p.cacheRead).toBe((calcPrice({}, "gpt-4o-mini", { providerId: "openai" })!.model_price.cache_read_mtok as number) / 1e6);
    expect(p.source).toBe("override");
  });

  test("overrides are per configured provider name, not per type", () => {
    expect(c.priceOf("other-openai", "openai", "gpt-4o-mini", "chat")!.source).toBe("catalog");
  });

  test("a model the catalog lacks is priced by its override alone", () => {
    expect(c.priceOf("local", "ollama", "llama3.1:8b", "chat")).toMatchObject({ input: 1e-7, output: 2e-7, source: "override" });
  });

  test("exact beats a regex limited to the request type; the regex applies where the exact is absent", () => {
    expect(c.priceOf("my-openai", "openai", "gpt-4o-mini", "embeddings")!.output).toBe(0.000002);
    expect(c.priceOf("my-openai", "openai", "gpt-4o-mini-2024-07-18", "embeddings")!.input).toBe(9e-9);
    expect(c.priceOf("my-openai", "openai", "gpt-4o-mini-2024-07-18", "chat")!.source).toBe("catalog");
  });
});
