/** Every error a client can meet, in the gateway's JSON shape, with the right status. */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { openGateway, type Gateway } from "../support/gateway";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";
import { eventually } from "../support/wait";

const KEY = "sk-errors-secret-998877";
let mock: MockUpstream;
let gw: Gateway;

beforeAll(async () => {
  mock = await startMockUpstream();
  const closed = Bun.serve({ port: 0, fetch: () => new Response() });
  const deadPort = closed.port;
  closed.stop(true);
  gw = await openGateway(
    {
      client: { max_request_body_size_mb: 1, allowed_origins: ["https://app.example"] },
      providers: {
        openai: {
          keys: [{ name: "good", value: "env.OA_KEY", models: ["*"] }, { name: "bad", value: "bad-key", models: ["*"], weight: 0 }],
          network_config: { base_url: mock.url, default_request_timeout_in_seconds: 1, stream_idle_timeout_in_seconds: 1 },
        },
        anthropic: { keys: [{ value: "env.OA_KEY" }], network_config: { base_url: mock.url } },
        groq: { keys: [{ value: "gsk-x" }], network_config: { base_url: `http://127.0.0.1:${deadPort}` } },
      },
    },
    { env: { OA_KEY: KEY } },
  );
});

afterAll(async () => {
  await gw?.close();
  await mock?.stop();
});

beforeEach(() => mock.reset());

const chatBody = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], ...extra });

async function post(path: string, body: string | Uint8Array, headers: Record<string, string> = {}) {
  const res = await gw.fetch(path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: (() => { try { return JSON.parse(text); } catch { return null; } })() };
}

function expectErrorShape(json: any, status: number) {
  expect(json).toMatchObject({ status_code: status, error: { type: expect.any(String), message: expect.any(String) } });
  expect(typeof json.is_bifrost_error).toBe("boolean");
  expect(json).toHaveProperty("extra_fields");
}

describe("bad input is a 400 in the error shape", () => {
  test("malformed JSON", async () => {
    const r = await post("/v1/chat/completions", '{"model": "openai/gpt-4o-mini", "messages": [');
    expect(r.status).toBe(400);
    expectErrorShape(r.json, 400);
    expect(r.json.error.code).toBe("invalid_json");
  });

  test("a schema violation names the field", async () => {
    const r = await post("/v1/chat/completions", JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "wizard", content: "hi" }] }));
    expect(r.status).toBe(400);
    expect(r.json.error.param).toBe("messages[0].role");
    expect(r.json.error.message).toContain("messages[0].role");
  });

  test("a wrong type names the field", async () => {
    const r = await post("/v1/chat/completions", chatBody({ temperature: "hot" }));
    expect(r.status).toBe(400);
    expect(r.json.error.param).toBe("temperature");
  });

  test("an unknown provider prefix lists the configured providers", async () => {
    const r = await post("/v1/chat/completions", chatBody({ model: "mistral/mistral-large" }));
    expect(r.status).toBe(400);
    expect(r.json.error.message).toContain("openai, anthropic, groq");
  });

  test("an unprefixed model that matches nothing lists the choices", async () => {
    const r = await post("/v1/chat/completions", chatBody({ model: "my-model" }));
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe("model_not_found");
    expect(r.json.error.message).toContain("openai, anthropic, groq");
  });

  test("embeddings on a provider without them is a 400", async () => {
    const r = await post("/v1/embeddings", JSON.stringify({ model: "anthropic/claude-3-5-haiku-latest", input: "x" }));
    expect(r.status).toBe(400);
    expect(r.json.error.message).toContain("does not support embedding");
  });

  test("an unknown route is a 404 in the same shape", async () => {
    const r = await post("/v1/nothing-here", "{}");
    expect(r.status).toBe(404);
    expectErrorShape(r.json, 404);
  });

  test("a body over client.max_request_body_size_mb is a 413 before parsing", async () => {
    const r = await post("/v1/chat/completions", "x".repeat(1024 * 1024 + 10));
    expect(r.status).toBe(413);
    expectErrorShape(r.json, 413);
    expect(mock.requests).toHaveLength(0);
  });
});

describe("upstream failures keep their meaning", () => {
  test("an upstream 4xx keeps its status and message", async () => {
    const r = await post("/v1/chat/completions", chatBody(), { "x-bf-api-key-id": "bad" });
    expect(r.status).toBe(401);
    expect(r.json.is_bifrost_error).toBe(false);
    expect(r.json.error.message.length).toBeGreaterThan(0);
    expect(r.json.extra_fields.provider).toBe("openai");
  });

  test("an upstream 5xx keeps its status and message", async () => {
    mock.fault({ status: 503, message: "upstream is overloaded" });
    const r = await post("/v1/chat/completions", chatBody());
    expect(r.status).toBe(503);
    expect(r.json.error.message).toBe("upstream is overloaded");
  });

  test("an Anthropic error keeps its status, type and message", async () => {
    mock.fault({ status: 529, message: "Overloaded" });
    const r = await post("/v1/chat/completions", chatBody({ model: "anthropic/claude-3-5-haiku-latest" }));
    expect(r.status).toBe(529);
    expect(r.json.error.message).toBe("Overloaded");
  });

  test("an unreachable upstream is a 502", async () => {
    const r = await post("/v1/chat/completions", chatBody({ model: "groq/llama-3.1-8b-instant" }));
    expect(r.status).toBe(502);
    expect(r.json.error.message).toContain("groq");
  });

  test("an upstream slower than default_request_timeout_in_seconds is a 504", async () => {
    mock.fault({ delayMs: 2500 });
    const r = await post("/v1/chat/completions", chatBody());
    expect(r.status).toBe(504);
    expect(r.json.error.type).toBe("timeout_error");
  });

  test("an upstream that answers 200 with a body that is not JSON is a 502", async () => {
    mock.fault({ rawBody: "{oops" });
    const r = await post("/v1/chat/completions", chatBody());
    expect(r.status).toBe(502);
  });

  test("a failure before the first byte of a stream is a plain HTTP error", async () => {
    mock.fault({ status: 500, message: "boom" });
    const r = await post("/v1/chat/completions", chatBody({ stream: true }));
    expect(r.status).toBe(500);
    expect(r.json.error.message).toBe("boom");
  });
});

describe("failures after the first byte end the stream with an error event", () => {
  async function streamEvents(body: string) {
    const r = await post("/v1/chat/completions", body);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("text/event-stream");
    return r.text.split("\n\n").filter(Boolean).map((f) => f.replace(/^data: /, ""));
  }

  test("a connection reset mid-stream", async () => {
    mock.fault({ resetAfterChunks: 2 });
    const events = await streamEvents(chatBody({ stream: true }));
    const last = JSON.parse(events.at(-1)!);
    expect(last.error.code).toBe("upstream_stream_interrupted");
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events).not.toContain("[DONE]");
  });

  test("a stream that stalls past the idle timeout", async () => {
    mock.fault({ stallAfterChunks: 2 });
    const events = await streamEvents(chatBody({ stream: true }));
    const last = JSON.parse(events.at(-1)!);
    expect(last.status_code).toBe(504);
    expect(last.error.code).toBe("stream_idle_timeout");
  });

  test("an Anthropic error event mid-stream", async () => {
    mock.fault({ errorEventAfterChunks: 3 });
    const events = await streamEvents(chatBody({ stream: true, model: "anthropic/claude-3-5-haiku-latest" }));
    const last = JSON.parse(events.at(-1)!);
    expect(last.error.message).toBe("Overloaded");
  });
});

describe("transport", () => {
  test("GET /health", async () => {
    const r = await gw.fetch("/health");
    expect(await r.json()).toEqual({ status: "ok" });
  });

  test("every answer carries x-request-id: the client's, or a fresh one", async () => {
    const mine = await post("/v1/chat/completions", chatBody(), { "x-request-id": "req-42" });
    expect(mine.headers.get("x-request-id")).toBe("req-42");
    const fresh = await post("/v1/chat/completions", chatBody());
    expect(fresh.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("CORS follows client.allowed_origins", async () => {
    const pre = await gw.fetch("/v1/chat/completions", {
      method: "OPTIONS",
      headers: { origin: "https://app.example", "access-control-request-method": "POST" },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("https://app.example");
    const denied = await gw.fetch("/v1/chat/completions", { method: "OPTIONS", headers: { origin: "https://evil.example" } });
    expect(denied.headers.get("access-control-allow-origin")).toBeNull();
    const r = await post("/v1/chat/completions", chatBody(), { origin: "https://app.example" });
    expect(r.headers.get("access-control-allow-origin")).toBe("https://app.example");
  });

  test("a client that disconnects mid-stream aborts the upstream request", async () => {
    mock.fault({ chunkDelayMs: 100 });
    const ctrl = new AbortController();
    const res = await fetch(gw.url + "/v1/chat/completions", { method: "POST", body: chatBody({ stream: true }), signal: ctrl.signal, headers: { "content-type": "application/json" } });
    const reader = res.body!.getReader();
    await reader.read();
    ctrl.abort();
    await eventually(() => mock.requests[0]?.aborted === true);
  });

  test("an upstream that echoes the key in its error message has it redacted", async () => {
    mock.fault({ status: 401, message: `Invalid key ${KEY} for this org` });
    const r = await post("/v1/chat/completions", chatBody());
    expect(r.status).toBe(401);
    expect(r.text).not.toContain(KEY);
    expect(r.json.error.message).toBe("Invalid key [REDACTED] for this org");
  });

  test("secrets appear in no response and no log line", async () => {
    await post("/v1/chat/completions", chatBody(), { "x-bf-api-key-id": "bad" });
    expect(gw.output()).not.toContain(KEY);
  });
});

test("a 413 closes the connection, so an unread body cannot hold a graceful stop open", async () => {
  const res = await fetch(gw.url + "/v1/chat/completions", { method: "POST", body: "z".repeat(1024 * 1024 + 1) });
  expect(res.status).toBe(413);
  expect(res.headers.get("connection")).toBe("close");
});
