/** Retries, key rotation, fallbacks, circuit breakers, backpressure and isolation, against a faulty mock. */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { openGateway, type Gateway } from "../support/gateway";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";
import { eventually } from "../support/wait";

let mock: MockUpstream;
let gw: Gateway;

const fast = { max_retries: 2, retry_backoff_initial: 10, retry_backoff_max: 40 };

beforeAll(async () => {
  mock = await startMockUpstream();
  gw = await openGateway({
    client: { drop_excess_requests: true },
    providers: {
      openai: {
        keys: [
          { name: "k1", value: "sk-key-one-1111", models: ["*"], weight: 1 },
          { name: "k2", value: "sk-key-two-2222", models: ["*"], weight: 1 },
        ],
        network_config: { base_url: mock.url, ...fast },
      },
      anthropic: { keys: [{ value: "sk-ant-fallback-1" }], network_config: { base_url: mock.url } },
      solo: {
        keys: [{ name: "only", value: "sk-solo-3333", models: ["*"] }],
        custom_provider_config: { base_provider_type: "openai" },
        network_config: { base_url: mock.url, max_retries: 1, retry_backoff_initial: 10, retry_backoff_max: 20, circuit_breaker: { failure_threshold: 2, cooldown_seconds: 1 } },
      },
      narrow: {
        keys: [{ value: "sk-narrow-4444" }],
        custom_provider_config: { base_provider_type: "openai" },
        network_config: { base_url: mock.url },
        concurrency_and_buffer_size: { concurrency: 1, buffer_size: 1 },
      },
    },
  });
});

afterAll(async () => {
  await gw?.close();
  await mock?.stop();
});

beforeEach(() => mock.reset());

async function chat(model: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const res = await gw.fetch("/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }], ...extra }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text.startsWith("{") ? JSON.parse(text) : null };
}

const authOf = (i: number) => mock.requests[i]!.headers.authorization;

describe("retries", () => {
  test("a 5xx is retried on the same key and the answer says how many retries it took", async () => {
    mock.fault({ status: 500, times: 2, match: { model: "gpt-retry" } });
    const r = await chat("openai/gpt-retry");
    expect(r.status).toBe(200);
    expect(r.headers.get("x-bf-retries")).toBe("2");
    expect(mock.requests).toHaveLength(3);
    expect(new Set(mock.requests.map((q) => q.headers.authorization)).size).toBe(1);
  });

  test("a reset connection is retried like a 5xx", async () => {
    mock.fault({ resetAfterChunks: 0, match: { model: "gpt-reset" } });
    const r = await chat("openai/gpt-reset");
    expect(r.status).toBe(200);
    expect(r.headers.get("x-bf-retries")).toBe("1");
  });

  test("a 429 rotates to another key", async () => {
    mock.fault({ status: 429, match: { model: "gpt-429" } });
    const r = await chat("openai/gpt-429");
    expect(r.status).toBe(200);
    expect(mock.requests).toHaveLength(2);
    expect(authOf(1)).not.toBe(authOf(0));
  });

  test("a 401 drops that key for this request", async () => {
    mock.fault({ status: 401, match: { model: "gpt-401" } });
    const r = await chat("openai/gpt-401");
    expect(r.status).toBe(200);
    expect(authOf(1)).not.toBe(authOf(0));
  });

  test("400, 404 and 422 are never retried", async () => {
    for (const status of [400, 404, 422]) {
      mock.reset();
      mock.fault({ status, match: { model: "gpt-4xx" } });
      const r = await chat("openai/gpt-4xx");
      expect(r.status).toBe(status);
      expect(mock.requests).toHaveLength(1);
    }
  });

  test("Retry-After is honoured when the same key must be retried", async () => {
    mock.fault({ status: 429, headers: { "retry-after": "1" }, match: { model: "solo-ra" } });
    const t0 = performance.now();
    const r = await chat("solo/solo-ra");
    expect(r.status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(950);
    expect(r.headers.get("x-bf-retries")).toBe("1");
  });

  test("a key named with x-bf-api-key-id is not rotated away from", async () => {
    mock.fault({ status: 429, times: 3, match: { model: "gpt-pinned" } });
    const r = await chat("openai/gpt-pinned", {}, { "x-bf-api-key-id": "k2" });
    expect(r.status).toBe(429);
    expect(new Set(mock.requests.map((q) => q.headers.authorization))).toEqual(new Set(["Bearer sk-key-two-2222"]));
  });
});

describe("fallbacks", () => {
  test("after the primary's retries are spent, fallbacks are tried in order", async () => {
    mock.fault({ status: 503, times: 3, match: { model: "gpt-down" } });
    const r = await chat("openai/gpt-down", { fallbacks: ["anthropic/claude-3-5-haiku-latest"] });
    expect(r.status).toBe(200);
    expect(r.json.extra_fields.provider).toBe("anthropic");
    expect(mock.requests.map((q) => q.path)).toEqual(["/v1/chat/completions", "/v1/chat/completions", "/v1/chat/completions", "/v1/messages"]);
  });

  test("streams fall back before their first byte", async () => {
    mock.fault({ status: 500, times: 3, match: { model: "gpt-down" } });
    const r = await chat("openai/gpt-down", { stream: true, fallbacks: ["anthropic/claude-3-5-haiku-latest"] });
    expect(r.status).toBe(200);
    expect(r.text).toContain('"provider":"anthropic"');
    expect(r.text).toEndWith("data: [DONE]\n\n");
  });

  test("when every candidate fails, the primary's error is returned", async () => {
    mock.fault({ status: 503, message: "primary down", times: 3, match: { model: "gpt-down" } });
    mock.fault({ status: 500, message: "fallback down", match: { path: "/v1/messages" } });
    const r = await chat("openai/gpt-down", { fallbacks: ["anthropic/claude-3-5-haiku-latest"] });
    expect(r.status).toBe(503);
    expect(r.json.error.message).toBe("primary down");
  });

  test("a fallback that names an unconfigured provider is a 400 up front", async () => {
    const r = await chat("openai/gpt-4o-mini", { fallbacks: ["groq/llama"] });
    expect(r.status).toBe(400);
    expect(mock.requests).toHaveLength(0);
  });
});

describe("circuit breaker", () => {
  test("opens after a run of failures, rejects while open, half-opens after the cool-down, closes on success", async () => {
    mock.fault({ status: 500, times: 2, match: { model: "solo-cb" } });
    expect((await chat("solo/solo-cb")).status).toBe(500);
    const state = async () => {
      const p = ((await (await gw.fetch("/api/providers")).json()) as any).providers.find((x: any) => x.name === "solo");
      return p.circuits.find((c: any) => c.model === "solo-cb");
    };
    expect((await state()).state).toBe("open");
    const rejected = await chat("solo/solo-cb");
    expect(rejected.status).toBe(503);
    expect(rejected.json.error.code).toBe("no_available_key");
    expect(mock.requests).toHaveLength(2); // the open circuit sent nothing upstream
    const viaFallback = await chat("solo/solo-cb", { fallbacks: ["anthropic/claude-3-5-haiku-latest"] });
    expect(viaFallback.json.extra_fields.provider).toBe("anthropic");
    await Bun.sleep(1100);
    expect((await state()).state).toBe("half_open");
    expect((await chat("solo/solo-cb")).status).toBe(200);
    expect((await state()).state).toBe("closed");
  });

  test("a failing model opens its own circuit only: other models on the same key still answer (regression: one model's 500s made the whole key 503)", async () => {
    mock.fault({ status: 500, times: 2, match: { model: "solo-broken" } });
    expect((await chat("solo/solo-broken")).status).toBe(500);
    const rejected = await chat("solo/solo-broken");
    expect(rejected.status).toBe(503);
    expect(rejected.json.error.code).toBe("no_available_key");
    const other = await chat("solo/solo-healthy");
    expect(other.status).toBe(200);
    expect(mock.requests.map((q) => q.body.model)).toEqual(["solo-broken", "solo-broken", "solo-healthy"]);
    const solo = ((await (await gw.fetch("/api/providers")).json()) as any).providers.find((x: any) => x.name === "solo");
    const byModel = Object.fromEntries(solo.circuits.map((c: any) => [c.model, c]));
    expect(byModel["solo-broken"]).toMatchObject({ key: "only", state: "open", consecutive_failures: 2 });
    expect(byModel["solo-healthy"]).toMatchObject({ key: "only", state: "closed", consecutive_failures: 0, opened_at: null });
  });

  test("/api/providers shows keys by name and never their values", async () => {
    const text = await (await gw.fetch("/api/providers")).text();
    expect(text).toContain('"name":"k1"');
    expect(text).not.toContain("sk-key-one-1111");
  });
});

describe("backpressure and isolation", () => {
  const queueOf = async (name: string) => ((await (await gw.fetch("/api/providers")).json()) as any).providers.find((p: any) => p.name === name).queue;
  /** narrow's one slot taken and its one-place buffer full, both held at the mock until `release`. */
  async function saturateNarrow(release: Promise<void>) {
    mock.fault({ until: release, times: 2, match: { model: "narrow-slow" } });
    const busy = [chat("narrow/narrow-slow"), chat("narrow/narrow-slow")];
    await eventually(async () => {
      const q = await queueOf("narrow");
      return q.in_flight === 1 && q.queued === 1;
    });
    return busy;
  }

  test("a full queue answers 429 at once when drop_excess_requests is true", async () => {
    const release = Promise.withResolvers<void>();
    const busy = await saturateNarrow(release.promise);
    // Answered while both earlier requests are still held: it did not wait for a place.
    const third = await chat("narrow/narrow-slow");
    expect(third.status).toBe(429);
    expect(third.json.error.code).toBe("queue_full");
    release.resolve();
    for (const r of await Promise.all(busy)) expect(r.status).toBe(200);
  });

  test("one saturated provider never delays another", async () => {
    const release = Promise.withResolvers<void>();
    const busy = await saturateNarrow(release.promise);
    // Answered while narrow is held: had it queued behind narrow, it would wait for the release that never comes first.
    const other = await chat("openai/gpt-4o-mini");
    expect(other.status).toBe(200);
    release.resolve();
    await Promise.all(busy);
  });
});
