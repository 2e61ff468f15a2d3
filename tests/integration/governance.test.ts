/**
 * Issue 13 end to end, through real servers: every refusal with Go Bifrost's status and decision
 * (and in the vendor's shape on a drop-in route), the hierarchy, routing by a key's weights, the
 * model list per key, the admin API, usage surviving a restart, and the limits holding exactly:
 * 200 concurrent requests against a budget for 50 (unary and streams, spend to the cent), the same
 * split across two gateway processes sharing Redis, and 5/min across two replicas.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { openGateway, startGateway, type Gateway, type GatewayProcess } from "../support/gateway";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";

const js = (r: Response): Promise<any> => r.json();

let mock: MockUpstream;
beforeAll(async () => {
  mock = await startMockUpstream();
});
afterAll(() => mock.stop());

/** $0.002 an output token and nothing for input: the mock answers 5 tokens, so every request costs exactly $0.01. */
const PRICED = [{ model_pattern: "priced-model", match_type: "exact", input_cost_per_token: 0, output_cost_per_token: 0.002 }];
const providers = () => ({
  openai: { keys: [{ name: "oa-a", value: "sk-gov-openai-aaaa" }, { name: "oa-b", value: "sk-gov-openai-bbbb" }], network_config: { base_url: mock.url }, pricing_overrides: PRICED },
  anthropic: { keys: [{ name: "an", value: "sk-gov-anthropic-cccc" }], network_config: { base_url: mock.url } },
});

const VK = {
  open: "sk-bf-open-0000000000000000000000000000",
  budget: "sk-bf-budget-111111111111111111111111111",
  limited: "sk-bf-limited-22222222222222222222222222",
  routed: "sk-bf-routed-333333333333333333333333333",
  off: "sk-bf-off-44444444444444444444444444444444",
  expired: "sk-bf-expired-5555555555555555555555555555",
  teamA: "sk-bf-team-a-6666666666666666666666666666",
  teamB: "sk-bf-team-b-7777777777777777777777777777",
};
const all = ["*"];
const governance = () => ({
  customers: [{ id: "cust-1", name: "Acme", budgets: [{ id: "cust-budget", max_limit: 0.03, reset_duration: "1d" }] }],
  teams: [{ id: "team-1", name: "search", customer_id: "cust-1" }],
  virtual_keys: [
    { id: "vk-open", name: "open", value: VK.open, provider_configs: [{ provider: "openai", allowed_models: all }, { provider: "anthropic", allowed_models: ["claude-3-5-haiku-latest"] }] },
    { id: "vk-budget", name: "budget", value: VK.budget, provider_configs: [{ provider: "openai", allowed_models: ["priced-model"] }], budgets: [{ id: "b-50", max_limit: 0.5, reset_duration: "1d" }] },
    { id: "vk-limited", name: "limited", value: VK.limited, provider_configs: [{ provider: "openai", allowed_models: all }], rate_limit: { id: "rl-5", request_max_limit: 5, request_reset_duration: "1m" } },
    {
      id: "vk-routed",
      name: "routed",
      value: VK.routed,
      provider_configs: [
        { provider: "openai", weight: 1, allowed_models: ["gpt-4o-mini"], key_ids: ["oa-b"] },
        { provider: "anthropic", weight: 0, allowed_models: ["gpt-4o-mini"] },
      ],
    },
    { id: "vk-off", name: "off", value: VK.off, is_active: false, provider_configs: [{ provider: "openai", allowed_models: all }] },
    { id: "vk-expired", name: "expired", value: VK.expired, expires_at: "2020-01-01T00:00:00Z", provider_configs: [{ provider: "openai", allowed_models: all }] },
    { id: "vk-team-a", name: "team-a", value: VK.teamA, team_id: "team-1", provider_configs: [{ provider: "openai", allowed_models: all }] },
    { id: "vk-team-b", name: "team-b", value: VK.teamB, team_id: "team-1", provider_configs: [{ provider: "openai", allowed_models: all }] },
  ],
});

const chatBody = (model: string, extra: Record<string, unknown> = {}) => JSON.stringify({ model, messages: [{ role: "user", content: "hello governance" }], ...extra });
const chat = (url: string, vk: string | null, model = "openai/gpt-4o-mini", extra: Record<string, unknown> = {}) =>
  fetch(`${url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", ...(vk ? { authorization: `Bearer ${vk}` } : {}) }, body: chatBody(model, extra) });

describe("one gateway, memory counters", () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await openGateway({ providers: providers(), governance: governance(), client: { enforce_auth_on_inference: true } });
  });
  afterAll(() => gw.close());

  test("each refusal: Go Bifrost's status and decision, before any provider call", async () => {
    mock.reset();
    const cases: Array<[string | null, string, number, string]> = [
      [null, "openai/gpt-4o-mini", 401, "virtual_key_required"],
      ["sk-bf-unknown-000000000000000000000000000", "openai/gpt-4o-mini", 403, "virtual_key_not_found"],
      [VK.off, "openai/gpt-4o-mini", 403, "virtual_key_blocked"],
      [VK.expired, "openai/gpt-4o-mini", 403, "virtual_key_blocked"],
      [VK.open, "anthropic/claude-3-opus-latest", 403, "model_blocked"],
      [VK.budget, "anthropic/claude-3-5-haiku-latest", 403, "provider_blocked"],
    ];
    for (const [vk, model, status, decision] of cases) {
      const res = await chat(gw.url, vk, model);
      const body = await js(res);
      expect([vk, model, res.status, body.error.type]).toEqual([vk, model, status, decision]);
    }
    expect(mock.requests).toHaveLength(0);
  });

  test("a rate limit: the 6th request in the minute is 429 request_limited with Retry-After and x-ratelimit-*", async () => {
    for (let i = 0; i < 5; i++) expect((await chat(gw.url, VK.limited)).status).toBe(200);
    const res = await chat(gw.url, VK.limited);
    expect(res.status).toBe(429);
    expect((await js(res)).error.type).toBe("request_limited");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(res.headers.get("x-ratelimit-limit-requests")).toBe("5");
    expect(res.headers.get("x-ratelimit-remaining-requests")).toBe("0");
  });

  test("on a drop-in route the refusal is in the vendor's shape (Anthropic SDK)", async () => {
    const anthropic = new Anthropic({ apiKey: VK.budget, baseURL: `${gw.url}/anthropic`, maxRetries: 0 });
    const err = await anthropic.messages.create({ model: "anthropic/claude-3-5-haiku-latest", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }).catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect(err.error).toMatchObject({ type: "error", error: { type: "permission_error" } });
  });

  test("the hierarchy: two keys of one team share their customer's budget ($0.03 = three $0.01 requests)", async () => {
    const codes: number[] = [];
    for (const vk of [VK.teamA, VK.teamB, VK.teamA, VK.teamB]) codes.push((await chat(gw.url, vk, "openai/priced-model", { max_tokens: 5 })).status);
    expect(codes).toEqual([200, 200, 200, 402]);
    const refused = await js(await chat(gw.url, VK.teamA, "openai/priced-model", { max_tokens: 5 }));
    expect(refused.error.message).toContain("customer 'Acme'");
    expect(refused.error.message).toContain("this request reserves up to $0.01");
    const budgets = await js(await gw.fetch("/api/governance/budgets"));
    const cust = budgets.budgets.find((b: { id: string }) => b.id === "cust-budget");
    expect(cust.current_usage).toBeCloseTo(0.03, 10);
  });

  test("routing by the key: an unprefixed model goes by the key's weights to its allowed keys, the others become fallbacks", async () => {
    mock.reset();
    const ok = await js(await chat(gw.url, VK.routed, "gpt-4o-mini"));
    expect(ok.extra_fields.provider).toBe("openai");
    expect(mock.requests.at(-1)!.headers.authorization).toBe("Bearer sk-gov-openai-bbbb"); // key_ids: ["oa-b"]
    mock.fault({ status: 500, times: 1, match: { model: "gpt-4o-mini" } });
    const fellBack = await js(await chat(gw.url, VK.routed, "gpt-4o-mini"));
    expect(fellBack.extra_fields.provider).toBe("anthropic");
  });

  test("GET /v1/models lists only what the key may use; without a key it is 401", async () => {
    expect((await fetch(`${gw.url}/v1/models`)).status).toBe(401);
    const everything = await js(await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${VK.open}` } }));
    const routed = await js(await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${VK.routed}` } }));
    const ids = (l: { data: Array<{ id: string }> }) => l.data.map((m) => m.id);
    expect(ids(everything)).toContain("openai/gpt-4o-mini");
    expect(ids(everything).length).toBeGreaterThan(ids(routed).length);
    expect(ids(routed)).toContain("openai/gpt-4o-mini");
    expect(ids(routed).every((id) => id.endsWith("/gpt-4o-mini"))).toBe(true);
  });

  test("the admin API: a key created is shown once, works at once, and lists masked with its usage", async () => {
    const created = await js(
      await gw.fetch("/api/governance/virtual-keys", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "made-live", provider_configs: [{ provider: "openai", allowed_models: ["*"] }], budgets: [{ max_limit: 1, reset_duration: "1M" }] }),
      }),
    );
    const value = created.virtual_key.value as string;
    expect(value).toStartWith("sk-bf-");
    expect((await chat(gw.url, value, "openai/priced-model", { max_tokens: 5 })).status).toBe(200);
    const listed = await js(await gw.fetch("/api/governance/virtual-keys?search=made-live"));
    const row = listed.virtual_keys[0];
    expect(row.value).not.toBe(value);
    expect(JSON.stringify(listed)).not.toContain(value);
    expect(row.budgets[0].current_usage).toBeCloseTo(0.01, 10);
    // A change takes effect on the next request (what governance remembers of a key is forgotten on every change).
    expect((await gw.fetch(`/api/governance/virtual-keys/${row.id}`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ is_active: false }) })).status).toBe(200);
    const refused = await chat(gw.url, value, "openai/priced-model", { max_tokens: 5 });
    expect([refused.status, (await js(refused)).error.type]).toEqual([403, "virtual_key_blocked"]);
  });

  test("every inference route refuses a request without a key (the route table walked)", async () => {
    const app = (await import("../../src/http/app")).createApp(gw.bifrost);
    // The dashboard's page and assets ("/", "/assets/:file") are public files, not inference.
    const inference = app.routes.filter((r) => !/^\/(api|health|metrics|ws|assets)(\/|$)/.test(r.path) && r.path !== "/" && r.method !== "OPTIONS" && !r.path.includes("*"));
    expect(inference.length).toBeGreaterThan(20);
    const bodyFor = (path: string): string | FormData | undefined => {
      if (path.endsWith("/models") || path.endsWith("/models/")) return undefined;
      if (path.includes("transcriptions")) {
        const form = new FormData();
        form.append("model", "openai/whisper-1");
        form.append("file", new Blob([new Uint8Array(16)], { type: "audio/wav" }), "a.wav");
        return form;
      }
      if (path.includes("/responses")) return JSON.stringify({ model: "openai/gpt-4o-mini", input: "hi" });
      if (path.includes("/mcp/tool/execute")) return JSON.stringify({ id: "call_1", type: "function", function: { name: "files-read", arguments: "{}" } });
      if (path === "/mcp") return JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });
      return JSON.stringify({
        model: "openai/gpt-4o-mini",
        messages: [{ role: "user", content: "hi" }],
        input: "hi",
        prompt: "hi",
        query: "q",
        documents: ["d"],
        max_tokens: 5,
        contents: [{ role: "user", parts: [{ text: "hi" }] }],
        requests: [{ model: "models/gemini-pro", content: { parts: [{ text: "hi" }] } }],
        content: { parts: [{ text: "hi" }] },
        voice: "alloy",
      });
    };
    const passed: string[] = [];
    for (const r of inference) {
      const path = r.path.replace(/:([A-Za-z]+)/g, (_, name) => (name === "model" || name === "modelId" ? "gemini-pro" : name === "deployment" ? "gpt4o" : "x"));
      const body = r.method === "GET" ? undefined : bodyFor(path);
      const res = await fetch(`${gw.url}${path}`, { method: r.method, body, headers: typeof body === "string" ? { "content-type": "application/json" } : {} });
      if (res.status !== 401) passed.push(`${r.method} ${r.path} → ${res.status}`);
    }
    expect(passed).toEqual([]);
  });
});

describe("exact under concurrency", () => {
  test("200 concurrent requests against a budget for 50: exactly 50 answer, the rest 402, spend to the cent; streams too", async () => {
    for (const stream of [false, true]) {
      const gw = await openGateway({ providers: providers(), governance: governance() });
      try {
        const statuses = await Promise.all(
          Array.from({ length: 200 }, () => chat(gw.url, VK.budget, "openai/priced-model", { max_tokens: 5, ...(stream ? { stream: true } : {}) }).then(async (r) => (await r.text(), r.status))),
        );
        expect([stream, statuses.filter((s) => s === 200).length, statuses.filter((s) => s === 402).length]).toEqual([stream, 50, 150]);
        const b = (await js(await gw.fetch("/api/governance/budgets"))).budgets.find((x: { id: string }) => x.id === "b-50");
        expect(Math.round(b.current_usage * 100)).toBe(50);
      } finally {
        await gw.close();
      }
    }
  });

  test("usage survives a restart (memory counters persisted to SQLite)", async () => {
    const app = mkdtempSync(join(tmpdir(), "bifrost-gov-restart-"));
    const config = { providers: providers(), governance: governance() };
    const first = await startGateway({ config, args: ["--app-dir", app] });
    for (let i = 0; i < 3; i++) expect((await chat(first.url, VK.teamA, "openai/priced-model", { max_tokens: 5 })).status).toBe(200);
    expect(await first.stop()).toBe(0);
    const second = await startGateway({ config, args: ["--app-dir", app] });
    try {
      const res = await chat(second.url, VK.teamB, "openai/priced-model", { max_tokens: 5 });
      expect(res.status).toBe(402);
      expect((await js(res)).error.type).toBe("budget_exceeded");
    } finally {
      await second.stop();
    }
  });
});

describe("across replicas (Redis)", () => {
  const prefix = `bifrost:test:${process.pid}:${Date.now()}:`;
  const replicas: GatewayProcess[] = [];
  beforeAll(async () => {
    const app = mkdtempSync(join(tmpdir(), "bifrost-gov-redis-"));
    const config = { providers: providers(), governance: { ...governance(), store: { type: "redis", url: "redis://127.0.0.1:6379", key_prefix: prefix } } };
    replicas.push(await startGateway({ config, args: ["--app-dir", app] }), await startGateway({ config, args: ["--app-dir", app] }));
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
  });

  test("200 concurrent requests split across two gateway processes: exactly the 50 the budget allows", async () => {
    const statuses = await Promise.all(Array.from({ length: 200 }, (_, i) => chat(replicas[i % 2]!.url, VK.budget, "openai/priced-model", { max_tokens: 5 }).then(async (r) => (await r.text(), r.status))));
    expect(statuses.filter((s) => s === 200).length).toBe(50);
    expect(statuses.filter((s) => s === 402).length).toBe(150);
  });

  test("a rate limit of 5/min across two replicas admits 5", async () => {
    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => chat(replicas[i % 2]!.url, VK.limited).then(async (r) => (await r.text(), r.status))));
    expect(statuses.filter((s) => s === 200).length).toBe(5);
    expect(statuses.filter((s) => s === 429).length).toBe(15);
  });
});

describe("when the counter store is unreachable", () => {
  test("on_store_error: deny refuses with 503, allow lets the request through; both are counted", async () => {
    for (const [mode, status] of [["deny", 503], ["allow", 200]] as const) {
      const gw = await openGateway({
        providers: providers(),
        governance: { ...governance(), store: { type: "redis", url: "redis://127.0.0.1:1" }, on_store_error: mode },
      });
      try {
        const res = await chat(gw.url, VK.budget, "openai/priced-model", { max_tokens: 5 });
        const body = await js(res);
        expect([mode, res.status]).toEqual([mode, status]);
        if (mode === "deny") expect(body.error.type).toBe("governance_store_unavailable");
        expect(await (await fetch(`${gw.url}/metrics`)).text()).toMatch(/bifrost_governance_store_errors_total\{store="redis"\} [1-9]/);
      } finally {
        await gw.close();
      }
    }
  });
});
