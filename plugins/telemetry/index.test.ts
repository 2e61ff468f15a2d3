import { describe, expect, test } from "bun:test";
import { testPlugin, testSummary, type AttemptRecord, type Cost, type GatewayRuntime } from "bifrost/plugin";
import parse, { type Family, type Sample } from "parse-prometheus-text-format";
import telemetry from "./index";
import { OVERFLOW } from "./labels";

interface Scrape {
  types: Map<string, Family["type"]>;
  /** Every sample line by its own name (`x_bucket`, `x_sum`, `x_count` for a histogram x). */
  lines: Map<string, Sample[]>;
}
/**
 * The scrape, read by a real Prometheus text-format parser. parse-prometheus-text-format folds a labelled
 * histogram's series into one (prom2json's flattening), so the samples are read a second time without the
 * comment lines, where each line stands alone; the types come from the first read.
 */
async function scrape(p: { metrics(): Promise<string> }): Promise<Scrape> {
  const text = await p.metrics();
  const types = new Map(parse(text).map((f) => [f.name, f.type]));
  const lines = new Map<string, Sample[]>();
  for (const f of parse(text.replace(/^#.*$/gm, ""))) lines.set(f.name, [...(lines.get(f.name) ?? []), ...f.metrics]);
  return { types, lines };
}
function samples(m: Scrape, name: string, where: Record<string, string> = {}): Sample[] {
  if (!m.types.has(name)) throw new Error(`no metric ${name}`);
  const own = m.types.get(name) === "HISTOGRAM" ? `${name}_count` : name;
  return (m.lines.get(own) ?? []).filter((s) => Object.entries(where).every(([k, v]) => (s.labels?.[k] ?? "") === v));
}
/** The one series matching `where`: a counter's or gauge's value, a histogram's count. */
function value(m: Scrape, name: string, where: Record<string, string> = {}): number {
  const found = samples(m, name, where);
  if (found.length !== 1) throw new Error(`${name} ${JSON.stringify(where)}: ${found.length} series`);
  return Number(found[0]!.value);
}
/** The one histogram series matching `where`: count, sum and cumulative bucket counts by `le`. */
function hist(m: Scrape, name: string, where: Record<string, string> = {}) {
  const count = value(m, name, where);
  const labels = samples(m, name, where)[0]!.labels ?? {};
  const same = (s: Sample, extra: Record<string, string> = {}) => Object.entries({ ...labels, ...extra }).every(([k, v]) => s.labels?.[k] === v);
  const sum = Number(m.lines.get(`${name}_sum`)!.find((s) => same(s))!.value);
  const buckets: Record<string, number> = {};
  for (const b of m.lines.get(`${name}_bucket`)!) if (same(b)) buckets[b.labels!.le!] = Number(b.value);
  return { count, sum, buckets };
}
const cost = (total: number): Cost => ({ total_cost: total, input_tokens_cost: 0, output_tokens_cost: 0, cache_read_cost: 0, cache_write_cost: 0, reasoning_cost: 0, image_cost: 0, audio_cost: 0 });
const attempt = (over: Partial<AttemptRecord>): AttemptRecord => ({ provider: "openai", model: "gpt-4o-mini", keyName: "key-1", fallbackIndex: 0, startedAt: Date.now(), durationMs: 10, status: 200, error: null, ...over });
const failed = (status: number, over: Partial<AttemptRecord> = {}) => attempt({ status, error: { type: status === 429 ? "rate_limit_error" : "server_error", code: null, message: "upstream failed" }, ...over });

describe("telemetry: request metrics", () => {
  test("a success counts one upstream request, one success, tokens, latency and overhead with Go's labels", async () => {
    const p = await testPlugin(telemetry);
    await p.end(testSummary({ latencyMs: 12 }));
    const m = await scrape(p);
    const labels = { provider: "openai", model: "gpt-4o-mini", method: "chat_completion", selected_key_name: "key-1", fallback_index: "0" };
    expect(value(m, "bifrost_upstream_requests_total", labels)).toBe(1);
    expect(value(m, "bifrost_success_requests_total", labels)).toBe(1);
    expect(value(m, "bifrost_input_tokens_total", labels)).toBe(10);
    expect(value(m, "bifrost_output_tokens_total", labels)).toBe(5);
    expect(value(m, "bifrost_upstream_latency_seconds", { ...labels, is_success: "true" })).toBe(1);
    expect(hist(m, "bifrost_upstream_latency_seconds").sum).toBeCloseTo(0.01);
    // 12 ms in all, 10 ms upstream: 2000 µs of gateway overhead
    expect(hist(m, "bifrost_overhead_latency_microseconds", labels).sum).toBe(2000);
    expect(hist(m, "bifrost_request_retries", labels).buckets["0"]).toBe(1);
    expect(samples(m, "bifrost_error_requests_total")).toHaveLength(0);
    expect(m.types.get("bifrost_upstream_requests_total")).toBe("COUNTER");
    expect(m.types.get("bifrost_upstream_latency_seconds")).toBe("HISTOGRAM");
  });

  test("a 5xx then a success on another key: two upstream requests, one success, one retry, one key rotation", async () => {
    const p = await testPlugin(telemetry);
    await p.end(testSummary({ retries: 1, keyName: "key-2", attempts: [failed(503, { keyName: "key-1" }), attempt({ keyName: "key-2" })] }));
    const m = await scrape(p);
    expect(value(m, "bifrost_upstream_requests_total", { selected_key_name: "key-1" })).toBe(1);
    expect(value(m, "bifrost_upstream_requests_total", { selected_key_name: "key-2" })).toBe(1);
    expect(value(m, "bifrost_upstream_latency_seconds", { selected_key_name: "key-1", is_success: "false" })).toBe(1);
    expect(value(m, "bifrost_success_requests_total")).toBe(1);
    expect(hist(m, "bifrost_request_retries").sum).toBe(1);
    expect(value(m, "bifrost_key_rotation_events_total", { provider: "openai", key_name: "key-1", fail_reason: "server_error", requested_model: "gpt-4o-mini" })).toBe(1);
  });

  test("a retry on the same key is not a key rotation", async () => {
    const p = await testPlugin(telemetry);
    await p.end(testSummary({ retries: 1, attempts: [failed(503), attempt({})] }));
    expect(samples(await scrape(p), "bifrost_key_rotation_events_total")).toHaveLength(0);
  });

  test("a fallback: the primary's failure and the fallback's success each carry their own provider and fallback_index", async () => {
    const p = await testPlugin(telemetry);
    await p.end(
      testSummary({
        provider: "anthropic",
        model: "claude-3-5-haiku",
        requestedModel: "openai/gpt-4o-mini",
        fallbackIndex: 1,
        retries: 1,
        keyName: "ant-1",
        attempts: [failed(429), attempt({ provider: "anthropic", model: "claude-3-5-haiku", keyName: "ant-1", fallbackIndex: 1 })],
      }),
    );
    const m = await scrape(p);
    expect(value(m, "bifrost_upstream_requests_total", { provider: "openai", fallback_index: "0" })).toBe(1);
    expect(value(m, "bifrost_upstream_requests_total", { provider: "anthropic", fallback_index: "1" })).toBe(1);
    expect(value(m, "bifrost_success_requests_total", { provider: "anthropic", model: "claude-3-5-haiku", fallback_index: "1", alias: "" })).toBe(1);
    // a different provider: a fallback, not a key rotation
    expect(samples(m, "bifrost_key_rotation_events_total")).toHaveLength(0);
  });

  test("a failed request counts in bifrost_error_requests_total by status_code and error_type", async () => {
    const p = await testPlugin(telemetry);
    await p.end(testSummary({ outcome: "error", status: 429, usage: null, attempts: [failed(429)] }));
    await p.end(testSummary({ outcome: "cancelled", status: 499, attempts: [attempt({})] }));
    const m = await scrape(p);
    expect(value(m, "bifrost_error_requests_total", { status_code: "429", error_type: "rate_limit" })).toBe(1);
    expect(value(m, "bifrost_error_requests_total", { status_code: "499", error_type: "cancelled" })).toBe(1);
    expect(samples(m, "bifrost_success_requests_total")).toHaveLength(0);
  });

  test("a stream observes its first token and every gap between chunk batches, in seconds, under method chat_completion_stream", async () => {
    const p = await testPlugin(telemetry);
    await p.end(testSummary({ op: "chatStream", stream: true, firstChunkMs: 250, chunkGapsMs: [4, 20, 600] }));
    const m = await scrape(p);
    const first = hist(m, "bifrost_stream_first_token_latency_seconds", { method: "chat_completion_stream" });
    expect(first.count).toBe(1);
    expect(first.sum).toBeCloseTo(0.25);
    expect(first.buckets["0.25"]).toBe(1);
    expect(first.buckets["0.1"]).toBe(0);
    const gaps = hist(m, "bifrost_stream_inter_token_latency_seconds", { method: "chat_completion_stream" });
    expect(gaps.count).toBe(3);
    expect(gaps.buckets["0.005"]).toBe(1);
    expect(gaps.buckets["0.025"]).toBe(2);
    expect(gaps.buckets["1"]).toBe(3);
  });

  test("cost adds up in USD; an unpriced model counts in bifrost_missing_cost_total instead", async () => {
    const p = await testPlugin(telemetry);
    await p.end(testSummary({ cost: cost(0.0025) }));
    await p.end(testSummary({ cost: cost(0.0005) }));
    await p.end(testSummary({ model: "brand-new", cost: null, costMissing: true }));
    const m = await scrape(p);
    expect(value(m, "bifrost_cost_total", { model: "gpt-4o-mini" })).toBeCloseTo(0.003);
    expect(samples(m, "bifrost_cost_total", { model: "brand-new" })).toHaveLength(0);
    expect(value(m, "bifrost_missing_cost_total", { provider: "openai", model: "brand-new" })).toBe(1);
  });

  test("a cache hit counts by cache_type; cached prompt tokens count apart", async () => {
    const p = await testPlugin(telemetry);
    await p.end(testSummary({ cacheHit: "semantic", attempts: [], answeredBy: "semantic_cache" }));
    await p.end(testSummary({ usage: { prompt_tokens: 100, completion_tokens: 5, total_tokens: 105, prompt_tokens_details: { cached_tokens: 64 } } }));
    const m = await scrape(p);
    expect(value(m, "bifrost_cache_hits_total", { cache_type: "semantic" })).toBe(1);
    expect(value(m, "bifrost_cache_read_input_tokens_total")).toBe(64);
    // answered without a provider: no upstream request and no overhead to tell
    expect(value(m, "bifrost_upstream_requests_total")).toBe(1);
    expect(value(m, "bifrost_overhead_latency_microseconds")).toBe(1);
  });

  test("governance's note fills virtual key, team and customer labels", async () => {
    const p = await testPlugin(telemetry);
    const values = new Map([["governance", { virtual_key_id: "vk-1", virtual_key_name: "search", team_id: "t-1", team_name: "Search", customer_id: "c-1", customer_name: "Acme" }]]);
    await p.end(testSummary({ values }));
    expect(value(await scrape(p), "bifrost_success_requests_total", { virtual_key_id: "vk-1", virtual_key_name: "search", team_id: "t-1", team_name: "Search", customer_id: "c-1", customer_name: "Acme" })).toBe(1);
  });

  test("a native batch's line (no hook ran): counted, its tokens and cost too, under its owner's key id; nothing upstream measured", async () => {
    const p = await testPlugin(telemetry);
    const cost = { total_cost: 0.004, input_tokens_cost: 0, output_tokens_cost: 0.004, cache_read_cost: 0, cache_write_cost: 0, reasoning_cost: 0, image_cost: 0, audio_cost: 0 };
    await p.end(testSummary({ external: true, principal: "vk:vk-9", batchId: "batch_1", attempts: [], cost }));
    const m = await scrape(p);
    expect(value(m, "bifrost_success_requests_total", { virtual_key_id: "vk-9" })).toBe(1);
    expect(value(m, "bifrost_output_tokens_total", { virtual_key_id: "vk-9" })).toBe(5);
    expect(value(m, "bifrost_cost_total", { virtual_key_id: "vk-9" })).toBeCloseTo(0.004, 12);
    expect(samples(m, "bifrost_upstream_requests_total")).toEqual([]);
  });
});

describe("telemetry: labels", () => {
  test("regression: 1000 random model names stay within max_label_values series, the rest under __overflow__", async () => {
    const p = await testPlugin(telemetry, { config: { max_label_values: 50 } });
    for (let i = 0; i < 1000; i++) await p.end(testSummary({ model: `random-${crypto.randomUUID()}` }));
    const m = await scrape(p);
    const series = samples(m, "bifrost_success_requests_total");
    expect(series).toHaveLength(51);
    expect(value(m, "bifrost_success_requests_total", { model: OVERFLOW })).toBe(950);
    expect(series.reduce((n, s) => n + Number(s.value), 0)).toBe(1000);
  });

  test("custom_labels take their values from x-bf-dim-<label> headers (legacy x-bf-prom-<label> too)", async () => {
    const p = await testPlugin(telemetry, { config: { custom_labels: ["team", "env"] } });
    await p.end(testSummary({ headers: { "x-bf-dim-team": "search", "x-bf-prom-env": "prod" } }));
    await p.end(testSummary({ headers: { "x-bf-dim-team": "ads" } }));
    const m = await scrape(p);
    expect(value(m, "bifrost_success_requests_total", { team: "search", env: "prod" })).toBe(1);
    expect(value(m, "bifrost_success_requests_total", { team: "ads", env: "" })).toBe(1);
    expect(value(m, "bifrost_upstream_latency_seconds", { team: "search", is_success: "true" })).toBe(1);
  });

  test("a custom label that is not a Prometheus label name, or clashes with a built-in one, fails setup with the reason", async () => {
    await expect(testPlugin(telemetry, { config: { custom_labels: ["bad-name"] } })).rejects.toThrow(/not a Prometheus label name/);
    await expect(testPlugin(telemetry, { config: { custom_labels: ["model"] } })).rejects.toThrow(/already one of the plugin's own labels/);
    await expect(testPlugin(telemetry, { config: { custom_labels: ["__secret"] } })).rejects.toThrow(/reserved/);
    await expect(testPlugin(telemetry, { config: { custom_labels: ["team", "team"] } })).rejects.toThrow(/twice/);
  });
});

describe("telemetry: text format", () => {
  test("label values with a backslash, a double quote or a newline are escaped, so a parser reads them back intact", async () => {
    const p = await testPlugin(telemetry, { config: { custom_labels: ["team"] } });
    const model = 'we"ird\\model\nname';
    await p.end(testSummary({ model, headers: { "x-bf-dim-team": 'a "quoted" team' } }));
    const m = await scrape(p);
    expect(value(m, "bifrost_success_requests_total", { model, team: 'a "quoted" team' })).toBe(1);
    expect(value(m, "bifrost_upstream_latency_seconds", { model, is_success: "true", team: 'a "quoted" team' })).toBe(1);
  });

  test("a histogram's buckets are cumulative up to +Inf, with _sum and _count", async () => {
    const p = await testPlugin(telemetry);
    await p.end(testSummary({ op: "chatStream", stream: true, firstChunkMs: 5, chunkGapsMs: [1, 4, 20, 600, 20_000] }));
    const gaps = hist(await scrape(p), "bifrost_stream_inter_token_latency_seconds");
    expect(gaps.buckets).toMatchObject({ "0.001": 1, "0.005": 2, "0.025": 3, "1": 4, "10": 4, "+Inf": 5 });
    expect(gaps.count).toBe(5);
    expect(gaps.sum).toBeCloseTo(20.625);
  });

  test("every metric has its HELP and TYPE lines before anything was recorded", async () => {
    const p = await testPlugin(telemetry);
    const m = await scrape(p);
    expect(m.types.get("bifrost_success_requests_total")).toBe("COUNTER");
    expect(m.types.get("bifrost_stream_inter_token_latency_seconds")).toBe("HISTOGRAM");
    expect(m.types.get("bifrost_key_rotation_events_total")).toBe("COUNTER");
    expect(m.types.get("bifrost_active_requests")).toBe("GAUGE");
    expect(m.types.size).toBe(23);
    expect(samples(m, "bifrost_success_requests_total")).toHaveLength(0);
  });
});

describe("telemetry: HTTP metrics and gauges", () => {
  test("http_* metrics are labelled with the route template, method and status; sizes only when declared", async () => {
    const p = await testPlugin(telemetry);
    p.httpEnd({ method: "GET", route: "/api/logs/:id", status: 200, durationMs: 30, requestBytes: null, responseBytes: 2048, headers: new Headers() });
    p.httpEnd({ method: "GET", route: "/api/logs/:id", status: 200, durationMs: 10, requestBytes: null, responseBytes: null, headers: new Headers() });
    p.httpEnd({ method: "POST", route: "/v1/chat/completions", status: 400, durationMs: 1, requestBytes: 150, responseBytes: 90, headers: new Headers() });
    const m = await scrape(p);
    expect(value(m, "http_requests_total", { path: "/api/logs/:id", method: "GET", status: "200" })).toBe(2);
    expect(value(m, "http_requests_total", { path: "/v1/chat/completions", method: "POST", status: "400" })).toBe(1);
    expect(hist(m, "http_request_duration_seconds", { path: "/api/logs/:id" }).sum).toBeCloseTo(0.04);
    expect(value(m, "http_response_size_bytes", { path: "/api/logs/:id" })).toBe(1);
    expect(samples(m, "http_request_size_bytes", { path: "/api/logs/:id" })).toHaveLength(0);
    expect(hist(m, "http_request_size_bytes", { path: "/v1/chat/completions" }).buckets["1000"]).toBe(1);
    expect(hist(m, "http_request_size_bytes", { path: "/v1/chat/completions" }).buckets["100"]).toBe(0);
  });

  test("custom_labels on http_* come from the exchange's x-bf-dim-<label> headers, empty without them", async () => {
    const p = await testPlugin(telemetry, { config: { custom_labels: ["team"] } });
    const exchange = { method: "POST", route: "/v1/chat/completions", status: 200, durationMs: 5, requestBytes: null, responseBytes: null };
    p.httpEnd({ ...exchange, headers: new Headers({ "X-Bf-Dim-Team": "search" }) });
    p.httpEnd({ ...exchange, headers: new Headers() });
    const m = await scrape(p);
    expect(value(m, "http_requests_total", { path: "/v1/chat/completions", team: "search" })).toBe(1);
    expect(value(m, "http_requests_total", { path: "/v1/chat/completions", team: "" })).toBe(1);
    expect(value(m, "http_request_duration_seconds", { team: "search" })).toBe(1);
  });

  test("gauges are read from the gateway's runtime at scrape time", async () => {
    let active = 3;
    const runtime: GatewayRuntime = {
      providers: () => ["openai", "anthropic"],
      activeRequests: () => active,
      queues: () => [{ provider: "openai", inFlight: 7, queued: 2 }, { provider: "anthropic", inFlight: 0, queued: 0 }],
      keys: () => [{ provider: "openai", key: "key-1", model: "gpt-4o-mini", up: true }, { provider: "openai", key: "key-2", model: "gpt-4o-mini", up: false }],
    };
    const p = await testPlugin(telemetry, { runtime });
    let m = await scrape(p);
    expect(value(m, "bifrost_active_requests")).toBe(3);
    expect(value(m, "bifrost_provider_queue_depth", { provider: "openai" })).toBe(2);
    expect(value(m, "bifrost_provider_in_flight_requests", { provider: "openai" })).toBe(7);
    expect(value(m, "bifrost_provider_key_up", { provider: "openai", key_name: "key-1", model: "gpt-4o-mini" })).toBe(1);
    expect(value(m, "bifrost_provider_key_up", { key_name: "key-2" })).toBe(0);
    active = 0;
    m = await scrape(p);
    expect(value(m, "bifrost_active_requests")).toBe(0);
  });

  test("metrics_enabled: false leaves this plugin's part of /metrics empty", async () => {
    const p = await testPlugin(telemetry, { config: { metrics_enabled: false } });
    await p.end(testSummary());
    expect(await p.metrics()).toBe("");
  });
});
