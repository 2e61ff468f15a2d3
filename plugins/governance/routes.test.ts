import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PluginRoute } from "bifrost/plugin";
import type { Limit } from "./counters-types";
import { DefinitionStore } from "./definitions";
import { parseGovernanceConfig } from "./model";
import { governanceRoutes } from "./routes";

const RESET = Date.UTC(2026, 11, 1);
const asked: string[] = [];
/** A fake counter store: budgets have used 1.5, request counts 2; every window resets at RESET. */
const usageOf = async (limit: Limit) => {
  asked.push(limit.id);
  return { used: limit.id.startsWith("budget:") ? 1.5 : 2, resetAt: limit.window ? RESET : null };
};

let dir = "";
let store: DefinitionStore;
let routes: PluginRoute[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gov-routes-"));
  store = await DefinitionStore.open(
    { type: "sqlite", path: join(dir, "g.db") },
    parseGovernanceConfig({
      customers: [{ id: "c1", name: "Acme" }],
      teams: [{ id: "t1", name: "Platform", customer_id: "c1", budgets: [{ id: "bt", max_limit: 20, reset_duration: "1M" }] }],
      virtual_keys: [{ id: "vk-config", name: "seeded", value: "sk-bf-seeded-value", team_id: "t1" }],
    }),
  );
  routes = governanceRoutes(store, usageOf);
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Calls the handler the gateway would mount for method + path, with its :params. */
async function call(method: string, url: string, body?: unknown): Promise<{ status: number; json: any }> {
  const path = url.split("?")[0]!;
  for (const r of routes) {
    if (r.method !== method) continue;
    const want = r.path.split("/");
    const got = path.split("/");
    if (want.length !== got.length) continue;
    const params: Record<string, string> = {};
    if (!want.every((w, i) => (w.startsWith(":") ? ((params[w.slice(1)] = decodeURIComponent(got[i]!)), true) : w === got[i]))) continue;
    const init: RequestInit = { method };
    if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
    const res = await r.handle(new Request(`http://gw${url}`, init), params);
    return { status: res.status, json: await res.json() };
  }
  throw new Error(`no route for ${method} ${url}`);
}

describe("virtual keys", () => {
  test("POST creates a key and shows its value once; GET shows only its prefix", async () => {
    const created = await call("POST", "/api/governance/virtual-keys", {
      name: "app",
      provider_configs: [{ provider: "openai", weight: 1, allowed_models: ["gpt-4o"], budgets: [{ max_limit: 3, reset_duration: "1d" }] }],
      budgets: [{ max_limit: 10, reset_duration: "1w" }],
      rate_limit: { request_max_limit: 5, request_reset_duration: "1m" },
    });
    expect(created.status).toBe(200);
    expect(created.json.message).toBe("Virtual key created successfully");
    const vk = created.json.virtual_key;
    expect(vk.value).toMatch(/^sk-bf-[A-Za-z0-9_-]{43}$/);
    expect(store.byValue(vk.value)?.id).toBe(vk.id);

    const got = await call("GET", `/api/governance/virtual-keys/${vk.id}`);
    expect(got.json.virtual_key.value).toBe(`${vk.value.slice(0, 10)}…`);
    expect(JSON.stringify(got.json)).not.toContain(vk.value);
    expect(got.json.virtual_key.provider_configs[0]).toMatchObject({ provider: "openai", weight: 1, allowed_models: ["gpt-4o"], virtual_key_id: vk.id });
  });

  test("each budget and rate limit in an answer carries its usage, last reset and next reset", async () => {
    const created = await call("POST", "/api/governance/virtual-keys", { name: "usage", budgets: [{ max_limit: 10, reset_duration: "1w" }], rate_limit: { request_max_limit: 5, request_reset_duration: "1m" } });
    const vk = created.json.virtual_key;
    expect(vk.budgets[0]).toMatchObject({ max_limit: 10, reset_duration: "1w", current_usage: 1.5, reset_at: new Date(RESET).toISOString(), last_reset: new Date(RESET - 7 * 86400_000).toISOString() });
    expect(vk.rate_limit).toMatchObject({ request_max_limit: 5, request_current_usage: 2, request_reset_at: new Date(RESET).toISOString(), token_max_limit: null, token_current_usage: 0 });
    expect(vk.rate_limit_id).toBe(vk.rate_limit.id);
    expect(asked).toContain(`budget:${vk.budgets[0].id}`);
    expect(asked).toContain(`rl:${vk.rate_limit.id}:requests`);
  });

  test("GET lists in Go's shape with limit, offset and search", async () => {
    await call("POST", "/api/governance/virtual-keys", { name: "search-me-1" });
    await call("POST", "/api/governance/virtual-keys", { name: "search-me-2" });
    const all = await call("GET", "/api/governance/virtual-keys");
    expect(all.json).toMatchObject({ count: all.json.virtual_keys.length, total_count: all.json.virtual_keys.length, offset: 0 });
    const page = await call("GET", "/api/governance/virtual-keys?search=SEARCH-me&limit=1&offset=1");
    expect(page.json).toMatchObject({ count: 1, total_count: 2, limit: 1, offset: 1 });
    expect(page.json.virtual_keys[0].name).toBe("search-me-2");
  });

  test("PUT updates what it names; DELETE removes; both answer 404 for an unknown id", async () => {
    const vk = (await call("POST", "/api/governance/virtual-keys", { name: "to-change" })).json.virtual_key;
    const put = await call("PUT", `/api/governance/virtual-keys/${vk.id}`, { is_active: false, team_id: "t1" });
    expect(put.json).toMatchObject({ message: "Virtual key updated successfully", virtual_key: { is_active: false, team_id: "t1", team: { id: "t1", name: "Platform" } } });
    expect((await call("DELETE", `/api/governance/virtual-keys/${vk.id}`)).json).toEqual({ message: "Virtual key deleted successfully" });
    for (const [m, b] of [["GET"], ["PUT", {}], ["DELETE"]] as const) {
      const r = await call(m, `/api/governance/virtual-keys/${vk.id}`, b);
      expect(r.status).toBe(404);
      expect(r.json.error.message).toBe("Virtual key not found");
    }
  });

  test("bad bodies are 400 in the gateway's error shape, naming the field", async () => {
    const both = await call("POST", "/api/governance/virtual-keys", { name: "x", team_id: "t1", customer_id: "c1" });
    expect(both.status).toBe(400);
    expect(both.json).toMatchObject({ is_bifrost_error: false, status_code: 400, error: { type: "invalid_request_error" } });
    expect(both.json.error.message).toContain("not both");
    const duration = await call("POST", "/api/governance/virtual-keys", { name: "x", budgets: [{ max_limit: 1, reset_duration: "1 day" }] });
    expect(duration.json.error.message).toContain("body.budgets[0].reset_duration");
    expect((await call("POST", "/api/governance/virtual-keys", "{not json")).status).toBe(400);
    expect((await call("POST", "/api/governance/virtual-keys", {})).json.error.message).toBe("body.name: is required");
    expect((await call("GET", "/api/governance/virtual-keys?limit=-1")).status).toBe(400);
    const regex = await call("POST", "/api/governance/virtual-keys", { name: "x", provider_configs: [{ provider: "openai", allowed_models: ["regex:(a+)+"] }] });
    expect(regex.json.error.message).toContain("regex refused");
  });
});

describe("teams and customers", () => {
  test("a team is created with Go's single `budget`, listed with its customer and key count", async () => {
    const created = await call("POST", "/api/governance/teams", { name: "Research", customer_id: "c1", budget: { max_limit: 7, reset_duration: "1d" } });
    expect(created.json.message).toBe("Team created successfully");
    expect(created.json.team).toMatchObject({ name: "Research", customer_id: "c1", customer: { id: "c1", name: "Acme" }, budgets: [{ max_limit: 7, current_usage: 1.5 }] });
    const list = await call("GET", "/api/governance/teams?search=platform");
    expect(list.json).toMatchObject({ count: 1, total_count: 1, teams: [{ id: "t1", virtual_key_count: 1, config_source: "config" }] });
    const updated = await call("PUT", `/api/governance/teams/${created.json.team.id}`, { budget: { max_limit: 9, reset_duration: "1d" } });
    expect(updated.json.team.budgets).toHaveLength(1);
    expect(updated.json.team.budgets[0].max_limit).toBe(9);
    expect((await call("POST", "/api/governance/teams", { name: "X", customer_id: "nope" })).status).toBe(400);
  });

  test("customers: create, get with their teams, delete", async () => {
    const c = (await call("POST", "/api/governance/customers", { name: "Globex", rate_limit: { token_max_limit: 1000, token_reset_duration: "1h" } })).json.customer;
    expect(c.rate_limit).toMatchObject({ token_max_limit: 1000, token_current_usage: 2 });
    const acme = await call("GET", "/api/governance/customers/c1");
    expect(acme.json.customer.teams.map((t: { id: string }) => t.id)).toContain("t1");
    expect((await call("DELETE", `/api/governance/customers/${c.id}`)).json.message).toBe("Customer deleted successfully");
    expect((await call("GET", `/api/governance/customers/${c.id}`)).status).toBe(404);
  });
});

describe("budgets and rate limits", () => {
  test("GET /api/governance/budgets lists every budget with its owner and usage", async () => {
    const r = await call("GET", "/api/governance/budgets");
    expect(r.json.count).toBe(r.json.budgets.length);
    expect(r.json.budgets.find((b: { id: string }) => b.id === "bt")).toMatchObject({ team_id: "t1", max_limit: 20, current_usage: 1.5, reset_at: new Date(RESET).toISOString(), last_reset: new Date(Date.UTC(2026, 10, 1)).toISOString() });
  });

  test("GET /api/governance/rate-limits lists every rate limit with its owner and usage", async () => {
    const vk = (await call("POST", "/api/governance/virtual-keys", { name: "rl-owner", rate_limit: { request_max_limit: 9, request_reset_duration: "1h" } })).json.virtual_key;
    const r = await call("GET", "/api/governance/rate-limits");
    expect(r.json.count).toBe(r.json.rate_limits.length);
    expect(r.json.rate_limits.find((x: { virtual_key_id: string }) => x.virtual_key_id === vk.id)).toMatchObject({ request_max_limit: 9, request_current_usage: 2 });
  });
});
