/**
 * Issue 12 end to end, through a real server: the default telemetry plugin's /metrics after a success,
 * a 5xx with a retry, a fallback and a stream; every answer's cost (header, extra_fields, a stream's
 * finish chunk) against the pricing package's own arithmetic; request logs (SQLite by logs_store, and
 * PostgreSQL) searched by status and text; a logs store stopped mid-load loses logs, not requests;
 * a trace with one span per attempt; the live feed; /metrics behind admin auth.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SQL } from "bun";
import OpenAI from "openai";
import { calcPrice } from "@pydantic/genai-prices";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { startOtlpReceiver } from "../../plugins/otel/otlp-receiver";
import { openGateway, type Gateway } from "../support/gateway";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";
import { pgReachable, throwawayDatabase } from "../support/postgres";
import { eventually } from "../support/wait";

/** A JSON answer, loosely typed: the assertions say what it holds. */
const js = (r: Response): Promise<any> => r.json();

let mock: MockUpstream;
beforeAll(async () => {
  mock = await startMockUpstream();
});
afterAll(() => mock.stop());

const providers = (retries = 1) => ({
  openai: { keys: [{ name: "oa-1", value: "sk-obs-openai-1111" }], network_config: { base_url: mock.url, max_retries: retries, retry_backoff_initial: 1, retry_backoff_max: 2 } },
  anthropic: { keys: [{ name: "an-1", value: "sk-obs-anthropic-2222" }], network_config: { base_url: mock.url } },
});
const chat = (content: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content }], ...extra });
const post = (gw: Gateway, body: string, headers: Record<string, string> = {}) =>
  fetch(`${gw.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

type Family = { name: string; type: string; metrics: Array<{ labels?: Record<string, string>; value?: string; count?: string; buckets?: Record<string, string> }> };
type Scrape = Family[] & { text: string };
async function scrape(gw: Gateway, init?: RequestInit): Promise<Scrape> {
  const res = await fetch(`${gw.url}/metrics`, init);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toStartWith("text/plain; version=0.0.4");
  const text = await res.text();
  return Object.assign(parsePrometheusTextFormat(text) as Family[], { text });
}
/**
 * A histogram's observation count over all its series. The parser folds a labelled histogram's series
 * into one, so the `_count` samples are read from the text (the parse above has checked its format).
 */
function observations(m: Scrape, name: string): number {
  const line = new RegExp(`^${name}_count(?:\\{[^}]*\\})? (\\S+)$`, "gm");
  return [...m.text.matchAll(line)].reduce((s, x) => s + Number(x[1]), 0);
}
/** The sum of a counter's samples whose labels include `where`. */
function total(families: Family[], name: string, where: Record<string, string> = {}): number {
  const f = families.find((x) => x.name === name);
  if (!f) return 0;
  return f.metrics.filter((m) => Object.entries(where).every(([k, v]) => m.labels?.[k] === v)).reduce((s, m) => s + Number(m.value ?? m.count ?? 0), 0);
}

/** The reply's SSE data frames, parsed ([DONE] left out). */
async function frames(res: Response): Promise<any[]> {
  const text = await res.text();
  return text
    .split("\n\n")
    .filter((f) => f.startsWith("data: ") && f !== "data: [DONE]")
    .map((f) => JSON.parse(f.slice(6)));
}

/** What the pricing package itself says the usage costs (an independent check of our arithmetic). */
function catalogCost(model: string, usage: { prompt_tokens: number; completion_tokens: number; prompt_tokens_details?: { cached_tokens?: number } }): number {
  const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
  const r = calcPrice({ input_tokens: usage.prompt_tokens, cache_read_tokens: cached, output_tokens: usage.completion_tokens }, model, { providerId: "openai" });
  return r!.total_price;
}

describe("metrics and cost (telemetry on by default)", () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await openGateway({ providers: providers() });
  });
  afterAll(() => gw.close());

  test("after a success, a 5xx with a retry, a fallback and a stream, /metrics counts each with Go Bifrost's names", async () => {
    mock.clearFaults();
    expect((await post(gw, chat("one success"))).status).toBe(200);
    mock.fault({ status: 500, times: 1, match: { model: "gpt-4o-mini" } });
    const retried = await post(gw, chat("a retry"));
    expect(retried.status).toBe(200);
    expect(retried.headers.get("x-bf-retries")).toBe("1");
    mock.fault({ status: 500, times: 2, match: { model: "gpt-4o-mini" } });
    const fellBack = await post(gw, chat("a fallback", { fallbacks: ["anthropic/claude-3-5-haiku-latest"] }));
    expect(fellBack.status).toBe(200);
    expect((await js(fellBack)).extra_fields.provider).toBe("anthropic");
    const streamed = await frames(await post(gw, chat("a stream", { stream: true })));
    expect(streamed.length).toBeGreaterThan(1);

    const m = await scrape(gw);
    // Attempts: 1 + 2 (retry) + 3 (two on openai, one on anthropic) + 1 (stream).
    expect(total(m, "bifrost_upstream_requests_total")).toBe(7);
    expect(total(m, "bifrost_upstream_requests_total", { provider: "anthropic", fallback_index: "1" })).toBe(1);
    expect(total(m, "bifrost_success_requests_total")).toBe(4);
    expect(total(m, "bifrost_success_requests_total", { method: "chat_completion_stream" })).toBe(1);
    expect(total(m, "bifrost_error_requests_total")).toBe(0);
    expect(observations(m, "bifrost_request_retries")).toBe(4); // one observation per request
    expect(observations(m, "bifrost_stream_first_token_latency_seconds")).toBe(1);
    expect(observations(m, "bifrost_upstream_latency_seconds")).toBe(7);
    expect(total(m, "bifrost_input_tokens_total")).toBeGreaterThan(0);
    expect(total(m, "bifrost_output_tokens_total")).toBeGreaterThan(0);
    expect(total(m, "bifrost_cost_total")).toBeGreaterThan(0);
    // The route's template, not the raw URL; every answer counted.
    expect(total(m, "http_requests_total", { path: "/v1/chat/completions", method: "POST", status: "200" })).toBe(4);
    // Gauges read at scrape time: nothing in flight now; the key serves.
    expect(total(m, "bifrost_active_requests")).toBe(0);
    expect(total(m, "bifrost_provider_key_up", { provider: "openai", key_name: "oa-1" })).toBeGreaterThan(0);
  });

  test("a model with no price: no cost in the answer, 'missing cost' in the log and in bifrost_missing_cost_total, never 0", async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "openai/my-finetune-without-a-price", messages: [{ role: "user", content: "hi" }] }) });
    const body = await js(res);
    expect(res.status).toBe(200);
    expect(body.extra_fields.cost).toBeUndefined();
    expect(res.headers.get("x-bf-cost")).toBeNull();
    await eventually(() => gw.output().includes("missing cost: no price for openai/my-finetune-without-a-price"));
    const m = await scrape(gw);
    expect(total(m, "bifrost_missing_cost_total", { provider: "openai", model: "my-finetune-without-a-price" })).toBe(1);
    expect(total(m, "bifrost_cost_total", { model: "my-finetune-without-a-price" })).toBe(0);
  });

  test("a failed request counts as an error with its status code", async () => {
    mock.fault({ status: 400, message: "bad request for metrics", match: { model: "gpt-4o-mini" } });
    expect((await post(gw, chat("will fail"))).status).toBe(400);
    const m = await scrape(gw);
    expect(total(m, "bifrost_error_requests_total", { status_code: "400" })).toBe(1);
  });

  test("a unary answer's cost: extra_fields.cost and x-bf-cost, the pricing package's figure for its usage", async () => {
    mock.clearFaults();
    const res = await post(gw, chat("price this cached prompt please"));
    const body = await js(res);
    const cost = body.extra_fields.cost;
    expect(cost.total_cost).toBeGreaterThan(0);
    expect(Number(res.headers.get("x-bf-cost"))).toBe(cost.total_cost);
    expect(body.usage.prompt_tokens_details.cached_tokens).toBeGreaterThan(0);
    expect(cost.cache_read_cost).toBeGreaterThan(0);
    expect(cost.total_cost).toBeCloseTo(catalogCost("gpt-4o-mini", body.usage), 12);
  });

  test("a stream's cost rides its usage chunk, which reaches only a client that asked for it", async () => {
    const asked = await frames(await post(gw, chat("stream with usage", { stream: true, stream_options: { include_usage: true } })));
    const last = asked.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage.total_tokens).toBeGreaterThan(0);
    expect(last.extra_fields.cost.total_cost).toBeCloseTo(catalogCost("gpt-4o-mini", last.usage), 12);

    const plain = await frames(await post(gw, chat("stream with usage", { stream: true })));
    expect(plain.every((c) => c.usage === undefined && c.choices.length > 0)).toBe(true);
    // Nothing held back: the finish chunk is the last, as the upstream sent it.
    expect(plain.at(-1)!.choices[0].finish_reason).toBe("stop");
    // Upstream, the gateway asked for the usage all the same.
    expect(mock.requests.at(-1)!.body.stream_options).toEqual({ include_usage: true });
  });

  test("the OpenAI SDK streams without include_usage: no choices-less chunk reaches it (chunk.choices[0] always set)", async () => {
    const client = new OpenAI({ apiKey: "unused", baseURL: `${gw.url}/v1` });
    const seen: number[] = [];
    for await (const c of await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "sdk stream" }], stream: true })) seen.push(c.choices.length);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.every((n) => n === 1)).toBe(true);
  });
});

describe("on the worker transport (--workers)", () => {
  test("answers are priced in the worker: the same cost, header and stream chunk", async () => {
    const gw = await openGateway({ providers: providers(0) }, { workers: 1 });
    try {
      const res = await post(gw, chat("price this cached prompt please"));
      const body = await js(res);
      expect(body.extra_fields.cost.total_cost).toBeCloseTo(catalogCost("gpt-4o-mini", body.usage), 12);
      expect(Number(res.headers.get("x-bf-cost"))).toBe(body.extra_fields.cost.total_cost);
      const streamed = await frames(await post(gw, chat("stream with usage", { stream: true, stream_options: { include_usage: true } })));
      expect(streamed.at(-1)!.extra_fields.cost.total_cost).toBeGreaterThan(0);
      const m = await scrape(gw);
      expect(total(m, "bifrost_cost_total")).toBeGreaterThan(0);
    } finally {
      await gw.close();
    }
  });
});

describe("request logs (logs_store: SQLite)", () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await openGateway({
      providers: providers(0),
      logs_store: { enabled: true, type: "sqlite", config: { path: "logs.db" } },
      plugins: [{ name: "logging", config: { flush_interval_ms: 20 } }],
    });
  });
  afterAll(() => gw.close());

  test("a failed request is found through /api/logs by status and by text; a success with its cost, tokens and key", async () => {
    mock.clearFaults();
    const ok = await post(gw, chat("the zebra question"));
    const okId = ok.headers.get("x-request-id")!;
    const okCost = (await js(ok)).extra_fields.cost.total_cost;
    mock.fault({ status: 503, message: "upstream melted", match: { model: "gpt-4o-mini" } });
    const failed = await post(gw, chat("the walrus question"));
    expect(failed.status).toBe(503);
    const failedId = failed.headers.get("x-request-id")!;

    await eventually(async () => (await js(await gw.fetch("/api/logs?limit=10"))).pagination.total_count >= 2);
    const errors = await js(await gw.fetch("/api/logs?status=error"));
    expect(errors.logs.map((l: { id: string }) => l.id)).toContain(failedId);
    expect(errors.logs.every((l: { status: string }) => l.status === "error")).toBe(true);
    const byText = await js(await gw.fetch(`/api/logs?content_search=${encodeURIComponent("walrus")}`));
    expect(byText.logs.map((l: { id: string }) => l.id)).toEqual([failedId]);
    const failedLog = byText.logs[0];
    expect(failedLog.error_details.error.message).toContain("upstream melted");

    const okLog = await js(await gw.fetch(`/api/logs/${okId}`));
    expect(okLog).toMatchObject({ id: okId, provider: "openai", model: "gpt-4o-mini", status: "success", selected_key_name: "oa-1", number_of_retries: 0, fallback_index: 0 });
    expect(okLog.cost).toBe(okCost);
    expect(okLog.token_usage.total_tokens).toBeGreaterThan(0);
    expect(JSON.stringify(okLog.input_history)).toContain("zebra");
    // Nothing the gateway sent upstream as a credential is in a log.
    expect(JSON.stringify([okLog, failedLog])).not.toContain("sk-obs-openai-1111");

    const stats = await js(await gw.fetch("/api/logs/stats"));
    expect(stats.total_requests).toBeGreaterThanOrEqual(2);
    expect((await gw.fetch("/api/logs?limit=5000")).status).toBe(400);
  });

  test("x-bf-disable-content-logging keeps a request's input and output out of its log", async () => {
    mock.clearFaults();
    const res = await post(gw, chat("a secret recipe"), { "x-bf-disable-content-logging": "true" });
    const id = res.headers.get("x-request-id")!;
    await eventually(async () => (await gw.fetch(`/api/logs/${id}`)).status === 200);
    const log = await js(await gw.fetch(`/api/logs/${id}`));
    expect(JSON.stringify(log)).not.toContain("secret recipe");
    expect(log.content_hidden).toBe(true);
  });

  test("a client that leaves mid-stream: logged as cancelled, charged for what was delivered", async () => {
    mock.fault({ chunkDelayMs: 200, match: { model: "gpt-4o-mini" } });
    const ctrl = new AbortController();
    const res = await post(gw, chat("a long story", { stream: true }), {});
    const id = res.headers.get("x-request-id")!;
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    ctrl.abort();
    await eventually(async () => (await gw.fetch(`/api/logs/${id}`)).status === 200);
    const log = await js(await gw.fetch(`/api/logs/${id}`));
    expect(log.status).toBe("cancelled");
    expect(log.cost).toBeGreaterThan(0);
    mock.clearFaults();
  });

  test("the live feed: an authenticated /ws client gets each new log entry", async () => {
    const ws = new WebSocket(`${gw.url.replace("http", "ws")}/ws`);
    const got = new Promise<any>((resolve) => ws.addEventListener("message", (e) => resolve(JSON.parse(String(e.data)))));
    await new Promise((resolve) => ws.addEventListener("open", resolve));
    const res = await post(gw, chat("feed me"));
    const message = await got;
    ws.close();
    expect(message).toMatchObject({ type: "log", operation: "create", payload: { id: res.headers.get("x-request-id") } });
  });
});

const pgUp = await pgReachable("PostgreSQL request-log tests");
describe.skipIf(!pgUp)("request logs (logs_store: PostgreSQL)", () => {
  const db = throwawayDatabase("bifrost_obs");
  const url = new URL(db.url);
  let gw: Gateway;
  beforeAll(async () => {
    await db.create();
    gw = await openGateway({
      providers: providers(0),
      logs_store: { enabled: true, type: "postgres", config: { url: url.href } },
      plugins: [{ name: "logging", config: { flush_interval_ms: 20, write_timeout_ms: 200 } }],
    });
  });
  afterAll(async () => {
    await gw?.close();
    await db.drop();
  });

  test("requests are logged to PostgreSQL and searchable", async () => {
    mock.clearFaults();
    const res = await post(gw, chat("postgres platypus"));
    const id = res.headers.get("x-request-id")!;
    await eventually(async () => (await js(await gw.fetch("/api/logs?content_search=platypus"))).logs.length === 1);
    const rows = await new SQL(url.href, { max: 1 })`SELECT id FROM logs WHERE id = ${id}`;
    expect(rows.length).toBe(1);
  });

  test("the store stopped mid-load (its table locked): every request answers, the logs are dropped and counted, logging resumes", async () => {
    const locker = new SQL(url.href, { max: 1 });
    const conn = await locker.reserve();
    try {
      await conn.unsafe("BEGIN");
      await conn.unsafe("LOCK TABLE logs IN ACCESS EXCLUSIVE MODE");
      const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => post(gw, chat(`under load ${i}`)).then((r) => r.status)));
      expect(answers.every((s) => s === 200)).toBe(true);
      await eventually(async () => (await js(await gw.fetch("/api/logs/dropped"))).dropped_requests > 0);
      await conn.unsafe("COMMIT");
    } finally {
      conn.release();
      await locker.close();
    }
    const after = await post(gw, chat("after the outage"));
    const id = after.headers.get("x-request-id")!;
    await eventually(async () => (await gw.fetch(`/api/logs/${id}`)).status === 200);
    expect(await (await fetch(`${gw.url}/metrics`)).text()).toMatch(/bifrost_logs_dropped_total [1-9]/);
  });
});

describe("traces (otel plugin)", () => {
  test("one span per attempt under the request span, in the client's trace; the provider got the traceparent", async () => {
    const receiver = startOtlpReceiver();
    const gw = await openGateway({ providers: providers(1), plugins: [{ name: "otel", config: { collector_url: receiver.url } }] });
    try {
      mock.clearFaults();
      mock.fault({ status: 500, times: 1, match: { model: "gpt-4o-mini" } });
      const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
      const res = await post(gw, chat("traced"), { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
      expect(res.status).toBe(200);
      const sent = mock.requests.filter((r) => r.body?.messages?.[0]?.content === "traced");
      expect(sent).toHaveLength(2);
      for (const r of sent) expect(r.headers.traceparent).toStartWith(`00-${traceId}-`);
    } finally {
      await gw.close(); // flushes the exporter
    }
    await eventually(() => receiver.spans.length >= 3);
    const server = receiver.spans.filter((s) => s.kind === 2);
    const attempts = receiver.spans.filter((s) => s.kind === 3);
    expect(server).toHaveLength(1);
    expect(server[0]!.traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(attempts).toHaveLength(2);
    expect(attempts.every((a) => a.parentSpanId === server[0]!.spanId)).toBe(true);
    expect(attempts.map((a) => a.attributes["http.response.status_code"]).sort()).toEqual([200, 500]);
    receiver.stop();
  });
});

describe("/metrics behind admin auth", () => {
  test("with auth_config on, /metrics needs the admin's credentials", async () => {
    const gw = await openGateway({ providers: providers(), auth_config: { is_enabled: true, admin_username: "admin", admin_password: "obs-password-1" } });
    try {
      expect((await fetch(`${gw.url}/metrics`)).status).toBe(401);
      const families = await scrape(gw, { headers: { authorization: `Basic ${btoa("admin:obs-password-1")}` } });
      expect(families.some((f) => f.name === "bifrost_active_requests")).toBe(true);
      expect((await fetch(`${gw.url}/api/logs`)).status).toBe(401);
      // The live feed carries request content: no upgrade without credentials.
      const upgrade = await fetch(`${gw.url}/ws`, { headers: { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==" } });
      expect(upgrade.status).toBe(401);
    } finally {
      await gw.close();
    }
  });
});
