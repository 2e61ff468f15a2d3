/**
 * admitBatch (a native batch, before it is sent to its provider): the owner's key must have room left now on
 * every limit up its chain at the batch's provider — provider config, key, team, customer — or the batch is
 * refused with the 402 / 429 a single request would get. Nothing is reserved: admitting reads the counters only.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testPlugin, testSummary, type BatchAdmission, type PluginUnderTest, type RequestSummary } from "bifrost/plugin";
import governance from "./index";

let dir = "";
let p: PluginUnderTest;
const runtime = { providers: () => ["openai", "anthropic"], activeRequests: () => 0, queues: () => [], keys: () => [] };
const any = (provider: string) => ({ provider, allowed_models: ["*"] });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gov-admit-"));
  p = await testPlugin(governance, {
    config: {
      definitions: { path: join(dir, "g.db") },
      allow_unpriced_models: true,
      customers: [{ id: "c-spent", name: "Spent Inc", budgets: [{ id: "c-budget", max_limit: 1, reset_duration: "1M" }] }],
      teams: [{ id: "t-spent", name: "spenders", customer_id: "c-spent" }],
      virtual_keys: [
        { id: "vk-room", name: "room", value: "sk-bf-admit-room-000000000000000000", provider_configs: [any("openai")], budgets: [{ id: "room-budget", max_limit: 1, reset_duration: "1d" }], rate_limit: { id: "room-rl", request_max_limit: 2, request_reset_duration: "1h" } },
        { id: "vk-spent", name: "spent", value: "sk-bf-admit-spent-00000000000000000", provider_configs: [any("openai")], budgets: [{ id: "spent-budget", max_limit: 1, reset_duration: "1d" }] },
        {
          id: "vk-pc",
          name: "per-provider",
          value: "sk-bf-admit-pc-0000000000000000000000",
          provider_configs: [{ ...any("openai"), budgets: [{ id: "pc-openai-budget", max_limit: 1, reset_duration: "1d" }] }, any("anthropic")],
        },
        { id: "vk-rpm", name: "rpm", value: "sk-bf-admit-rpm-000000000000000000000", provider_configs: [any("openai")], rate_limit: { id: "rpm-rl", request_max_limit: 1, request_reset_duration: "1h" } },
        { id: "vk-tokens", name: "tokens", value: "sk-bf-admit-tokens-0000000000000000", provider_configs: [any("openai")], rate_limit: { id: "tok-rl", token_max_limit: 15, token_reset_duration: "1h" } },
        { id: "vk-team", name: "in-team", value: "sk-bf-admit-team-00000000000000000000", team_id: "t-spent", provider_configs: [any("openai")] },
        { id: "vk-off", name: "off", value: "sk-bf-admit-off-000000000000000000000", is_active: false, provider_configs: [any("openai")] },
      ],
    },
    runtime,
  });
});
afterAll(async () => {
  await p?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const cost = (total: number) => ({ total_cost: total, input_tokens_cost: 0, output_tokens_cost: total, cache_read_cost: 0, cache_write_cost: 0, reasoning_cost: 0, image_cost: 0, audio_cost: 0 });
/** Usage a key already had: a native batch line's charge (no reservation, may go past the max). */
const spend = (vk: string, over: Partial<RequestSummary> = {}) => p.end(testSummary({ external: true, principal: `vk:${vk}`, attempts: [], cost: cost(1), ...over }));
const batch = (provider = "openai"): BatchAdmission => ({ provider, endpoint: "/v1/chat/completions", models: ["gpt-4o-mini"], lines: 1000 });
const refusal = (owner: string | null, b = batch()) => p.admitBatch(owner, b).then(() => null, (e) => e);

async function usage(id: string) {
  const { virtual_key: vk } = (await (await p.route("GET", `/api/governance/virtual-keys/${id}`)).json()) as { virtual_key: any };
  return { budget: vk.budgets[0]?.current_usage as number | undefined, requests: vk.rate_limit?.request_current_usage as number | undefined };
}

describe("admitBatch", () => {
  test("a key with room is admitted, however big the batch, and nothing is reserved", async () => {
    await spend("vk-room", { cost: cost(0.9) });
    const before = await usage("vk-room");
    expect(await refusal("vk:vk-room")).toBeNull();
    expect(await refusal("vk:vk-room")).toBeNull();
    expect(await usage("vk-room")).toEqual(before);
    expect(before).toEqual({ budget: 0.9, requests: 1 });
  });

  test("an exhausted budget: 402 budget_exceeded, as a single request gets", async () => {
    await spend("vk-spent");
    const e = await refusal("vk:vk-spent");
    expect(e).toMatchObject({ status: 402, type: "budget_exceeded", code: "budget_exceeded" });
    expect(e.message).toContain("Budget exceeded for virtual key 'spent': $1 of $1 used");
    expect(e.message).toContain("a batch is sent to its provider only while the key has room left");
    const single = await p.pre({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }, { principal: "vk:vk-spent" });
    expect(single).toMatchObject({ kind: "error", error: { status: 402, code: "budget_exceeded" } });
  });

  test("a provider config's budget refuses batches to that provider only", async () => {
    await spend("vk-pc");
    expect(await refusal("vk:vk-pc", batch("openai"))).toMatchObject({ status: 402, code: "budget_exceeded", message: expect.stringContaining("provider config 'openai'") });
    expect(await refusal("vk:vk-pc", batch("anthropic"))).toBeNull();
  });

  test("a request limit reached: 429 request_limited with Retry-After and the x-ratelimit headers", async () => {
    await spend("vk-rpm");
    const e = await refusal("vk:vk-rpm");
    expect(e).toMatchObject({ status: 429, type: "request_limited", code: "request_limited" });
    expect(Number(e.headers["retry-after"])).toBeGreaterThan(0);
    expect(e.headers).toMatchObject({ "x-ratelimit-limit-requests": "1", "x-ratelimit-remaining-requests": "0" });
  });

  test("a token limit reached: 429 token_limited", async () => {
    await spend("vk-tokens"); // 15 tokens (testSummary's usage)
    expect(await refusal("vk:vk-tokens")).toMatchObject({ status: 429, code: "token_limited" });
  });

  test("up the chain: the team's customer's budget spent refuses the key's batch", async () => {
    await spend("vk-team");
    expect(await refusal("vk:vk-team")).toMatchObject({ status: 402, code: "budget_exceeded", message: expect.stringContaining("customer 'Spent Inc'") });
  });

  test("an inactive or deleted key is refused as when presented; no owner, or one that is no key, is not governance's", async () => {
    expect(await refusal("vk:vk-off")).toMatchObject({ status: 403, code: "virtual_key_blocked" });
    expect(await refusal("vk:vk-gone")).toMatchObject({ status: 403, code: "virtual_key_not_found" });
    expect(await refusal(null)).toBeNull();
    expect(await refusal("team:x")).toBeNull();
  });
});

describe("admitBatch when the counter store fails", () => {
  test("on_store_error deny: 503 governance_store_unavailable; allow: admitted", async () => {
    for (const on_store_error of ["deny", "allow"] as const) {
      const q = await testPlugin(governance, {
        config: {
          definitions: { path: join(dir, `store-${on_store_error}.db`) },
          store: { type: "redis", url: "redis://127.0.0.1:1" },
          on_store_error,
          virtual_keys: [{ id: "vk-r", name: "r", value: "sk-bf-admit-redis-0000000000000000000", provider_configs: [any("openai")], budgets: [{ id: "rb", max_limit: 1, reset_duration: "1d" }] }],
        },
        runtime,
      });
      try {
        const e = await q.admitBatch("vk:vk-r", batch()).then(() => null, (x) => x);
        if (on_store_error === "deny") expect(e).toMatchObject({ status: 503, code: "governance_store_unavailable", message: expect.stringContaining("this batch's limits") });
        else expect(e).toBeNull();
      } finally {
        await q.cleanup();
      }
    }
  });
});
