import { describe, expect, test } from "bun:test";
import { admit, allowed, deniedError, firstWithoutRoom, limitsFor, presentedKey, route, type Directory, type TaggedLimit } from "./decide";
import type { Customer, ProviderConfig, Team, VirtualKey } from "./model";

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const stamp = { created_at: "2026-01-01T00:00:00.000Z", updated_at: "2026-01-01T00:00:00.000Z" };

function pc(provider: string, extra: Partial<ProviderConfig> = {}): ProviderConfig {
  return { id: 1, provider, weight: null, allowed_models: ["*"], blacklisted_models: [], key_ids: ["*"], budgets: [], rate_limit: null, ...extra };
}

function key(extra: Partial<VirtualKey> = {}): VirtualKey {
  return {
    id: "vk1", name: "app", description: "", value_hash: "h", value_prefix: "sk-bf-abcd", is_active: true, expires_at: null, team_id: null, customer_id: null,
    allow_all_providers: false, provider_configs: [], budgets: [], rate_limit: null, calendar_aligned: false, ...stamp, ...extra,
  };
}

const headers = (h: Record<string, string>) => (name: string) => h[name];

describe("presentedKey", () => {
  test("reads x-bf-vk first, whatever its value (Go's keys without the sk-bf- prefix)", () => {
    expect(presentedKey(headers({ "x-bf-vk": "legacy-key", authorization: "Bearer sk-bf-other" }))).toBe("legacy-key");
  });
  test("reads Authorization: Bearer, x-api-key, x-goog-api-key and api-key when they carry sk-bf-", () => {
    expect(presentedKey(headers({ authorization: "Bearer sk-bf-a" }))).toBe("sk-bf-a");
    expect(presentedKey(headers({ "x-api-key": "sk-bf-b" }))).toBe("sk-bf-b");
    expect(presentedKey(headers({ "x-goog-api-key": "sk-bf-c" }))).toBe("sk-bf-c");
    expect(presentedKey(headers({ "api-key": "sk-bf-d" }))).toBe("sk-bf-d");
  });
  test("a provider key passed through (sk-proj-…, sk-ant-…) is not taken for a virtual key", () => {
    expect(presentedKey(headers({ authorization: "Bearer sk-proj-123", "x-api-key": "sk-ant-456" }))).toBeNull();
  });
  test("no header: null", () => {
    expect(presentedKey(headers({}))).toBeNull();
  });
});

describe("admit", () => {
  test("no key: 401 when one is required, else the request goes on ungoverned", () => {
    const r = admit(null, undefined, NOW, true);
    expect(r.ok ? null : r.error).toMatchObject({ status: 401 });
    expect(admit(null, undefined, NOW, false)).toEqual({ ok: true, vk: null });
  });
  test("an unknown key: 403 virtual_key_not_found", () => {
    const r = admit("sk-bf-x", undefined, NOW, false);
    expect(r.ok ? null : r.error).toMatchObject({ status: 403, type: "virtual_key_not_found", code: "virtual_key_not_found", message: "Virtual key not found" });
  });
  test("an inactive or expired key: 403 virtual_key_blocked", () => {
    const inactive = admit("sk-bf-x", key({ is_active: false }), NOW, false);
    expect(inactive.ok ? null : inactive.error).toMatchObject({ status: 403, type: "virtual_key_blocked", message: "Virtual key is inactive" });
    const expired = admit("sk-bf-x", key({ expires_at: new Date(NOW - 1).toISOString() }), NOW, false);
    expect(expired.ok ? null : expired.error).toMatchObject({ status: 403, type: "virtual_key_blocked", message: "Virtual key has expired" });
    expect(admit("sk-bf-x", key({ expires_at: new Date(NOW + 60_000).toISOString() }), NOW, false).ok).toBe(true);
  });
});

describe("route", () => {
  const providers = ["openai", "anthropic", "groq"];

  test("an unprefixed model goes to a provider by weight; the others become fallbacks in weight order", () => {
    const vk = key({ provider_configs: [pc("openai", { weight: 1 }), pc("anthropic", { weight: 3 }), pc("groq", { weight: 2 })] });
    // random 0.0 → first slice (openai); 0.5 → 0.5*6=3 → past openai (1), inside anthropic (1..4)
    expect(route(vk, "m1", providers, () => 0)).toMatchObject({ ok: true, model: "openai/m1", fallbacks: ["anthropic/m1", "groq/m1"] });
    expect(route(vk, "m1", providers, () => 0.5)).toMatchObject({ ok: true, model: "anthropic/m1", fallbacks: ["groq/m1", "openai/m1"] });
    expect(route(vk, "m1", providers, () => 0.99)).toMatchObject({ ok: true, model: "groq/m1", fallbacks: ["anthropic/m1", "openai/m1"] });
  });

  test("only providers whose config allows the model, and that are configured, are candidates", () => {
    const vk = key({ provider_configs: [pc("openai", { allowed_models: ["gpt-4o"] }), pc("anthropic"), pc("unconfigured")] });
    expect(route(vk, "claude-3", providers, () => 0)).toMatchObject({ ok: true, model: "anthropic/claude-3", fallbacks: [] });
  });

  test("a weight of 0 is only a fallback", () => {
    const vk = key({ provider_configs: [pc("openai", { weight: 0 }), pc("anthropic", { weight: 1 })] });
    expect(route(vk, "m", providers, () => 0)).toMatchObject({ model: "anthropic/m", fallbacks: ["openai/m"] });
  });

  test("a prefixed model at a provider without config: 403 provider_blocked unless allow_all_providers", () => {
    const vk = key({ provider_configs: [pc("openai")] });
    const r = route(vk, "anthropic/claude", providers);
    expect(r.ok ? null : r.error).toMatchObject({ status: 403, type: "provider_blocked", message: "Provider 'anthropic' is not allowed for this virtual key" });
    expect(route(key({ allow_all_providers: true }), "anthropic/claude", providers)).toMatchObject({ ok: true, model: "anthropic/claude", providerConfig: null });
  });

  test("allowed_models: [\"*\"] all, [] none, names and regex: patterns; blacklisted_models win", () => {
    const check = (c: Partial<ProviderConfig>, model: string) => route(key({ provider_configs: [pc("openai", c)] }), `openai/${model}`, providers).ok;
    expect(check({ allowed_models: ["*"] }, "anything")).toBe(true);
    expect(check({ allowed_models: [] }, "anything")).toBe(false);
    expect(check({ allowed_models: ["gpt-4o"] }, "gpt-4o")).toBe(true);
    expect(check({ allowed_models: ["openai/gpt-4o"] }, "gpt-4o")).toBe(true);
    expect(check({ allowed_models: ["gpt-4o"] }, "gpt-4o-mini")).toBe(false);
    expect(check({ allowed_models: ["regex:^gpt-4o"] }, "gpt-4o-mini")).toBe(true);
    expect(check({ allowed_models: ["*"], blacklisted_models: ["regex:mini$"] }, "gpt-4o-mini")).toBe(false);
    const r = route(key({ provider_configs: [pc("openai", { allowed_models: [] })] }), "openai/gpt-4o", providers);
    expect(r.ok ? null : r.error).toMatchObject({ status: 403, type: "model_blocked" });
  });

  test("an unprefixed model no config allows: 403 model_blocked", () => {
    const r = route(key({ provider_configs: [pc("openai", { allowed_models: ["gpt-4o"] })] }), "claude-3", providers);
    expect(r.ok ? null : r.error).toMatchObject({ status: 403, type: "model_blocked" });
  });

  test("a model id with a slash that is not a provider (meta-llama/…) counts as unprefixed", () => {
    const vk = key({ provider_configs: [pc("groq")] });
    expect(route(vk, "meta-llama/llama-3", providers, () => 0)).toMatchObject({ ok: true, model: "groq/meta-llama/llama-3" });
  });

  test("allowed() answers for fallbacks and model listings", () => {
    const vk = key({ provider_configs: [pc("openai", { allowed_models: ["gpt-4o"] })] });
    expect(allowed(vk, "openai", "gpt-4o")).toBe(true);
    expect(allowed(vk, "openai", "o1")).toBe(false);
    expect(allowed(vk, "anthropic", "claude")).toBe(false);
  });
});

describe("limitsFor", () => {
  const customer: Customer = { id: "c1", name: "Acme", budgets: [{ id: "bc", max_limit: 100, reset_duration: "1M" }], rate_limit: null, calendar_aligned: true, ...stamp };
  const team: Team = { id: "t1", name: "Platform", customer_id: "c1", budgets: [{ id: "bt", max_limit: 20, reset_duration: "1w" }], rate_limit: null, calendar_aligned: false, ...stamp };
  const dir: Directory = { team: (id) => (id === "t1" ? team : undefined), customer: (id) => (id === "c1" ? customer : undefined) };

  test("the hierarchy: provider config → key → team → the team's customer, budgets and rate limits, each tagged", () => {
    const p = pc("openai", { budgets: [{ id: "bp", max_limit: 1, reset_duration: "1h" }], rate_limit: { id: "rp", request_max_limit: 10, request_reset_duration: "1m" } });
    const vk = key({ team_id: "t1", provider_configs: [p], budgets: [{ id: "bk", max_limit: 5, reset_duration: "1d" }], rate_limit: { id: "rk", token_max_limit: 1000, token_reset_duration: "1h" } });
    const limits = limitsFor(vk, p, dir);
    expect(limits.map((l) => [l.limit.id, l.kind, l.level, l.owner.name])).toEqual([
      ["budget:bp", "budget", "provider_config", "openai"],
      ["rl:rp:requests", "requests", "provider_config", "openai"],
      ["budget:bk", "budget", "virtual_key", "app"],
      ["rl:rk:tokens", "tokens", "virtual_key", "app"],
      ["budget:bt", "budget", "team", "Platform"],
      ["budget:bc", "budget", "customer", "Acme"],
    ]);
    expect(limits.find((l) => l.limit.id === "budget:bc")!.limit.window).toEqual({ duration: "1M", calendarAligned: true });
  });

  test("a key attached to a customer directly gets the customer's budgets", () => {
    expect(limitsFor(key({ customer_id: "c1" }), null, dir).map((l) => l.limit.id)).toEqual(["budget:bc"]);
  });

  test("a budget shared by two levels is counted once", () => {
    const shared = { id: "shared", max_limit: 5, reset_duration: "1d" };
    const p = pc("openai", { budgets: [shared] });
    expect(limitsFor(key({ provider_configs: [p], budgets: [shared] }), p, dir).map((l) => l.limit.id)).toEqual(["budget:shared"]);
  });
});

describe("deniedError", () => {
  const owner = { id: "vk1", name: "app" };
  test("a budget: 402 budget_exceeded naming the owner, what was used and when it resets", () => {
    const e = deniedError({ limit: { id: "budget:b", max: 5, window: { duration: "1d" } }, kind: "budget", level: "virtual_key", owner, sourceId: "b" }, 5.25, NOW + 3600_000, NOW);
    expect(e).toMatchObject({ status: 402, type: "budget_exceeded", code: "budget_exceeded" });
    expect(e.message).toBe("Budget exceeded for virtual key 'app': $5.25 of $5 used; resets in 3600s (2026-11-28T13:00:00.000Z)");
  });
  test("requests: 429 request_limited with Retry-After and x-ratelimit-* headers", () => {
    const e = deniedError({ limit: { id: "rl:r:requests", max: 5, window: { duration: "1m" } }, kind: "requests", level: "virtual_key", owner, sourceId: "r" }, 5, NOW + 42_500, NOW);
    expect(e).toMatchObject({ status: 429, type: "request_limited" });
    expect(e.headers).toEqual({ "retry-after": "43", "x-ratelimit-limit-requests": "5", "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "43s" });
  });
  test("tokens: 429 token_limited with the token headers", () => {
    const e = deniedError({ limit: { id: "rl:r:tokens", max: 1000, window: { duration: "1h" } }, kind: "tokens", level: "provider_config", owner: { id: "vk1:openai", name: "openai" }, sourceId: "r" }, 900, NOW + 1000, NOW);
    expect(e).toMatchObject({ status: 429, type: "token_limited" });
    expect(e.message).toContain("provider config 'openai'");
    expect(e.headers).toMatchObject({ "x-ratelimit-limit-tokens": "1000", "x-ratelimit-remaining-tokens": "100", "retry-after": "1" });
  });
});

describe("firstWithoutRoom (a native batch's admission: no reservation, only whether anything is left)", () => {
  const owner = { id: "vk1", name: "app" };
  const tl = (kind: TaggedLimit["kind"], max: number): TaggedLimit => ({ limit: { id: `${kind}:x`, max, window: null }, kind, level: "virtual_key", owner, sourceId: "x" });
  const limits = [tl("budget", 5), tl("requests", 10), tl("tokens", 1000)];
  test("room anywhere short of the max admits, however little", () => {
    expect(firstWithoutRoom(limits, [4.999999, 9, 999])).toBe(-1);
    expect(firstWithoutRoom([], [])).toBe(-1);
  });
  test("a budget or token limit used up to its max (or past it) has none; a request limit has none without room for one more", () => {
    expect(firstWithoutRoom(limits, [5, 0, 0])).toBe(0);
    expect(firstWithoutRoom(limits, [5.25, 10, 0])).toBe(0);
    expect(firstWithoutRoom(limits, [0, 10, 0])).toBe(1);
    expect(firstWithoutRoom(limits, [0, 9.5, 0])).toBe(1);
    expect(firstWithoutRoom(limits, [0, 0, 1000])).toBe(2);
  });
  test("a limit of 0 never has room", () => {
    expect(firstWithoutRoom([tl("budget", 0)], [0])).toBe(0);
    expect(firstWithoutRoom([tl("requests", 0)], [0])).toBe(0);
  });
});
