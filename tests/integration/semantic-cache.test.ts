/**
 * Issue 15 through real servers: exact and semantic hits (the mock's *semantic* embedding model makes
 * a paraphrase close), a miss under the threshold, TTL, no-store, a stream replayed chunk for chunk,
 * an Anthropic-dialect hit, tenants kept apart by their virtual keys, the Redis store shared by two
 * gateway processes, and a dead store costing misses, never requests.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { openGateway, startGateway, type Gateway, type GatewayProcess } from "../support/gateway";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";
import { redisProxy } from "../support/redis-proxy";
import { eventually } from "../support/wait";

const js = (r: Response): Promise<any> => r.json();

let mock: MockUpstream;
beforeAll(async () => {
  mock = await startMockUpstream();
});
afterAll(() => mock.stop());

const providers = () => ({ openai: { keys: [{ value: "sk-cache-openai-1111" }], network_config: { base_url: mock.url } } });
const cacheConfig = (extra: Record<string, unknown> = {}) => ({
  provider: "openai",
  embedding_model: "text-embedding-semantic",
  dimension: 64,
  threshold: 0.75,
  ttl: "5m",
  ...extra,
});
const ask = (url: string, content: string, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}) =>
  fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-bf-cache-key": "support-bot", ...headers },
    body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content }], ...extra }),
  });
/** Entries written after their answers went out (the plugin's counter): wait for the next one instead of a clock. */
async function storedCount(url: string): Promise<number> {
  const m = /^bifrost_semantic_cache_entries_stored_total (\d+)$/m.exec(await (await fetch(`${url}/metrics`)).text());
  return m ? Number(m[1]) : 0;
}
async function stored<T>(url: string, act: () => Promise<T>): Promise<T> {
  const before = await storedCount(url);
  const out = await act();
  await eventually(async () => (await storedCount(url)) > before);
  return out;
}

/** Upstream chat calls so far (embeddings are calls too, to another path). */
const chatCalls = () => mock.requests.filter((r) => r.path === "/v1/chat/completions").length;

describe("one gateway, embedded store", () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await openGateway({ providers: providers(), plugins: [{ name: "semantic_cache", config: cacheConfig() }] });
  });
  afterAll(() => gw.close());

  test("an exact repeat is a direct hit: no upstream call, cache_debug, x-bf-cache, a cost of 0", async () => {
    mock.reset();
    const first = await stored(gw.url, () => ask(gw.url, "What is the capital of France?")); // written after the answer went out
    expect(first.headers.get("x-bf-cache")).toBe("miss");
    const firstBody = await js(first);
    const again = await ask(gw.url, "What is the capital of France?");
    const body = await js(again);
    expect(again.headers.get("x-bf-cache")).toBe("hit");
    expect(body.choices).toEqual(firstBody.choices);
    expect(body.extra_fields.cache_debug).toMatchObject({ cache_hit: true, hit_type: "direct", similarity: 1 });
    expect(body.extra_fields.cost.total_cost).toBe(0);
    expect(chatCalls()).toBe(1);
    expect(await (await fetch(`${gw.url}/metrics`)).text()).toMatch(/^bifrost_cache_hits_total\{[^}]*cache_type="direct"[^}]*\} [1-9]/m);
  });

  test("a paraphrase is a semantic hit; an unrelated question under the threshold is a miss", async () => {
    mock.reset();
    await stored(gw.url, async () => js(await ask(gw.url, "How do I reset my account password?")));
    const para = await js(await ask(gw.url, "how do i reset my account password please"));
    expect(para.extra_fields.cache_debug).toMatchObject({ cache_hit: true, hit_type: "semantic" });
    expect(para.extra_fields.cache_debug.similarity).toBeGreaterThanOrEqual(0.75);
    const other = await ask(gw.url, "Which trains run to Lyon on Sundays?");
    expect(other.headers.get("x-bf-cache")).toBe("miss");
    expect(chatCalls()).toBe(2);
  });

  test("x-bf-cache-no-store answers without storing; x-bf-cache-type: direct skips the semantic lookup", async () => {
    mock.reset();
    await js(await ask(gw.url, "Tell me a fact about owls", { "x-bf-cache-no-store": "true" }));
    expect((await stored(gw.url, () => ask(gw.url, "Tell me a fact about owls"))).headers.get("x-bf-cache")).toBe("miss");
    const direct = await ask(gw.url, "tell me a fact about owls please", { "x-bf-cache-type": "direct" });
    expect(direct.headers.get("x-bf-cache")).toBe("miss");
  });

  test("an entry lives x-bf-cache-ttl seconds", async () => {
    await stored(gw.url, async () => js(await ask(gw.url, "A short-lived question", { "x-bf-cache-ttl": "3" })));
    expect((await ask(gw.url, "A short-lived question")).headers.get("x-bf-cache")).toBe("hit");
    await Bun.sleep(3500);
    expect((await ask(gw.url, "A short-lived question")).headers.get("x-bf-cache")).toBe("miss");
  });

  test("a stream is replayed chunk for chunk, with its usage", async () => {
    const frames = async (r: Response) => (await r.text()).split("\n\n").filter((f) => f.startsWith("data: {")).map((f) => JSON.parse(f.slice(6)));
    const body = { stream: true, stream_options: { include_usage: true } };
    const first = await stored(gw.url, async () => frames(await ask(gw.url, "Stream me a haiku about rain", {}, body)));
    const res = await ask(gw.url, "Stream me a haiku about rain", {}, body);
    expect(res.headers.get("x-bf-cache")).toBe("hit");
    const replay = await frames(res);
    const strip = (cs: any[]) => cs.map((c) => ({ choices: c.choices, usage: c.usage }));
    expect(strip(replay)).toEqual(strip(first));
    expect(replay.at(-1).extra_fields.cache_debug.cache_hit).toBe(true);
  });

  test("an Anthropic-dialect hit comes back in Anthropic's shape", async () => {
    const anthropic = new Anthropic({ apiKey: "unused", baseURL: `${gw.url}/anthropic`, maxRetries: 0, defaultHeaders: { "x-bf-cache-key": "support-bot" } });
    const q = { model: "openai/gpt-4o-mini", max_tokens: 50, messages: [{ role: "user" as const, content: "Name three colours" }] };
    const first = await stored(gw.url, () => anthropic.messages.create(q));
    mock.reset();
    const { data, response } = await anthropic.messages.create(q).withResponse();
    expect(response.headers.get("x-bf-cache")).toBe("hit");
    expect(data.type).toBe("message");
    expect(data.content).toEqual(first.content);
    expect(chatCalls()).toBe(0);
  });

  test("DELETE /api/cache/clear-by-key/{cache_key} empties a key", async () => {
    await stored(gw.url, async () => js(await ask(gw.url, "Something to clear", { "x-bf-cache-key": "to-clear" })));
    expect((await ask(gw.url, "Something to clear", { "x-bf-cache-key": "to-clear" })).headers.get("x-bf-cache")).toBe("hit");
    const cleared = await js(await gw.fetch("/api/cache/clear-by-key/to-clear", { method: "DELETE" }));
    expect(cleared.cleared).toBeGreaterThan(0);
    expect((await ask(gw.url, "Something to clear", { "x-bf-cache-key": "to-clear" })).headers.get("x-bf-cache")).toBe("miss");
  });
});

describe("tenants", () => {
  test("with governance, one virtual key never receives another's cached answer", async () => {
    const A = "sk-bf-cache-tenant-a-0000000000000000000000";
    const B = "sk-bf-cache-tenant-b-1111111111111111111111";
    const vk = (id: string, value: string) => ({ id, name: id, value, provider_configs: [{ provider: "openai", allowed_models: ["*"] }] });
    const gw = await openGateway({ providers: providers(), governance: { virtual_keys: [vk("a", A), vk("b", B)] }, plugins: [{ name: "semantic_cache", config: cacheConfig() }] });
    try {
      await stored(gw.url, async () => js(await ask(gw.url, "Our secret roadmap?", { authorization: `Bearer ${A}` })));
      expect((await ask(gw.url, "Our secret roadmap?", { authorization: `Bearer ${A}` })).headers.get("x-bf-cache")).toBe("hit");
      expect((await ask(gw.url, "Our secret roadmap?", { authorization: `Bearer ${B}` })).headers.get("x-bf-cache")).toBe("miss");
    } finally {
      await gw.close();
    }
  });
});

describe("Redis store", () => {
  const prefix = `bifrost:cachetest:${process.pid}:${Date.now()}:`;
  const replicas: GatewayProcess[] = [];
  beforeAll(async () => {
    const app = mkdtempSync(join(tmpdir(), "bifrost-cache-redis-"));
    const config = { providers: providers(), plugins: [{ name: "semantic_cache", config: cacheConfig({ store: { type: "redis", url: "redis://127.0.0.1:6379", key_prefix: prefix } }) }] };
    replicas.push(await startGateway({ config, args: ["--app-dir", app] }), await startGateway({ config, args: ["--app-dir", app] }));
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
  });

  test("two gateway processes share it: one stores, the other hits (exact and semantic)", async () => {
    await stored(replicas[0]!.url, async () => js(await ask(replicas[0]!.url, "Where is the Eiffel Tower located?")));
    expect((await ask(replicas[1]!.url, "Where is the Eiffel Tower located?")).headers.get("x-bf-cache")).toBe("hit");
    const para = await js(await ask(replicas[1]!.url, "where is the eiffel tower located exactly"));
    expect(para.extra_fields.cache_debug?.hit_type).toBe("semantic");
  });

  test("the store dying mid-load: every request still answers (misses), and the failures are counted", async () => {
    const free = Bun.serve({ port: 0, fetch: () => new Response() });
    const port = free.port!;
    free.stop(true);
    const proxy = redisProxy(port);
    const gw = await openGateway({ providers: providers(), plugins: [{ name: "semantic_cache", config: cacheConfig({ store: { type: "redis", url: `redis://127.0.0.1:${port}`, key_prefix: `${prefix}outage:` } }) }] });
    try {
      const wave = (n: number, from: number) => Promise.all(Array.from({ length: n }, (_, i) => ask(gw.url, `outage question ${(from + i) % 5}`).then((r) => r.status)));
      const before = await wave(20, 0);
      proxy.stop(true); // Redis goes away mid-load
      const during = await wave(40, 20);
      expect([...before, ...during].every((s) => s === 200)).toBe(true);
      expect(await (await fetch(`${gw.url}/metrics`)).text()).toMatch(/bifrost_semantic_cache_store_errors_total [1-9]/);
    } finally {
      await gw.close();
    }
  });

  test("a dead store is a miss for every request, never a failed one", async () => {
    const gw = await openGateway({ providers: providers(), plugins: [{ name: "semantic_cache", config: cacheConfig({ store: { type: "redis", url: "redis://127.0.0.1:1" } }) }] });
    try {
      const statuses = await Promise.all(Array.from({ length: 30 }, (_, i) => ask(gw.url, `question ${i % 3}`).then((r) => r.status)));
      expect(statuses.every((s) => s === 200)).toBe(true);
      expect(await (await fetch(`${gw.url}/metrics`)).text()).toMatch(/bifrost_semantic_cache_store_errors_total [1-9]/);
    } finally {
      await gw.close();
    }
  });
});
