import { describe, expect, test } from "bun:test";
import { batchPrice } from "./batch";
import { costOf } from "./cost";
import type { ModelPrice } from "./types";

const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-15);
const usage = { prompt_tokens: 1000, completion_tokens: 300, total_tokens: 1300, prompt_tokens_details: { cached_tokens: 400 }, completion_tokens_details: { reasoning_tokens: 100 } };

describe("batchPrice: a native batch line's price", () => {
  const base: ModelPrice = { input: 2e-6, output: 8e-6, cacheRead: 1e-6, reasoning: 10e-6, source: "catalog" };

  test("no batch prices: every part at the flat factor, so the cost is that share of the synchronous one", () => {
    const p = batchPrice(base, 0.5);
    expect(p).toEqual({ input: 1e-6, output: 4e-6, cacheRead: 0.5e-6, reasoning: 5e-6, source: "catalog" });
    const sync = costOf(base, "chat", usage)!;
    const batch = costOf(p, "chat", usage)!;
    close(batch.total_cost, sync.total_cost / 2);
    expect(batchPrice(base, 1)).toEqual(base);
  });

  test("batch prices given: input and output tokens at them; the other parts at the flat factor", () => {
    const p = batchPrice({ ...base, batchInput: 0.7e-6, batchOutput: 3e-6, source: "override" }, 0.5);
    expect(p).toMatchObject({ input: 0.7e-6, output: 3e-6, cacheRead: 0.5e-6, reasoning: 5e-6 });
    const c = costOf(p, "chat", usage)!;
    close(c.input_tokens_cost, 600 * 0.7e-6);
    close(c.output_tokens_cost, 200 * 3e-6);
    close(c.cache_read_cost, 400 * 0.5e-6);
    close(c.reasoning_cost, 100 * 5e-6);
  });

  test("they apply even where the provider has no flat discount (factor 1)", () => {
    expect(batchPrice({ input: 1, output: 2, batchOutput: 0.5 }, 1)).toMatchObject({ input: 1, output: 0.5 });
  });

  test("only one given: that part at it, the other at the flat factor; parts that default to it (cache reads, reasoning) follow it", () => {
    const p = batchPrice({ input: 2e-6, output: 8e-6, batchOutput: 1e-6 }, 0.5);
    expect(p).toMatchObject({ input: 1e-6, output: 1e-6 });
    expect(p.reasoning).toBeUndefined();
    const c = costOf(p, "chat", usage)!;
    close(c.reasoning_cost, 100 * 1e-6);
    close(c.cache_read_cost, 400 * 1e-6);
  });

  test("a batch price holds at every prompt size; the tier's other prices keep the flat factor", () => {
    const tiered: ModelPrice = { input: 1e-6, output: 4e-6, tierThreshold: 200_000, above: { input: 2e-6, output: 6e-6, cacheRead: 0.4e-6 }, batchInput: 0.3e-6 };
    const p = batchPrice(tiered, 0.5);
    expect(p.above).toEqual({ output: 3e-6, cacheRead: 0.2e-6 });
    const big = costOf(p, "chat", { prompt_tokens: 300_000, completion_tokens: 10, total_tokens: 300_010 })!;
    close(big.input_tokens_cost, 300_000 * 0.3e-6);
    close(big.output_tokens_cost, 10 * 3e-6);
    // The price given is not changed.
    expect(tiered.above).toEqual({ input: 2e-6, output: 6e-6, cacheRead: 0.4e-6 });
  });
});
