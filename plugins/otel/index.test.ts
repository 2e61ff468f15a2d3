/** otel: spans received by a real OTLP/HTTP receiver, through the host's own pipeline (testPlugin). */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { testPlugin, testSummary, type AttemptRecord, type Cost } from "bifrost/plugin";
import { Bifrost } from "../../src/index";
import { BifrostError } from "../../src/schemas/error";
import otel from "./index";
import { parseResourceAttributes, resolveConfig } from "./config";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "./otlp-receiver";

const CLIENT_TRACE = "0af7651916cd43dd8448eb211c80319c";
const CLIENT_SPAN = "b7ad6b7169203331";
const CLIENT_HEADERS = { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`, tracestate: "vendor=abc" };
const ask = { model: "openai/gpt-4o-mini", messages: [{ role: "user" as const, content: "secret prompt" }], temperature: 0.2, max_tokens: 64, top_p: 0.9 };

let rx: OtlpReceiver;
beforeEach(() => void (rx = startOtlpReceiver()));
afterEach(() => rx.stop());

const plugin = (config: Record<string, unknown> = {}) => testPlugin(otel, { config: { collector_url: `${rx.url}/v1/traces`, ...config } });
const byKind = (spans: ReceivedSpan[], kind: number) => spans.filter((s) => s.kind === kind);
/** The request span (the only SERVER span). */
const requestSpan = () => rx.spans.find((s) => s.kind === 2)!;
const parseTraceparent = (h: string) => {
  const [version, traceId, spanId, flags] = h.split("-");
  return { version, traceId, spanId, flags };
};

function attempt(over: Partial<AttemptRecord>): AttemptRecord {
  return { provider: "openai", model: "gpt-4o-mini", keyName: "key-1", fallbackIndex: 0, startedAt: 0, durationMs: 10, status: 200, error: null, ...over };
}

describe("a request with a retry and a fallback", () => {
  test("is one trace: the client's trace continues through the request span, one CLIENT span per attempt, one span per hook", async () => {
    const p = await plugin();
    await p.pre(ask, { headers: CLIENT_HEADERS });
    const sent = parseTraceparent(p.upstreamHeaders.traceparent!);
    expect(sent.traceId).toBe(CLIENT_TRACE);
    expect(sent.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(sent.spanId).not.toBe(CLIENT_SPAN);
    expect(sent.flags).toBe("01");
    expect(p.upstreamHeaders.tracestate).toBe("vendor=abc");

    const t0 = Date.now() - 1000;
    const cost: Cost = { total_cost: 0.0012, input_tokens_cost: 0.0002, output_tokens_cost: 0.001, cache_read_cost: 0, cache_write_cost: 0, reasoning_cost: 0, image_cost: 0, audio_cost: 0 };
    const upstreamError = { type: "server_error", code: null, message: "upstream exploded" };
    await p.end(
      testSummary({
        startedAt: t0,
        latencyMs: 900,
        requestedModel: "openai/gpt-4o-mini",
        provider: "anthropic",
        model: "claude-3-5-haiku",
        retries: 2,
        fallbackIndex: 1,
        keyName: "anthropic-main",
        cost,
        usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18, prompt_tokens_details: { cached_tokens: 3 } },
        request: ask,
        headers: CLIENT_HEADERS,
        values: p.rctx.values,
        attempts: [
          attempt({ startedAt: t0 + 10, durationMs: 100, status: 500, error: upstreamError }),
          attempt({ startedAt: t0 + 200, durationMs: 150, status: 503, error: { ...upstreamError, code: "overloaded" } }),
          attempt({ provider: "anthropic", model: "claude-3-5-haiku", keyName: "anthropic-main", fallbackIndex: 1, startedAt: t0 + 400, durationMs: 450 }),
        ],
        hooks: [
          { plugin: "otel", hook: "preRequest", startedAt: t0 + 1, durationMs: 1 },
          { plugin: "guardrails", hook: "postResponse", startedAt: t0 + 860, durationMs: 5 },
        ],
      }),
    );
    await p.cleanup();

    expect(rx.requests[0]).toMatchObject({ path: "/v1/traces", contentType: "application/json" });
    expect(new Set(rx.spans.map((s) => s.traceId))).toEqual(new Set([CLIENT_TRACE]));
    const [root] = byKind(rx.spans, 2);
    expect(byKind(rx.spans, 2)).toHaveLength(1);
    expect(root!.spanId).toBe(sent.spanId);
    expect(root!.parentSpanId).toBe(CLIENT_SPAN);
    expect(root!.name).toBe("chat openai/gpt-4o-mini");
    expect(root!.startMs).toBe(t0);
    expect(root!.endMs).toBe(t0 + 900);
    expect(root!.resource["service.name"]).toBe("bifrost");
    expect(root!.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "anthropic",
      "gen_ai.request.model": "openai/gpt-4o-mini",
      "gen_ai.response.model": "claude-3-5-haiku",
      "gen_ai.response.id": "chatcmpl-test",
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.request.temperature": 0.2,
      "gen_ai.request.max_tokens": 64,
      "gen_ai.request.top_p": 0.9,
      "gen_ai.usage.input_tokens": 11,
      "gen_ai.usage.output_tokens": 7,
      "gen_ai.usage.cache_read.input_tokens": 3,
      "gen_ai.usage.cost": 0.0012,
      "bifrost.retries": 2,
      "bifrost.fallback_index": 1,
      "bifrost.outcome": "success",
      "bifrost.key.name": "anthropic-main",
      "http.response.status_code": 200,
    });
    expect(root!.status.code).toBe(0);

    const attempts = byKind(rx.spans, 3).sort((a, b) => a.startMs - b.startMs);
    expect(attempts).toHaveLength(3);
    for (const a of attempts) {
      expect(a.parentSpanId).toBe(root!.spanId);
      expect(a.startMs).toBeGreaterThanOrEqual(root!.startMs);
      expect(a.endMs).toBeLessThanOrEqual(root!.endMs);
    }
    expect(attempts.map((a) => [a.startMs - t0, a.endMs - t0])).toEqual([[10, 110], [200, 350], [400, 850]]);
    expect(attempts.map((a) => a.name)).toEqual(["chat gpt-4o-mini", "chat gpt-4o-mini", "chat claude-3-5-haiku"]);
    expect(attempts.map((a) => [a.attributes["bifrost.fallback_index"], a.attributes["bifrost.retry"], a.attributes["http.response.status_code"]])).toEqual([[0, 0, 500], [0, 1, 503], [1, 0, 200]]);
    expect(attempts.map((a) => a.status.code)).toEqual([2, 2, 0]);
    expect(attempts[0]!.status.message).toBe("upstream exploded");
    expect(attempts.map((a) => a.attributes["error.type"])).toEqual(["server_error", "overloaded", undefined]);
    expect(attempts[2]!.attributes).toMatchObject({ "gen_ai.provider.name": "anthropic", "gen_ai.request.model": "claude-3-5-haiku", "bifrost.key.name": "anthropic-main" });

    const hooks = byKind(rx.spans, 1).sort((a, b) => a.startMs - b.startMs);
    expect(hooks.map((h) => [h.name, h.parentSpanId, h.endMs - h.startMs])).toEqual([["plugin otel preRequest", root!.spanId, 1], ["plugin guardrails postResponse", root!.spanId, 5]]);
  });

  test("a fallback's pre-hook on the same request starts no second span (regression: one span per requestId)", async () => {
    const p = await plugin();
    await p.pre(ask, { headers: CLIENT_HEADERS });
    const first = p.upstreamHeaders.traceparent;
    const ids = p.rctx.values.get("otel.ids");
    await p.plugin.preRequest!({ ...ask, model: "anthropic/claude-3-5-haiku" }, p.rctx);
    expect(p.upstreamHeaders.traceparent).toBe(first!);
    expect(p.rctx.values.get("otel.ids")).toBe(ids);
    await p.end(testSummary({ values: p.rctx.values, headers: CLIENT_HEADERS }));
    await p.cleanup();
    expect(byKind(rx.spans, 2)).toHaveLength(1);
  });
});

describe("trace context", () => {
  test("no client traceparent: a new sampled trace, and the provider call is its child", async () => {
    const p = await plugin();
    await p.pre(ask);
    const sent = parseTraceparent(p.upstreamHeaders.traceparent!);
    expect(sent).toMatchObject({ version: "00", flags: "01" });
    expect(p.upstreamHeaders.tracestate).toBeUndefined();
    await p.end(testSummary({ values: p.rctx.values }));
    await p.cleanup();
    expect(requestSpan()).toMatchObject({ traceId: sent.traceId, spanId: sent.spanId, parentSpanId: "" });
  });

  test("a malformed client traceparent is ignored: a new trace", async () => {
    const p = await plugin();
    await p.pre(ask, { headers: { traceparent: "00-not-a-trace-01" } });
    expect(parseTraceparent(p.upstreamHeaders.traceparent!).traceId).toMatch(/^[0-9a-f]{32}$/);
    await p.cleanup();
  });

  test("a client that did not sample keeps the flag on the provider call, and no span is exported", async () => {
    const p = await plugin();
    const headers = { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-00` };
    await p.pre(ask, { headers });
    expect(parseTraceparent(p.upstreamHeaders.traceparent!).flags).toBe("00");
    await p.end(testSummary({ values: p.rctx.values, headers }));
    await p.cleanup();
    expect(rx.spans).toEqual([]);
  });

  test("a summary whose pre-hook never ran still gets a request span, parented to the client's traceparent", async () => {
    const p = await plugin();
    await p.end(testSummary({ headers: CLIENT_HEADERS, answeredBy: "mocker", attempts: [] }));
    await p.cleanup();
    expect(rx.spans).toHaveLength(1);
    expect(rx.spans[0]).toMatchObject({ kind: 2, traceId: CLIENT_TRACE, parentSpanId: CLIENT_SPAN });
    expect(rx.spans[0]!.attributes["bifrost.answered_by"]).toBe("mocker");
  });
});

describe("the request span", () => {
  test("a failed request is an ERROR span with error.type and the error's status", async () => {
    const p = await plugin();
    await p.pre(ask);
    const error = new BifrostError({ status: 429, message: "rate limited", type: "rate_limit_error", code: "rate_limit_exceeded" });
    await p.end(testSummary({ values: p.rctx.values, outcome: "error", status: 429, error, response: null, usage: null, attempts: [attempt({ status: 429, error: { type: "rate_limit_error", code: "rate_limit_exceeded", message: "rate limited" } })] }));
    await p.cleanup();
    const root = requestSpan();
    expect(root.status).toMatchObject({ code: 2, message: "rate limited" });
    expect(root.attributes).toMatchObject({ "error.type": "rate_limit_exceeded", "http.response.status_code": 429, "bifrost.outcome": "error" });
    expect(root.attributes["gen_ai.response.model"]).toBeUndefined();
  });

  test("prompts and completions stay out unless capture_content is on", async () => {
    const p = await plugin();
    await p.end(testSummary({ request: ask }));
    await p.cleanup();
    expect(JSON.stringify(rx.spans)).not.toContain("secret prompt");
    expect(requestSpan().attributes["gen_ai.input.messages"]).toBeUndefined();

    rx.spans.length = 0;
    const q = await plugin({ capture_content: true });
    await q.end(testSummary({ request: ask }));
    await q.cleanup();
    const attrs = requestSpan().attributes;
    expect(JSON.parse(attrs["gen_ai.input.messages"] as string)).toEqual([{ role: "user", parts: [{ type: "text", content: "secret prompt" }] }]);
    expect(JSON.parse(attrs["gen_ai.output.messages"] as string)).toEqual([{ role: "assistant", parts: [{ type: "text", content: "hi there" }], finish_reason: "stop" }]);
  });

  test("Go Bifrost's disable_content_logging keeps content out even with capture_content", async () => {
    const p = await plugin({ capture_content: true, disable_content_logging: true });
    await p.end(testSummary({ request: ask }));
    await p.cleanup();
    expect(JSON.stringify(rx.spans)).not.toContain("secret prompt");
  });

  test("a stream records its time to first chunk in seconds", async () => {
    const p = await plugin();
    await p.end(testSummary({ op: "chatStream", stream: true, firstChunkMs: 250 }));
    await p.cleanup();
    expect(requestSpan().attributes).toMatchObject({ "gen_ai.response.time_to_first_chunk": 0.25, "gen_ai.request.stream": true, "gen_ai.operation.name": "chat" });
  });
});

describe("the collector", () => {
  test("headers (env.VAR resolved) and resource attributes go to the collector; a base URL gets /v1/traces", async () => {
    process.env.OTEL_TEST_TOKEN = "Bearer otel-test-token";
    try {
      const p = await plugin({ collector_url: rx.url, service_name: "gw-test", headers: { Authorization: "env.OTEL_TEST_TOKEN", "x-team": "infra" }, resource_attributes: { "deployment.environment.name": "test" } });
      await p.end(testSummary());
      await p.cleanup();
    } finally {
      delete process.env.OTEL_TEST_TOKEN;
    }
    expect(rx.requests[0]!.path).toBe("/v1/traces");
    expect(rx.requests[0]!.headers.get("authorization")).toBe("Bearer otel-test-token");
    expect(rx.requests[0]!.headers.get("x-team")).toBe("infra");
    expect(requestSpan().resource).toMatchObject({ "service.name": "gw-test", "deployment.environment.name": "test" });
  });

  test("a collector that is down: the request end returns at once, nothing throws, cleanup ends", async () => {
    const down = startOtlpReceiver();
    const url = down.url;
    down.stop();
    const p = await testPlugin(otel, { config: { collector_url: url } });
    await p.pre(ask);
    expect(p.plugin.onRequestEnd!(testSummary({ values: p.rctx.values }))).toBeUndefined();
    await p.end(testSummary());
    await p.cleanup();
    expect(rx.spans).toEqual([]);
  }, 20_000);
});

describe("config errors are clear", () => {
  const base = { collector_url: "http://localhost:4318/v1/traces" };
  test.each([
    [{ ...base, protocol: "grpc" }, 'protocol "grpc" is not supported'],
    [{ ...base, protocol: "udp" }, 'protocol must be "http"'],
    [{ ...base, trace_type: "vercel" }, 'trace_type "vercel" is not supported'],
    [{ collector_url: "localhost 4318" }, "collector_url is not a URL"],
    [{ collector_url: "ftp://collector/v1/traces" }, "collector_url must be http:// or https://"],
    [{ ...base, headers: { Authorization: "env.OTEL_TEST_UNSET_VAR" } }, "headers.Authorization refers to the environment variable OTEL_TEST_UNSET_VAR, which is not set"],
    [{ ...base, tls_ca_cert: "/etc/ca.pem" }, "tls_ca_cert is not supported"],
  ])("%j", async (config, message) => {
    await expect(testPlugin(otel, { config })).rejects.toThrow(message);
  });

  test("collector_url is required", async () => {
    await expect(testPlugin(otel, { config: {} })).rejects.toThrow("collector_url");
  });

  test("a URL with a path is kept; a base URL gets /v1/traces; env.VAR is read", () => {
    const cfg = (collector_url: string) => ({ service_name: "bifrost", collector_url, trace_type: "genai_extension", protocol: "http", headers: {}, resource_attributes: {}, capture_content: false });
    expect(resolveConfig(cfg("http://c:4318/custom/traces"), {}).url).toBe("http://c:4318/custom/traces");
    expect(resolveConfig(cfg("https://c:4318"), {}).url).toBe("https://c:4318/v1/traces");
    expect(resolveConfig(cfg("env.OTEL_URL"), { OTEL_URL: "http://c:4318/" }).url).toBe("http://c:4318/v1/traces");
  });

  test("OTEL_RESOURCE_ATTRIBUTES: k=v pairs, percent-decoded, malformed ones skipped", () => {
    expect(parseResourceAttributes("deployment.environment=prod, team.name=platform%20ops,broken,=x")).toEqual({ "deployment.environment": "prod", "team.name": "platform ops" });
  });
});

describe("in a gateway", () => {
  test("loads from plugins/ by name next to mocker, and a request through it is answered", async () => {
    const bf = await Bifrost.create({ providers: {}, plugins: [{ name: "otel", config: { collector_url: rx.url } }, { name: "mocker" }] }, { workers: 0, pluginsDir: `${import.meta.dir}/..` });
    try {
      const res = await bf.chat({ model: "mock/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
      expect(res.choices[0]!.finish_reason).toBe("stop");
    } finally {
      await bf.shutdown();
    }
  });
});
