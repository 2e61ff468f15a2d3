import { describe, expect, test } from "bun:test";
import { resolveConfig } from "../../src/config/load";
import { selectKey } from "../../src/core/keys";
import { resolveModel } from "../../src/core/router";
import { BifrostError } from "../../src/schemas/error";

const cfg = resolveConfig(
  {
    providers: {
      openai: {
        keys: [
          { name: "a", value: "ka", models: ["gpt-4o-mini", "gpt-4o"], weight: 3 },
          { name: "b", value: "kb", models: ["gpt-4o-mini"], weight: 1 },
          { name: "c", value: "kc", models: ["*"], weight: 0, blacklisted_models: ["gpt-4o-mini"] },
        ],
      },
      anthropic: { keys: [{ value: "kx" }] },
      together: { keys: [{ value: "kt", models: ["meta-llama/Llama-3.3-70B"] }] },
    },
  },
  {},
);

function err(fn: () => unknown): BifrostError {
  try {
    fn();
  } catch (e) {
    return e as BifrostError;
  }
  throw new Error("expected an error");
}

describe("routing provider/model", () => {
  test("a prefix picks the provider and is stripped from the model", () => {
    const r = resolveModel("anthropic/claude-3-5-haiku-latest", cfg.providers);
    expect(r.provider.name).toBe("anthropic");
    expect(r.model).toBe("claude-3-5-haiku-latest");
  });

  test("an unprefixed model goes to the provider whose key lists it, slash included", () => {
    expect(resolveModel("meta-llama/Llama-3.3-70B", cfg.providers).provider.name).toBe("together");
    expect(resolveModel("gpt-4o", cfg.providers).provider.name).toBe("openai");
  });

  test("an unprefixed model matching a known family goes to that configured provider", () => {
    expect(resolveModel("claude-sonnet-4-5", cfg.providers).provider.name).toBe("anthropic");
  });

  test("a known but unconfigured provider is a 400 listing the configured ones", () => {
    const e = err(() => resolveModel("groq/llama-3.1-8b", cfg.providers));
    expect(e.status).toBe(400);
    expect(e.message).toContain("provider groq is not configured");
    expect(e.message).toContain("openai, anthropic, together");
  });

  test("an unprefixed model that matches nothing is a 400 with the choices", () => {
    const e = err(() => resolveModel("mystery-model", cfg.providers));
    expect(e.status).toBe(400);
    expect(e.param).toBe("model");
    expect(e.message).toContain("openai, anthropic, together");
  });
});

describe("key selection", () => {
  const openai = cfg.providers.get("openai")!;

  test("weighted random among keys allowed for the model", () => {
    const counts: Record<string, number> = {};
    let i = 0;
    const seq = () => ((i++ % 100) + 0.5) / 100; // an even sweep of [0,1)
    for (let n = 0; n < 400; n++) {
      const k = selectKey(openai, "gpt-4o-mini", null, seq);
      counts[k.name] = (counts[k.name] ?? 0) + 1;
    }
    expect(counts).toEqual({ a: 300, b: 100 });
  });

  test("blacklisted models and model lists exclude keys", () => {
    expect(selectKey(openai, "gpt-4o").name).toBe("a");
    expect(selectKey(openai, "o3-mini").name).toBe("c");
  });

  test("a key can be chosen by name", () => {
    expect(selectKey(openai, "gpt-4o-mini", "b").name).toBe("b");
    expect(err(() => selectKey(openai, "gpt-4o-mini", "c")).message).toContain('key "c" of provider openai does not serve model gpt-4o-mini');
    expect(err(() => selectKey(openai, "gpt-4o-mini", "zzz")).status).toBe(400);
  });

  test("no eligible key is a 400 naming the model and provider", () => {
    const only = resolveConfig({ providers: { openai: { keys: [{ value: "k", models: ["gpt-4o"] }] } } }, {}).providers.get("openai")!;
    const e = err(() => selectKey(only, "gpt-4o-mini"));
    expect(e.status).toBe(400);
    expect(e.message).toBe("no key of provider openai serves model gpt-4o-mini");
  });
});
