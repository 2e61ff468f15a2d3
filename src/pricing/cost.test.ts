import { describe, expect, test } from "bun:test";
import { calcPrice } from "@pydantic/genai-prices";
import { PricingCatalog } from "./catalog";
import { costOf, zeroCost } from "./cost";

const catalog = PricingCatalog.create();
/** The catalog's own per-million price of a key, read from the package (not typed here). */
const mtok = (provider: string, model: string, key: string, tier = false): number => {
  const v = calcPrice({}, model, { providerId: provider })!.model_price[key]!;
  return typeof v === "number" ? v / 1e6 : (tier ? v.tiers[0]!.price : v.base) / 1e6;
};
const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-11);

describe("costOf against the catalog's own prices", () => {
  test("input and output tokens", () => {
    const price = catalog.priceOf("openai", "openai", "gpt-4o-mini")!;
    const c = costOf(price, "chat", { prompt_tokens: 1000, completion_tokens: 200, total_tokens: 1200 })!;
    close(c.input_tokens_cost, 1000 * mtok("openai", "gpt-4o-mini", "input_mtok"));
    close(c.output_tokens_cost, 200 * mtok("openai", "gpt-4o-mini", "output_mtok"));
    close(c.total_cost, c.input_tokens_cost + c.output_tokens_cost);
  });

  test("cache reads and writes are parts of prompt_tokens, each at its own price", () => {
    const price = catalog.priceOf("anthropic", "anthropic", "claude-3-5-sonnet-20240620")!;
    const usage = { prompt_tokens: 21 + 188 + 1920, completion_tokens: 8, total_tokens: 2137, prompt_tokens_details: { cached_tokens: 1920, cache_write_tokens: 188 } };
    const c = costOf(price, "chat", usage)!;
    const m = (k: string) => mtok("anthropic", "claude-3-5-sonnet-20240620", k);
    close(c.input_tokens_cost, 21 * m("input_mtok"));
    close(c.cache_read_cost, 1920 * m("cache_read_mtok"));
    close(c.cache_write_cost, 188 * m("cache_write_mtok"));
    // The package's own computation of the same usage agrees on the total.
    const pkg = calcPrice({ input_tokens: 2129, cache_read_tokens: 1920, cache_write_tokens: 188, output_tokens: 8 }, "claude-3-5-sonnet-20240620", { providerId: "anthropic" })!;
    close(c.total_cost, pkg.total_price);
  });

  test("reasoning tokens are part of completion_tokens, at the output price when none differs", () => {
    const price = catalog.priceOf("openai", "openai", "o3-mini")!;
    const c = costOf(price, "chat", { prompt_tokens: 10, completion_tokens: 500, total_tokens: 510, completion_tokens_details: { reasoning_tokens: 400 } })!;
    close(c.reasoning_cost, 400 * mtok("openai", "o3-mini", "output_mtok"));
    close(c.output_tokens_cost, 100 * mtok("openai", "o3-mini", "output_mtok"));
  });

  test("reasoning tokens at their own price where the model has one", () => {
    const c = costOf({ input: 1e-6, output: 2e-6, reasoning: 5e-6 }, "chat", { prompt_tokens: 0, completion_tokens: 10, total_tokens: 10, completion_tokens_details: { reasoning_tokens: 4 } })!;
    close(c.reasoning_cost, 4 * 5e-6);
    close(c.output_tokens_cost, 6 * 2e-6);
  });

  test("audio tokens in and out at the audio prices", () => {
    const model = "gpt-4o-realtime-preview";
    const price = catalog.priceOf("openai", "openai", model)!;
    const usage = { prompt_tokens: 300, completion_tokens: 50, total_tokens: 350, prompt_tokens_details: { audio_tokens: 200 }, completion_tokens_details: { audio_tokens: 40 } };
    const c = costOf(price, "chat", usage)!;
    const m = (k: string) => mtok("openai", model, k);
    close(c.audio_cost, 200 * m("input_audio_mtok") + 40 * m("output_audio_mtok"));
    close(c.input_tokens_cost, 100 * m("input_mtok"));
    close(c.output_tokens_cost, 10 * m("output_mtok"));
  });

  test("gpt-image-1: token-priced images (input image tokens, output tokens are the image)", () => {
    const price = catalog.priceOf("openai", "openai", "gpt-image-1")!;
    const usage = { input_tokens: 50, output_tokens: 4160, total_tokens: 4210, input_tokens_details: { text_tokens: 30, image_tokens: 20 } };
    const c = costOf(price, "imageGeneration", null, {}, { data: [{ b64_json: "…" }], usage })!;
    close(c.image_cost, 20 * mtok("openai", "gpt-image-1", "input_image_mtok") + 4160 * mtok("openai", "gpt-image-1", "output_mtok"));
    close(c.input_tokens_cost, 30 * mtok("openai", "gpt-image-1", "input_mtok"));
  });

  test("per-image price (from an override) × the images answered", () => {
    const c = costOf({ input: 0, output: 0, perImage: 0.04 }, "imageGeneration", null, { n: 2 }, { data: [{}, {}] })!;
    close(c.image_cost, 0.08);
    close(c.total_cost, 0.08);
  });

  test("whisper-1: per second of audio, from the catalog's per-hour price", () => {
    const price = catalog.priceOf("openai", "openai", "whisper-1")!;
    const c = costOf(price, "transcription", null, {}, { text: "hi", usage: { type: "duration", seconds: 90 } })!;
    const perHour = calcPrice({}, "whisper-1", { providerId: "openai" })!.model_price.audio_hours as number;
    close(c.audio_cost, (90 * perHour) / 3600);
    close(costOf(price, "transcription", null, {}, { text: "hi", duration: 90 })!.audio_cost, (90 * perHour) / 3600);
  });

  test("speech per character of the input", () => {
    const c = costOf({ input: 0, output: 0, perCharacter: 15e-6 }, "speech", null, { input: "Hello there" }, null)!;
    close(c.audio_cost, 11 * 15e-6);
  });

  test("embeddings on input tokens", () => {
    const price = catalog.priceOf("openai", "openai", "text-embedding-3-small")!;
    const c = costOf(price, "embeddings", { prompt_tokens: 1000, completion_tokens: 0, total_tokens: 1000 })!;
    close(c.total_cost, 1000 * mtok("openai", "text-embedding-3-small", "input_mtok"));
  });

  test("tiered: above the threshold every token kind is at the upper tier's price", () => {
    const price = catalog.priceOf("gemini", "gemini", "gemini-2.5-pro")!;
    const m = (k: string, tier: boolean) => mtok("google", "gemini-2.5-pro", k, tier);
    const below = costOf(price, "chat", { prompt_tokens: 200_000, completion_tokens: 10, total_tokens: 200_010 })!;
    close(below.input_tokens_cost, 200_000 * m("input_mtok", false));
    const above = costOf(price, "chat", { prompt_tokens: 200_001, completion_tokens: 10, total_tokens: 200_011, prompt_tokens_details: { cached_tokens: 1 } })!;
    close(above.input_tokens_cost, 200_000 * m("input_mtok", true));
    close(above.cache_read_cost, 1 * m("cache_read_mtok", true));
    close(above.output_tokens_cost, 10 * m("output_mtok", true));
  });
});

describe("costOf edges", () => {
  test("no usage and nothing else to price by → null (unknown), not zero", () => {
    expect(costOf({ input: 1e-6, output: 1e-6 }, "chat", null)).toBeNull();
    expect(costOf({ input: 1e-6, output: 1e-6 }, "speech", null, { input: "hi" }, null)).toBeNull();
  });

  test("floating error is rounded to 1e-12", () => {
    const c = costOf({ input: 0.1, output: 0.2 }, "chat", { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 })!;
    expect(c.total_cost).toBe(0.3);
  });

  test("zeroCost has every field at 0", () => {
    expect(Object.values(zeroCost()).every((v) => v === 0)).toBe(true);
  });
});
