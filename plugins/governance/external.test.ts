/**
 * RequestSummary.external (a native batch's line, reported when the provider's results arrived; no hook ran):
 * governance charges it to its principal's key without a reservation — cost and tokens when it succeeded, one
 * request either way — and charges nothing for a summary its pre-hook did not admit, nor twice for one it did.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testPlugin, testSummary, type PluginUnderTest, type RequestSummary } from "bifrost/plugin";
import { BifrostError } from "../../src/schemas/error";
import governance from "./index";

let dir = "";
let p: PluginUnderTest;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gov-external-"));
  p = await testPlugin(governance, {
    config: {
      definitions: { path: join(dir, "g.db") },
      allow_unpriced_models: true,
      virtual_keys: [
        {
          id: "vk-1",
          name: "one",
          value: "sk-bf-external-one-0000000000000000",
          provider_configs: [{ provider: "openai", allowed_models: ["*"], budgets: [{ id: "pc-budget", max_limit: 5, reset_duration: "1d" }] }],
          budgets: [{ id: "vk-budget", max_limit: 100, reset_duration: "1d" }],
          rate_limit: { id: "vk-rl", request_max_limit: 100, request_reset_duration: "1h", token_max_limit: 100_000, token_reset_duration: "1h" },
        },
        { id: "vk-small", name: "small", value: "sk-bf-external-small-000000000000000", provider_configs: [{ provider: "openai", allowed_models: ["*"] }], budgets: [{ id: "small-budget", max_limit: 1, reset_duration: "1d" }] },
      ],
    },
    runtime: { providers: () => ["openai"], activeRequests: () => 0, queues: () => [], keys: () => [] },
  });
});
afterAll(async () => {
  await p?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function usage(id = "vk-1") {
  const { virtual_key: vk } = (await (await p.route("GET", `/api/governance/virtual-keys/${id}`)).json()) as { virtual_key: any };
  return {
    budget: vk.budgets[0].current_usage as number,
    providerBudget: vk.provider_configs[0].budgets[0]?.current_usage as number | undefined,
    requests: vk.rate_limit?.request_current_usage as number | undefined,
    tokens: vk.rate_limit?.token_current_usage as number | undefined,
  };
}

const cost = (total: number) => ({ total_cost: total, input_tokens_cost: 0, output_tokens_cost: total, cache_read_cost: 0, cache_write_cost: 0, reasoning_cost: 0, image_cost: 0, audio_cost: 0 });
/** A native batch line as the gateway reports it: no attempts, nothing in values, the batch owner as principal. */
const line = (over: Partial<RequestSummary> = {}) => testSummary({ external: true, principal: "vk:vk-1", batchId: "batch_x", attempts: [], cost: cost(0.25), ...over });

describe("an external summary (a native batch's line)", () => {
  test("is charged to its principal's key at every level: budget, the provider config's budget, requests and tokens", async () => {
    const before = await usage();
    await p.end(line());
    await p.end(line({ usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } }));
    const after = await usage();
    expect(after.budget - before.budget).toBeCloseTo(0.5, 12);
    expect(after.providerBudget! - before.providerBudget!).toBeCloseTo(0.5, 12);
    expect(after.requests! - before.requests!).toBe(2);
    expect(after.tokens! - before.tokens!).toBe(25);
  });

  test("a failed line counts as a request, with no cost or tokens", async () => {
    const before = await usage();
    await p.end(line({ outcome: "error", status: 404, error: new BifrostError({ status: 404, message: "no such model" }), response: null }));
    const after = await usage();
    expect(after.requests! - before.requests!).toBe(1);
    expect(after.budget).toBe(before.budget);
    expect(after.tokens).toBe(before.tokens);
  });

  test("it may take a budget past its limit (the usage happened); the next request is refused", async () => {
    await p.end(line({ principal: "vk:vk-small", cost: cost(1.5) }));
    expect((await usage("vk-small")).budget).toBe(1.5);
    const refused = await p.pre({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }, { principal: "vk:vk-small" });
    expect(refused).toMatchObject({ kind: "error", error: { status: 402, code: "budget_exceeded" } });
  });

  test("nothing is charged for an unknown key, a principal that is no key, or no principal", async () => {
    const before = await usage();
    await p.end(line({ principal: "vk:vk-gone" }));
    await p.end(line({ principal: "team:x" }));
    await p.end(line({ principal: null }));
    expect(await usage()).toEqual(before);
  });
});

describe("summaries of requests the gateway served", () => {
  test("a batch line refused by the pre-hook (a principal, nothing held) is not charged", async () => {
    const before = await usage();
    await p.end(testSummary({ principal: "vk:vk-1", attempts: [], outcome: "error", status: 403, cost: null }));
    expect(await usage()).toEqual(before);
  });

  test("a batch line the pre-hook admitted is settled once, not charged again for its principal", async () => {
    const before = await usage();
    const pre = await p.pre({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], max_tokens: 5 }, { principal: "vk:vk-1" });
    expect(pre.kind).toBe("continue");
    await p.end(testSummary({ principal: "vk:vk-1", batchId: "batch_y", values: p.rctx.values, cost: cost(0.01) }));
    const after = await usage();
    expect(after.requests! - before.requests!).toBe(1);
    expect(after.tokens! - before.tokens!).toBe(15);
    expect(after.budget - before.budget).toBeCloseTo(0.01, 12);
  });
});
