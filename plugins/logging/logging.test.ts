/**
 * The logging plugin end to end through testPlugin: rows written in the background and found again
 * through Go Bifrost's /api/logs, the same suite against SQLite (a temp file) and PostgreSQL (a
 * throwaway database).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SQL } from "bun";
import { testPlugin, testSummary, type BifrostError, type PluginUnderTest, type RequestSummary } from "bifrost/plugin";
import { eventually } from "../../tests/support/wait";
import { PG_ADMIN_URL, pgReachable, throwawayDatabase } from "../../tests/support/postgres";
import logging from "./index";

const HOUR = 3_600_000;
/** Whole hours, three hours back: the rows sit at T0, T0+1h, T0+2h. */
const T0 = Math.floor((Date.now() - 3 * HOUR) / HOUR) * HOUR;

function fakeError(status: number, message: string): BifrostError {
  const json = { is_bifrost_error: false, status_code: status, error: { type: "api_error", code: null, message, param: null }, extra_fields: {} };
  return { status, message, toJSON: () => json } as unknown as BifrostError;
}

const chat = (user: string, answer: string) => ({
  request: { model: "x", messages: [{ role: "user", content: user }], temperature: 0.2 },
  response: { id: "r", object: "chat.completion", created: 0, model: "x", choices: [{ index: 0, message: { role: "assistant", content: answer }, finish_reason: "stop" }] },
});

const cost = (total: number) => ({ total_cost: total, input_tokens_cost: 0, output_tokens_cost: 0, cache_read_cost: 0, cache_write_cost: 0, reasoning_cost: 0, image_cost: 0, audio_cost: 0 });

/** Four requests: two providers, three models, a success/error/cancelled mix, costs and latencies apart. */
function seed(): RequestSummary[] {
  return [
    testSummary({ requestId: "req-penguin", startedAt: T0, latencyMs: 100, cost: cost(0.01), ...chat("Tell me about Penguins", "Penguins live in Antarctica") }),
    testSummary({ requestId: "req-claude", provider: "anthropic", model: "claude-3-5-haiku", startedAt: T0 + HOUR, latencyMs: 500, cost: cost(0.05), stream: true, firstChunkMs: 40, ...chat("what is 100% of_it", "all of it") }),
    testSummary({
      requestId: "req-error",
      model: "gpt-4o",
      startedAt: T0 + 2 * HOUR,
      latencyMs: 50,
      outcome: "error",
      status: 429,
      error: fakeError(429, "rate limited for key sk-abcdefghijklmnop1234"),
      response: null,
      usage: null,
      retries: 2,
      fallbackIndex: 1,
      ...{ request: chat("quota please", "").request },
    }),
    testSummary({ requestId: "req-hidden", startedAt: T0 + 2 * HOUR + 60_000, latencyMs: 70, headers: { "x-bf-disable-content-logging": "true" }, ...chat("my secret plan", "noted") }),
  ];
}

async function body(p: PluginUnderTest, url: string): Promise<any> {
  const r = await p.route("GET", url);
  expect(r.status).toBe(200);
  return r.json();
}

const ids = (b: any) => b.logs.map((l: any) => l.id);
const dropped = async (p: PluginUnderTest) => ((await (await p.route("GET", "/api/logs/dropped")).json()) as any).dropped_requests as number;

function logSuite(storeName: string, storeConfig: () => object) {
  describe(`logging on ${storeName}`, () => {
    let p: PluginUnderTest;

    beforeAll(async () => {
      p = await testPlugin(logging, { config: { store: storeConfig(), flush_interval_ms: 20 } });
      for (const s of seed()) await p.end(s);
      await eventually(async () => (await body(p, "/api/logs")).pagination.total_count === 4);
    });
    afterAll(() => p?.cleanup());
    // A row is visible once committed but announced (and counted) when the writer thread's reply is handled: wait for that too.
    beforeAll(() => eventually(() => p.broadcasts.length === seed().length));

    test("GET /api/logs answers Go's shape: logs, pagination, stats, newest first", async () => {
      const b = await body(p, "/api/logs");
      expect(ids(b)).toEqual(["req-hidden", "req-error", "req-claude", "req-penguin"]);
      expect(b.pagination).toEqual({ limit: 50, offset: 0, sort_by: "timestamp", order: "desc", total_count: 4 });
      expect(b.stats.total_requests).toBe(4);
      expect(b.stats.success_rate).toBe(75);
      expect(b.stats.total_cost).toBeCloseTo(0.06 + 0, 10);
      expect(b.stats.average_latency).toBe((100 + 500 + 50 + 70) / 4);
      expect(b.has_logs).toBe(true);
      const first = b.logs.find((l: any) => l.id === "req-claude");
      expect(first).toMatchObject({
        timestamp: new Date(T0 + HOUR).toISOString(),
        object: "chat_completion",
        provider: "anthropic",
        model: "claude-3-5-haiku",
        status: "success",
        stream: true,
        latency: 500,
        time_to_first_token: 40,
        cost: 0.05,
        token_usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        number_of_retries: 0,
        fallback_index: 0,
        selected_key_name: "key-1",
        input_history: [{ role: "user", content: "what is 100% of_it" }],
        output_message: { role: "assistant", content: "all of it" },
        params: { temperature: 0.2 },
        content_hidden: false,
      });
    });

    test("filters: status, providers, models, time range, cost and latency", async () => {
      expect(ids(await body(p, "/api/logs?status=error"))).toEqual(["req-error"]);
      expect(ids(await body(p, "/api/logs?providers=anthropic"))).toEqual(["req-claude"]);
      expect(ids(await body(p, "/api/logs?models=gpt-4o,claude-3-5-haiku&order=asc"))).toEqual(["req-claude", "req-error"]);
      const start = new Date(T0 + HOUR).toISOString();
      const end = new Date(T0 + 2 * HOUR).toISOString();
      expect(ids(await body(p, `/api/logs?start_time=${start}&end_time=${end}`))).toEqual(["req-error", "req-claude"]);
      expect(ids(await body(p, `/api/logs?start_time=${(T0 + 2 * HOUR) / 1000}`))).toEqual(["req-hidden", "req-error"]);
      expect(ids(await body(p, "/api/logs?min_cost=0.02"))).toEqual(["req-claude"]);
      expect(ids(await body(p, "/api/logs?max_cost=0.02"))).toEqual(["req-penguin"]);
      expect(ids(await body(p, "/api/logs?min_latency=60&max_latency=200"))).toEqual(["req-hidden", "req-penguin"]);
    });

    test("content_search: case-insensitive over input and output, LIKE wildcards taken literally", async () => {
      expect(ids(await body(p, "/api/logs?content_search=PENGUIN"))).toEqual(["req-penguin"]);
      expect(ids(await body(p, "/api/logs?content_search=antarctica"))).toEqual(["req-penguin"]);
      expect(ids(await body(p, "/api/logs?content_search=100%25"))).toEqual(["req-claude"]);
      expect(ids(await body(p, "/api/logs?content_search=f_it"))).toEqual(["req-claude"]);
      // "_" would match any character if it were not escaped: "of it" does not occur anywhere.
      expect(ids(await body(p, "/api/logs?content_search=o__it"))).toEqual([]);
    });

    test("pagination and sorting: limit, offset, sort_by latency/cost", async () => {
      const page = await body(p, "/api/logs?limit=2&offset=1");
      expect(ids(page)).toEqual(["req-error", "req-claude"]);
      expect(page.pagination.total_count).toBe(4);
      expect(ids(await body(p, "/api/logs?sort_by=latency&order=asc"))).toEqual(["req-error", "req-hidden", "req-penguin", "req-claude"]);
      // A request without a price sorts last either way.
      expect(ids(await body(p, "/api/logs?sort_by=cost&order=desc"))[0]).toBe("req-claude");
    });

    test("an error row keeps its details, retries and fallback index, with key-like text redacted", async () => {
      const e = await body(p, "/api/logs/req-error");
      expect(e).toMatchObject({ status: "error", number_of_retries: 2, fallback_index: 1, error_details: { status_code: 429 } });
      expect(e.error_details.error.message).toBe("rate limited for key [REDACTED]");
      expect(e.cost).toBeUndefined();
      expect(JSON.stringify(e)).not.toContain("sk-abcdefghijklmnop1234");
    });

    test("x-bf-disable-content-logging keeps the metadata and drops input and output", async () => {
      const e = await body(p, "/api/logs/req-hidden");
      expect(e).toMatchObject({ status: "success", latency: 70, content_hidden: true });
      expect(e.input_history).toBeUndefined();
      expect(e.output_message).toBeUndefined();
      expect(ids(await body(p, "/api/logs?content_search=secret"))).toEqual([]);
    });

    test("GET /api/logs/:id for an unknown id is 404 in the gateway's error shape", async () => {
      const r = await p.route("GET", "/api/logs/nope");
      expect(r.status).toBe(404);
      expect(await r.json()).toMatchObject({ is_bifrost_error: false, status_code: 404, error: { message: "log not found" } });
    });

    test("GET /api/logs/stats and /api/logs/histogram answer Go's shapes", async () => {
      expect(await body(p, "/api/logs/stats?providers=openai")).toEqual({
        total_requests: 3,
        success_rate: (2 / 3) * 100,
        average_latency: (100 + 50 + 70) / 3,
        total_tokens: 30,
        prompt_tokens: 20,
        completion_tokens: 10,
        total_cost: 0.01,
      });
      const h = await body(p, "/api/logs/histogram");
      expect(h.bucket_size_seconds).toBe(3600);
      expect(h.buckets).toEqual([
        { timestamp: new Date(T0).toISOString(), count: 1, success: 1, error: 0, cancelled: 0 },
        { timestamp: new Date(T0 + HOUR).toISOString(), count: 1, success: 1, error: 0, cancelled: 0 },
        { timestamp: new Date(T0 + 2 * HOUR).toISOString(), count: 2, success: 1, error: 1, cancelled: 0 },
      ]);
      const narrow = await body(p, `/api/logs/histogram?start_time=${new Date(T0).toISOString()}&end_time=${new Date(T0 + HOUR).toISOString()}`);
      expect(narrow.bucket_size_seconds).toBe(60);
      // Every minute of the range is a bucket, the empty ones too (Go's generateBucketTimestamps).
      expect(narrow.buckets).toHaveLength(61);
      expect(narrow.buckets.filter((b: any) => b.count).map((b: any) => b.timestamp)).toEqual([new Date(T0).toISOString(), new Date(T0 + HOUR).toISOString()]);
    });

    test("each stored row is announced once on the live feed in Go's message shape", async () => {
      // The rows can be read before the writer thread's acknowledgement (which announces them) arrives.
      await eventually(() => p.broadcasts.length >= 4);
      const announced = p.broadcasts as any[];
      expect(announced.map((m) => m.payload.id).sort()).toEqual(["req-claude", "req-error", "req-hidden", "req-penguin"]);
      expect(announced[0]).toMatchObject({ type: "log", operation: "create", payload: { provider: expect.any(String), status: expect.any(String) } });
    });

    test("metrics(): rows written, none dropped", async () => {
      const m = await p.metrics();
      expect(m).toContain("bifrost_logs_written_total 4");
      expect(m).toContain("bifrost_logs_dropped_total 0");
      expect(await body(p, "/api/logs/dropped")).toEqual({ dropped_requests: 0 });
    });

    test("bad query parameters are 400 with the parameter named", async () => {
      for (const [query, param] of [
        ["limit=0", "limit"],
        ["limit=1001", "limit"],
        ["limit=ten", "limit"],
        ["offset=-1", "offset"],
        ["sort_by=name", "sort_by"],
        ["order=up", "order"],
        ["start_time=yesterday", "start_time"],
        ["min_cost=cheap", "min_cost"],
        ["max_latency=NaN", "max_latency"],
      ]) {
        const r = await p.route("GET", `/api/logs?${query}`);
        expect(r.status).toBe(400);
        expect(await r.json()).toMatchObject({ is_bifrost_error: false, status_code: 400, error: { type: "invalid_request_error", param } });
      }
      expect((await p.route("GET", "/api/logs/histogram?end_time=soon")).status).toBe(400);
    });

    test("a NUL character in a prompt is stored and found (PostgreSQL's TEXT rejects NUL: it must not cost the batch)", async () => {
      await p.end(testSummary({ requestId: "req-nul", startedAt: T0 - HOUR, ...chat("nul\u0000here", "ok") }));
      await eventually(async () => (await p.route("GET", "/api/logs/req-nul")).status === 200 || (await dropped(p)) > 0);
      expect(await dropped(p)).toBe(0);
      const e = await body(p, "/api/logs/req-nul");
      expect(e.input_history[0].content).toBe("nul\u0000here");
      expect(ids(await body(p, "/api/logs?content_search=nulhere"))).toEqual(["req-nul"]);
      await p.route("DELETE", "/api/logs", { body: JSON.stringify({ ids: ["req-nul"] }) });
    });

    test("DELETE /api/logs removes the given ids; an empty list is 400", async () => {
      await p.end(testSummary({ requestId: "req-delete-me", startedAt: T0 - HOUR }));
      await eventually(async () => (await p.route("GET", "/api/logs/req-delete-me")).status === 200);
      const bad = await p.route("DELETE", "/api/logs", { body: JSON.stringify({ ids: [] }) });
      expect(bad.status).toBe(400);
      const r = await p.route("DELETE", "/api/logs", { body: JSON.stringify({ ids: ["req-delete-me"] }) });
      expect(await r.json()).toEqual({ message: "Logs deleted successfully" });
      expect((await p.route("GET", "/api/logs/req-delete-me")).status).toBe(404);
    });
  });

  describe(`logging on ${storeName}: content logging off, retention`, () => {
    test("disable_content_logging (global) stores no input or output", async () => {
      const p = await testPlugin(logging, { config: { store: storeConfig(), flush_interval_ms: 20, disable_content_logging: true } });
      try {
        await p.end(testSummary({ requestId: "req-global-off", ...chat("confidential", "also confidential") }));
        await eventually(async () => (await p.route("GET", "/api/logs/req-global-off")).status === 200);
        const e = (await (await p.route("GET", "/api/logs/req-global-off")).json()) as any;
        expect(e.content_hidden).toBe(true);
        expect(JSON.stringify(e)).not.toContain("confidential");
      } finally {
        await p.cleanup();
      }
    });

    test("log_retention_days: rows older than the retention are deleted at start, newer ones stay", async () => {
      const keep = await testPlugin(logging, { config: { store: storeConfig(), flush_interval_ms: 20, log_retention_days: 0 } });
      await keep.end(testSummary({ requestId: "req-old", startedAt: Date.now() - 3 * 24 * HOUR }));
      await keep.end(testSummary({ requestId: "req-new" }));
      await keep.cleanup(); // flushes what is queued
      const trim = await testPlugin(logging, { config: { store: storeConfig(), flush_interval_ms: 20, log_retention_days: 2 } });
      try {
        await eventually(async () => (await trim.route("GET", "/api/logs/req-old")).status === 404);
        expect((await trim.route("GET", "/api/logs/req-new")).status).toBe(200);
      } finally {
        await trim.cleanup();
      }
    });
  });
}

// SQLite: a fresh file per suite.
const dir = mkdtempSync(join(tmpdir(), "bifrost-logging-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sqlitePath = join(dir, "logs.db");
logSuite("SQLite", () => ({ type: "sqlite", config: { path: sqlitePath } }));

test("the SQLite file is created 0600", async () => {
  const path = join(dir, "mode", "logs.db");
  const p = await testPlugin(logging, { config: { store: { type: "sqlite", config: { path } } } });
  await p.cleanup();
  expect(statSync(path).mode & 0o777).toBe(0o600);
  expect(statSync(join(dir, "mode")).mode & 0o777).toBe(0o700);
});

// PostgreSQL: a throwaway database.
const pgDb = throwawayDatabase("bifrost_logs");
const PG_DB = pgDb.name;
const pgUp = await pgReachable("PostgreSQL logging tests");
describe.skipIf(!pgUp)("PostgreSQL", () => {
  beforeAll(() => pgDb.create());
  afterAll(() => pgDb.drop());
  const u = new URL(PG_ADMIN_URL);
  logSuite("PostgreSQL", () => ({ type: "postgres", config: { host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), db_name: PG_DB, ssl_mode: "disable" } }));
});
