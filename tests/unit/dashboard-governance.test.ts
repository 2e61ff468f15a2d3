/** The Governance page's pure parts: the next reset of a limit, and the forms' API bodies. */
import { describe, expect, test } from "bun:test";
import { fromLocalInput, limitsBody, limitFormOf, ownerBody, toLocalInput, virtualKeyBody, virtualKeyFormOf } from "../../ui/src/pages/governance/forms";
import { durationMs, durationWords, nextReset } from "../../ui/src/pages/governance/reset";
import type { BudgetView, RateLimitView, VirtualKeyView } from "../../ui/src/pages/governance/types";

describe("next reset", () => {
  test("is the answer's reset_at when there is one", () => {
    expect(nextReset("2026-12-01T00:00:00.000Z", "2026-11-01T00:00:00.000Z", "1d")).toBe(Date.UTC(2026, 11, 1));
  });

  test("else last_reset + reset_duration, months as 30 days (Go's durations)", () => {
    const last = "2026-11-01T00:00:00.000Z";
    const t0 = Date.UTC(2026, 10, 1);
    expect(nextReset(null, last, "1h")).toBe(t0 + 3600_000);
    expect(nextReset(undefined, last, "1d")).toBe(t0 + 86400_000);
    expect(nextReset(null, last, "2w")).toBe(t0 + 14 * 86400_000);
    expect(nextReset(null, last, "1M")).toBe(t0 + 30 * 86400_000);
    expect(nextReset(null, last, "1Y")).toBe(t0 + 365 * 86400_000);
  });

  test("is null when it never resets or cannot be known", () => {
    expect(nextReset(null, null, "1d")).toBeNull();
    expect(nextReset(null, "2026-11-01T00:00:00Z", null)).toBeNull();
    expect(nextReset(null, "2026-11-01T00:00:00Z", "1 day")).toBeNull();
    expect(nextReset("not a date", null, null)).toBeNull();
  });

  test("durations read as words", () => {
    expect(durationMs("30s")).toBe(30_000);
    expect(durationMs("5m")).toBe(300_000);
    expect(durationMs("0m")).toBeNull();
    expect(durationWords("1d")).toBe("day");
    expect(durationWords("30m")).toBe("30 minutes");
    expect(durationWords("1M")).toBe("month");
  });
});

const budget = (over: Partial<BudgetView> = {}): BudgetView => ({ id: "b1", max_limit: 10, reset_duration: "1d", calendar_aligned: false, current_usage: 2.5, last_reset: null, reset_at: null, ...over });
const rate = (over: Partial<RateLimitView> = {}): RateLimitView => ({
  id: "r1",
  token_max_limit: null,
  token_reset_duration: null,
  token_current_usage: 0,
  token_last_reset: null,
  token_reset_at: null,
  request_max_limit: 5,
  request_reset_duration: "1m",
  request_current_usage: 3,
  request_last_reset: null,
  request_reset_at: "2026-12-01T00:00:00Z",
  ...over,
});

describe("limits in a form", () => {
  test("an empty form sets no budget and no rate limit", () => {
    expect(limitsBody(limitFormOf(null), null)).toEqual({ ok: true, budgets: [], rate_limit: null });
  });

  test("a new budget and request limit become Go's budget and rate_limit", () => {
    const form = { ...limitFormOf(null), budget_max: "1.5", budget_reset: "1d", request_max: "10", request_reset: "1h" };
    expect(limitsBody(form, null)).toEqual({
      ok: true,
      budgets: [{ max_limit: 1.5, reset_duration: "1d" }],
      rate_limit: { token_max_limit: null, token_reset_duration: null, request_max_limit: 10, request_reset_duration: "1h" },
    });
  });

  test("editing keeps the budget's and rate limit's ids (their usage carries on) and the other budgets, without the usage fields", () => {
    const existing = { budgets: [budget(), budget({ id: "b2", max_limit: 100, reset_duration: "1M", calendar_aligned: true })], rate_limit: rate(), calendar_aligned: false };
    const form = { ...limitFormOf(existing), budget_max: "20" };
    expect(form).toMatchObject({ budget_max: "20", budget_reset: "1d", request_max: "5", request_reset: "1m", token_max: "" });
    const body = limitsBody(form, existing);
    expect(body).toEqual({
      ok: true,
      budgets: [{ id: "b1", max_limit: 20, reset_duration: "1d" }, { id: "b2", max_limit: 100, reset_duration: "1M", calendar_aligned: true }],
      rate_limit: { id: "r1", token_max_limit: null, token_reset_duration: null, request_max_limit: 5, request_reset_duration: "1m" },
    });
  });

  test("clearing the fields removes the first budget and the rate limit", () => {
    const existing = { budgets: [budget()], rate_limit: rate() };
    expect(limitsBody({ ...limitFormOf(existing), budget_max: "", request_max: "" }, existing)).toEqual({ ok: true, budgets: [], rate_limit: null });
  });

  test("bad numbers and durations are named by field", () => {
    const form = { ...limitFormOf(null), budget_max: "-1", token_max: "1.5", request_max: "3", request_reset: "1 hour" };
    const r = limitsBody(form, null);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors).sort()).toEqual(["budget_max", "request_reset", "token_max"]);
  });
});

const vk = (over: Partial<VirtualKeyView> = {}): VirtualKeyView => ({
  id: "vk1",
  name: "app",
  description: "",
  value: "sk-bf-ab12…",
  is_active: true,
  expires_at: null,
  team_id: "t1",
  customer_id: null,
  team: { id: "t1", name: "Platform", customer_id: null },
  customer: null,
  allow_all_providers: false,
  calendar_aligned: false,
  provider_configs: [
    { id: 1, provider: "openai", weight: 2, allowed_models: ["gpt-4o", "gpt-4o-mini"], blacklisted_models: ["gpt-4o-2024"], key_ids: ["main"], budgets: [budget({ id: "pcb" })], rate_limit: null },
  ],
  budgets: [budget()],
  rate_limit: null,
  config_source: "api",
  created_at: "",
  updated_at: "",
  ...over,
});

describe("virtual key form", () => {
  test("a new key: owner, providers with weight and models, limits", () => {
    const form = virtualKeyFormOf(null);
    form.name = " app ";
    form.owner = "customer:c1";
    form.providers = [{ provider: "openai", weight: "1", allowed_models: "gpt-4o-mini, gpt-4o" }, { provider: "", weight: "1", allowed_models: "*" }];
    form.limits = { ...form.limits, budget_max: "1", budget_reset: "1d", request_max: "10", request_reset: "1h" };
    const r = virtualKeyBody(form, null);
    expect(r).toEqual({
      ok: true,
      body: {
        name: "app",
        description: "",
        team_id: null,
        customer_id: "c1",
        expires_at: null,
        allow_all_providers: false,
        provider_configs: [{ provider: "openai", weight: 1, allowed_models: ["gpt-4o-mini", "gpt-4o"] }],
        budgets: [{ max_limit: 1, reset_duration: "1d" }],
        rate_limit: { token_max_limit: null, token_reset_duration: null, request_max_limit: 10, request_reset_duration: "1h" },
      },
    });
  });

  test("editing keeps each provider config's own limits, key ids and blocked models", () => {
    const existing = vk();
    const form = virtualKeyFormOf(existing);
    expect(form).toMatchObject({ owner: "team:t1", providers: [{ provider: "openai", weight: "2", allowed_models: "gpt-4o, gpt-4o-mini" }], limits: { budget_max: "10" } });
    form.providers[0]!.allowed_models = "*";
    const r = virtualKeyBody(form, existing);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.body.provider_configs).toEqual([
      { provider: "openai", weight: 2, allowed_models: ["*"], blacklisted_models: ["gpt-4o-2024"], key_ids: ["main"], budgets: [{ id: "pcb", max_limit: 10, reset_duration: "1d" }], rate_limit: null },
    ]);
    expect(r.body.budgets).toEqual([{ id: "b1", max_limit: 10, reset_duration: "1d" }]);
    expect(r.body).toMatchObject({ team_id: "t1", customer_id: null });
  });

  test("a missing name, a provider listed twice and a bad weight are refused before any call", () => {
    const form = virtualKeyFormOf(null);
    form.providers = [{ provider: "openai", weight: "1", allowed_models: "*" }, { provider: "openai", weight: "-2", allowed_models: "*" }];
    const r = virtualKeyBody(form, null);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toMatchObject({ name: "is required", "provider.1": "openai is listed twice", "weight.1": "must be a number, 0 or more" });
  });

  test("the form's empty provider row is ignored, but not one with models chosen", () => {
    const form = { ...virtualKeyFormOf(null), name: "app" };
    expect(virtualKeyBody(form, null)).toMatchObject({ ok: true, body: { provider_configs: [] } });
    form.providers = [{ provider: " ", weight: "1", allowed_models: "gpt-4o" }];
    expect(virtualKeyBody(form, null)).toMatchObject({ ok: false, errors: { "provider.0": "is required (or remove this provider config)" } });
  });

  test("expiry goes through a datetime-local value and back", () => {
    const iso = "2027-03-04T05:06:00.000Z";
    expect(fromLocalInput(toLocalInput(iso))).toBe(iso);
    expect(toLocalInput(null)).toBe("");
    expect(fromLocalInput("soon")).toBeNull();
  });
});

describe("team and customer form", () => {
  test("a team carries its customer (or null); a customer none", () => {
    const form = { name: "Research", customer_id: "", limits: { ...limitFormOf(null), budget_max: "5" } };
    expect(ownerBody(form, null, true)).toEqual({ ok: true, body: { name: "Research", customer_id: null, budgets: [{ max_limit: 5, reset_duration: "1M" }], rate_limit: null } });
    expect(ownerBody({ ...form, customer_id: "c1" }, null, false)).toEqual({ ok: true, body: { name: "Research", budgets: [{ max_limit: 5, reset_duration: "1M" }], rate_limit: null } });
    expect(ownerBody({ ...form, name: " " }, null, true)).toMatchObject({ ok: false, errors: { name: "is required" } });
  });
});
