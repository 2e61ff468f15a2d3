import { describe, expect, test } from "bun:test";
import { budgetLimit, parseGovernanceConfig, rateLimits, sha256Hex, windowStart } from "./model";

const vk = (extra: Record<string, unknown> = {}) => ({ id: "vk1", name: "app", value: "sk-bf-test-value-1", ...extra });

describe("parseGovernanceConfig", () => {
  test("reads Go's governance section: references to top-level budgets and rate limits resolve, values are hashed", () => {
    const defs = parseGovernanceConfig({
      budgets: [{ id: "b-month", max_limit: 50, reset_duration: "1M" }],
      rate_limits: [{ id: "rl1", request_max_limit: 5, request_reset_duration: "1m" }],
      customers: [{ id: "c1", name: "Acme", budget_id: "b-month" }],
      teams: [{ id: "t1", name: "Platform", customer_id: "c1", budgets: [{ id: "b-team", max_limit: 10, reset_duration: "1d" }] }],
      virtual_keys: [
        vk({ team_id: "t1", rate_limit_id: "rl1", provider_configs: [{ provider: "openai", weight: 2, allowed_models: ["*"], budgets: [{ id: "b-pc", max_limit: 1, reset_duration: "1h" }] }] }),
      ],
    });
    expect(defs.customers[0]!.budgets).toEqual([{ id: "b-month", max_limit: 50, reset_duration: "1M" }]);
    expect(defs.teams[0]!.customer_id).toBe("c1");
    const key = defs.virtual_keys[0]!;
    expect(key.value_hash).toBe(sha256Hex("sk-bf-test-value-1"));
    expect(key.value_prefix).toBe("sk-bf-test");
    expect(key.rate_limit?.request_max_limit).toBe(5);
    expect(key.provider_configs[0]).toMatchObject({ id: 1, provider: "openai", weight: 2, allowed_models: ["*"], blacklisted_models: [], key_ids: ["*"] });
    expect(key.is_active).toBe(true);
  });

  test("a key with both team_id and customer_id is refused, naming the entry", () => {
    expect(() =>
      parseGovernanceConfig({ teams: [{ id: "t1", name: "T" }], customers: [{ id: "c1", name: "C" }], virtual_keys: [vk({ team_id: "t1", customer_id: "c1" })] }),
    ).toThrow("governance.virtual_keys[0]: set team_id or customer_id, not both");
  });

  test("unknown references are refused with their path", () => {
    expect(() => parseGovernanceConfig({ virtual_keys: [vk({ budget_id: "nope" })] })).toThrow('governance.virtual_keys[0].budget_id: unknown budget "nope"');
    expect(() => parseGovernanceConfig({ virtual_keys: [vk({ rate_limit_id: "nope" })] })).toThrow('governance.virtual_keys[0].rate_limit_id: unknown rate limit "nope"');
    expect(() => parseGovernanceConfig({ virtual_keys: [vk({ team_id: "nope" })] })).toThrow('governance.virtual_keys[0].team_id: unknown team "nope"');
    expect(() => parseGovernanceConfig({ teams: [{ id: "t", name: "T", customer_id: "nope" }] })).toThrow('governance.teams[0].customer_id: unknown customer "nope"');
  });

  test("durations are checked: Go's units with a positive count", () => {
    expect(() => parseGovernanceConfig({ budgets: [{ id: "b", max_limit: 1, reset_duration: "1 month" }] })).toThrow("governance.budgets[0].reset_duration");
    expect(() => parseGovernanceConfig({ budgets: [{ id: "b", max_limit: 1, reset_duration: "0d" }] })).toThrow("is not a duration");
    for (const d of ["30s", "1m", "1h", "1d", "1w", "1M", "1Q", "1Y"]) expect(parseGovernanceConfig({ budgets: [{ id: d, max_limit: 1, reset_duration: d }] })).toBeDefined();
  });

  test("a rate limit's max needs its reset duration (Go's rule)", () => {
    expect(() => parseGovernanceConfig({ rate_limits: [{ id: "r", token_max_limit: 100 }] })).toThrow("governance.rate_limits[0].token_reset_duration: is required when token_max_limit is set");
  });

  test("regex: patterns that backtrack catastrophically are refused", () => {
    expect(() => parseGovernanceConfig({ virtual_keys: [vk({ provider_configs: [{ provider: "openai", allowed_models: ["regex:(a+)+$"] }] })] })).toThrow(
      "governance.virtual_keys[0].provider_configs[0].allowed_models[0]: regex refused",
    );
  });

  test("budgets in the config file need ids (their counters are keyed by them)", () => {
    expect(() => parseGovernanceConfig({ virtual_keys: [vk({ budgets: [{ max_limit: 1, reset_duration: "1d" }] })] })).toThrow("governance.virtual_keys[0].budgets[0].id: is required");
  });

  test("unknown fields and duplicate ids are refused", () => {
    expect(() => parseGovernanceConfig({ virtual_key: [] })).toThrow("governance.virtual_key: unknown field");
    expect(() => parseGovernanceConfig({ virtual_keys: [vk(), vk({ value: "sk-bf-other" })] })).toThrow('virtual key "vk1" is declared twice');
  });

  test("absent section: nothing to seed", () => {
    expect(parseGovernanceConfig(undefined)).toEqual({ virtual_keys: [], teams: [], customers: [] });
  });
});

describe("limits for the counters", () => {
  test("a budget becomes budget:<id> with its window; the owner's calendar alignment carries", () => {
    expect(budgetLimit({ id: "b", max_limit: 5, reset_duration: "1d" })).toEqual({ id: "budget:b", max: 5, window: { duration: "1d" } });
    expect(budgetLimit({ id: "b", max_limit: 5, reset_duration: "1M" }, true)).toEqual({ id: "budget:b", max: 5, window: { duration: "1M", calendarAligned: true } });
  });

  test("a rate limit becomes a request limit and a token limit, only those it sets", () => {
    expect(rateLimits({ id: "r", request_max_limit: 5, request_reset_duration: "1m", token_max_limit: 1000, token_reset_duration: "1h" })).toEqual([
      { id: "rl:r:requests", metric: "requests", max: 5, window: { duration: "1m" } },
      { id: "rl:r:tokens", metric: "tokens", max: 1000, window: { duration: "1h" } },
    ]);
    expect(rateLimits({ id: "r", token_max_limit: 10, token_reset_duration: "1m" }).map((l) => l.id)).toEqual(["rl:r:tokens"]);
  });

  test("windowStart steps back one window: calendar months for aligned M/Q/Y, 30/90 days unaligned (regression: last_reset of an unaligned 1M budget was a calendar month back)", () => {
    const reset = Date.UTC(2026, 3, 1);
    expect(windowStart(reset, { duration: "1h" })).toBe(reset - 3600_000);
    expect(windowStart(reset, { duration: "1M", calendarAligned: true })).toBe(Date.UTC(2026, 2, 1));
    expect(windowStart(reset, { duration: "1Q", calendarAligned: true })).toBe(Date.UTC(2026, 0, 1));
    expect(windowStart(reset, { duration: "1M" })).toBe(reset - 30 * 86400_000);
    expect(windowStart(reset, { duration: "1w", calendarAligned: true })).toBe(reset - 7 * 86400_000);
  });
});

describe("a virtual key's value from the environment", () => {
  test('"env.VAR" is read from the environment (regression: it was hashed as written, so the key never matched)', () => {
    const raw = { virtual_keys: [{ id: "vk", name: "app", value: "env.APP_VK" }] };
    const defs = parseGovernanceConfig(raw, "governance", { APP_VK: "sk-bf-from-env-0000000000000000000000" });
    expect(defs.virtual_keys[0]!.value_hash).toBe(sha256Hex("sk-bf-from-env-0000000000000000000000"));
    expect(() => parseGovernanceConfig(raw, "governance", {})).toThrow("governance.virtual_keys[0].value: environment variable APP_VK is not set");
  });
});
