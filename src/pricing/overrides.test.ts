import { describe, expect, test } from "bun:test";
import { applyOverride, parsePricingOverrides, selectOverride, wildcardMatch } from "./overrides";

const at = "providers.openai.pricing_overrides";

describe("parsePricingOverrides: bad config names the JSON path", () => {
  test.each([
    [{}, `${at}: must be an array`],
    [[{ match_type: "exact" }], `${at}[0].model_pattern`],
    [[{ model_pattern: "x", match_type: "fuzzy" }], `${at}[0].match_type`],
    [[{ model_pattern: "gpt", match_type: "wildcard" }], `${at}[0].model_pattern: a wildcard pattern must contain '*'`],
    [[{ model_pattern: "(a+)+", match_type: "regex" }], `${at}[0].model_pattern: regex refused`],
    [[{ model_pattern: "x", match_type: "exact", input_cost_per_token: "0.1" }], `${at}[0].input_cost_per_token: must be a non-negative number`],
    [[{ model_pattern: "x", match_type: "exact", input_cost_per_tokn: 1 }], `${at}[0].input_cost_per_tokn: unknown pricing override field`],
    [[{ model_pattern: "x", match_type: "exact", request_types: ["chat"] }], `${at}[0].request_types[0]: unknown request type`],
    [[{ model_pattern: "x", match_type: "exact", input_cost_per_token_above_128k_tokens: 1, output_cost_per_token_above_200k_tokens: 1 }], "not both"],
  ])("%j", (raw, message) => {
    expect(() => parsePricingOverrides(raw, at, "openai")).toThrow(message);
  });

  test("Go's governance form: scope global / provider with scope_id; disabled items are skipped", () => {
    const list = parsePricingOverrides(
      [
        { name: "g", scope: "global", model_pattern: "*", match_type: "wildcard", input_cost_per_token: 1 },
        { name: "p", scope: "provider", scope_id: "groq", model_pattern: "x", match_type: "exact", input_cost_per_token: 2 },
        { name: "off", enabled: false, model_pattern: "y", match_type: "exact" },
      ],
      "pricing_overrides",
    );
    expect(list.map((o) => o.provider)).toEqual([undefined, "groq"]);
    expect(() => parsePricingOverrides([{ scope: "virtual_key", scope_id: "vk", model_pattern: "x", match_type: "exact" }], "pricing_overrides")).toThrow("pricing_overrides[0].scope");
  });
});

describe("selection and patching, as Go does them", () => {
  const list = parsePricingOverrides(
    [
      { model_pattern: "claude-*", match_type: "wildcard", input_cost_per_token: 1 },
      { model_pattern: "claude-3-*", match_type: "wildcard", input_cost_per_token: 2 },
      { model_pattern: "claude-3-opus", match_type: "exact", input_cost_per_token: 3 },
    ],
    at,
    "anthropic",
  );
  const global = parsePricingOverrides([{ model_pattern: "*", match_type: "wildcard", input_cost_per_token: 9 }], "pricing_overrides");

  test("exact before wildcard; the more literal wildcard wins; the provider's before global", () => {
    expect(selectOverride(list, "anthropic", "claude-3-opus", "chat_completion")!.patch.input).toBe(3);
    expect(selectOverride(list, "anthropic", "claude-3-haiku", "chat_completion")!.patch.input).toBe(2);
    expect(selectOverride([...global, ...list], "anthropic", "claude-2", undefined)!.patch.input).toBe(1);
    expect(selectOverride([...global, ...list], "other", "claude-2", undefined)!.patch.input).toBe(9);
  });

  test("wildcardMatch: * is any run; the rest literal", () => {
    expect(wildcardMatch("gpt-*-mini", "gpt-4o-mini")).toBe(true);
    expect(wildcardMatch("gpt-*-mini", "gpt-4o-mini-tts")).toBe(false);
    expect(wildcardMatch("a*a", "a")).toBe(false);
  });

  test("Go's batch prices (input_cost_per_token_batches, output_cost_per_token_batches) are applied, patching the catalog's price", () => {
    const [o] = parsePricingOverrides([{ model_pattern: "m", match_type: "exact", input_cost_per_token_batches: 0.5, output_cost_per_token_batches: 1 }], at, "p");
    expect(o!.patch).toEqual({ batchInput: 0.5, batchOutput: 1 });
    expect(applyOverride({ input: 1, output: 2, source: "catalog" }, o!)).toEqual({ input: 1, output: 2, batchInput: 0.5, batchOutput: 1, source: "override" });
  });

  // Regression: the README listed this field, but the parser refused it as unknown.
  test("output_cost_per_reasoning_token prices reasoning tokens apart from the rest of the output", () => {
    const [o] = parsePricingOverrides([{ model_pattern: "m", match_type: "exact", output_cost_per_reasoning_token: 3 }], at, "p");
    expect(o!.patch).toEqual({ reasoning: 3 });
    expect(applyOverride({ input: 1, output: 2, source: "catalog" }, o!)).toEqual({ input: 1, output: 2, reasoning: 3, source: "override" });
  });

  test("a tier override keeps the catalog's tier fields it does not give, at the same threshold", () => {
    const [o] = parsePricingOverrides([{ model_pattern: "m", match_type: "exact", output_cost_per_token_above_200k_tokens: 7 }], at, "p");
    const p = applyOverride({ input: 1, output: 2, tierThreshold: 200_000, above: { input: 3, output: 4 } }, o!);
    expect(p).toMatchObject({ input: 1, output: 2, tierThreshold: 200_000, above: { input: 3, output: 7 } });
  });
});
