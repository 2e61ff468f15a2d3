/**
 * Go Bifrost's /api/logs/histogram/* endpoints against rows with known values, on SQLite (a temp
 * file) and PostgreSQL (a throwaway database): the same answers, percentiles included.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testPlugin, testSummary, type BifrostError, type PluginUnderTest, type RequestSummary } from "bifrost/plugin";
import { eventually } from "../../tests/support/wait";
import { PG_ADMIN_URL, pgReachable, throwawayDatabase } from "../../tests/support/postgres";
import logging from "./index";

const MIN = 60_000;
const HOUR = 60 * MIN;
/** A whole hour, four hours back; the range asked for is [T0, T0+3h): 600 s buckets, 18 of them. */
const T0 = Math.floor((Date.now() - 4 * HOUR) / HOUR) * HOUR;
const RANGE = `start_time=${new Date(T0).toISOString()}&end_time=${new Date(T0 + 3 * HOUR - 1).toISOString()}`;
const LATER = T0 + 2 * HOUR; // bucket 12 of the range

const iso = (ms: number) => new Date(ms).toISOString();
const cost = (total: number) => ({ total_cost: total, input_tokens_cost: 0, output_tokens_cost: 0, cache_read_cost: 0, cache_write_cost: 0, reasoning_cost: 0, image_cost: 0, audio_cost: 0 });
const failure = { status: 500, message: "upstream failed", toJSON: () => ({ is_bifrost_error: false, status_code: 500, error: { type: "api_error", code: null, message: "upstream failed", param: null }, extra_fields: {} }) } as unknown as BifrostError;
const claude = { provider: "anthropic", model: "claude-3-5-haiku" };

/**
 * First bucket: five gpt-4o-mini successes (latency 100…500 ms, 10/5/15 tokens, $0.01 each), a claude
 * error (1000 ms) and a claude cancel (50 ms), neither with usage. Bucket 12: a claude success (700 ms,
 * 100/50/150 tokens, 40 cached, $0.20) and a gpt-4o success priced at $0 (10 ms). One row before the range.
 */
function seed(): RequestSummary[] {
  return [
    ...[100, 200, 300, 400, 500].map((latencyMs, i) => testSummary({ requestId: `mini-${i}`, startedAt: T0 + i * 1000, latencyMs, cost: cost(0.01) })),
    testSummary({ ...claude, requestId: "claude-error", startedAt: T0 + MIN, latencyMs: 1000, outcome: "error", status: 500, error: failure, response: null, usage: null }),
    testSummary({ ...claude, requestId: "claude-cancel", startedAt: T0 + 2 * MIN, latencyMs: 50, outcome: "cancelled", status: 499, response: null, usage: null }),
    testSummary({
      ...claude,
      requestId: "claude-later",
      startedAt: LATER + 30_000,
      latencyMs: 700,
      cost: cost(0.2),
      usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150, prompt_tokens_details: { cached_tokens: 40 } },
    }),
    testSummary({ model: "gpt-4o", requestId: "free-later", startedAt: LATER + 60_000, latencyMs: 10, cost: cost(0) }),
    testSummary({ requestId: "before-range", startedAt: T0 - HOUR, latencyMs: 9999, cost: cost(1) }),
  ];
}

async function body(p: PluginUnderTest, url: string): Promise<any> {
  const r = await p.route("GET", url);
  expect(r.status).toBe(200);
  return r.json();
}

/** The buckets of a ranged answer that are not empty, by index in the range. */
function filled(b: any, isEmpty: (bucket: any) => boolean): Record<number, any> {
  expect(b.bucket_size_seconds).toBe(600);
  expect(b.buckets).toHaveLength(18);
  expect(b.buckets[0].timestamp).toBe(iso(T0));
  expect(b.buckets[17].timestamp).toBe(iso(T0 + 17 * 600_000));
  const out: Record<number, any> = {};
  b.buckets.forEach((x: any, i: number) => {
    if (!isEmpty(x)) out[i] = x;
  });
  return out;
}

/** Latency stats, each value to 6 decimals (the SQLite and PostgreSQL interpolations agree to rounding). */
function latency(avg: number, p50: number, p90: number, p95: number, p99: number, total: number) {
  return {
    avg_latency: expect.closeTo(avg, 6),
    p50_latency: expect.closeTo(p50, 6),
    p90_latency: expect.closeTo(p90, 6),
    p95_latency: expect.closeTo(p95, 6),
    p99_latency: expect.closeTo(p99, 6),
    total_requests: total,
  };
}

function histogramSuite(storeName: string, storeConfig: () => object) {
  describe(`histograms on ${storeName}`, () => {
    let p: PluginUnderTest;
    beforeAll(async () => {
      p = await testPlugin(logging, { config: { store: storeConfig(), flush_interval_ms: 20 } });
      for (const s of seed()) await p.end(s);
      await eventually(async () => (await body(p, "/api/logs")).pagination.total_count === 10);
    });
    afterAll(() => p?.cleanup());

    test("/api/logs/histogram counts cancelled requests and has every bucket of the range", async () => {
      const b = filled(await body(p, `/api/logs/histogram?${RANGE}`), (x) => x.count === 0);
      expect(b).toEqual({
        0: { timestamp: iso(T0), count: 7, success: 5, error: 1, cancelled: 1 },
        12: { timestamp: iso(LATER), count: 2, success: 2, error: 0, cancelled: 0 },
      });
    });

    test("/api/logs/histogram/tokens: prompt, completion, total and cached tokens per bucket", async () => {
      const b = filled(await body(p, `/api/logs/histogram/tokens?${RANGE}`), (x) => x.total_tokens === 0);
      expect(b).toEqual({
        0: { timestamp: iso(T0), prompt_tokens: 50, completion_tokens: 25, total_tokens: 75, cached_read_tokens: 0 },
        12: { timestamp: iso(LATER), prompt_tokens: 110, completion_tokens: 55, total_tokens: 165, cached_read_tokens: 40 },
      });
      const empty = (await body(p, `/api/logs/histogram/tokens?${RANGE}`)).buckets[5];
      expect(empty).toEqual({ timestamp: iso(T0 + 5 * 600_000), prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, cached_read_tokens: 0 });
    });

    test("/api/logs/histogram/cost: priced requests only, by model, with the models listed", async () => {
      const h = await body(p, `/api/logs/histogram/cost?${RANGE}`);
      expect(h.models).toEqual(["claude-3-5-haiku", "gpt-4o-mini"]);
      const b = filled(h, (x) => x.total_cost === 0);
      expect(b).toEqual({
        0: { timestamp: iso(T0), total_cost: expect.closeTo(0.05, 10), by_model: { "gpt-4o-mini": expect.closeTo(0.05, 10) } },
        12: { timestamp: iso(LATER), total_cost: expect.closeTo(0.2, 10), by_model: { "claude-3-5-haiku": expect.closeTo(0.2, 10) } },
      });
      expect(h.buckets[1]).toEqual({ timestamp: iso(T0 + 600_000), total_cost: 0, by_model: {} });
    });

    test("/api/logs/histogram/models: total, success, error and cancelled per model", async () => {
      const h = await body(p, `/api/logs/histogram/models?${RANGE}`);
      expect(h.models).toEqual(["claude-3-5-haiku", "gpt-4o", "gpt-4o-mini"]);
      const b = filled(h, (x) => Object.keys(x.by_model).length === 0);
      expect(b).toEqual({
        0: {
          timestamp: iso(T0),
          by_model: { "gpt-4o-mini": { total: 5, success: 5, error: 0, cancelled: 0 }, "claude-3-5-haiku": { total: 2, success: 0, error: 1, cancelled: 1 } },
        },
        12: {
          timestamp: iso(LATER),
          by_model: { "claude-3-5-haiku": { total: 1, success: 1, error: 0, cancelled: 0 }, "gpt-4o": { total: 1, success: 1, error: 0, cancelled: 0 } },
        },
      });
    });

    test("/api/logs/histogram/latency: average and interpolated p50/p90/p95/p99 per bucket", async () => {
      const b = filled(await body(p, `/api/logs/histogram/latency?${RANGE}`), (x) => x.total_requests === 0);
      // [50, 100, 200, 300, 400, 500, 1000]: p90 at rank 5.4 → 500·0.6 + 1000·0.4; p99 at rank 5.94 → 500·0.06 + 1000·0.94.
      // [10, 700]: p90 at rank 0.9 → 10·0.1 + 700·0.9.
      expect(b).toEqual({
        0: { timestamp: iso(T0), ...latency(2550 / 7, 300, 500 * 0.6 + 1000 * 0.4, 500 * 0.3 + 1000 * 0.7, 500 * 0.06 + 1000 * 0.94, 7) },
        12: { timestamp: iso(LATER), ...latency(355, 355, 631, 665.5, 693.1, 2) },
      });
    });

    test("/api/logs/histogram/{cost,tokens,latency}/by-provider: the same per provider, with the providers listed", async () => {
      const c = await body(p, `/api/logs/histogram/cost/by-provider?${RANGE}`);
      expect(c.providers).toEqual(["anthropic", "openai"]);
      expect(filled(c, (x) => x.total_cost === 0)).toEqual({
        0: { timestamp: iso(T0), total_cost: expect.closeTo(0.05, 10), by_provider: { openai: expect.closeTo(0.05, 10) } },
        12: { timestamp: iso(LATER), total_cost: expect.closeTo(0.2, 10), by_provider: { anthropic: expect.closeTo(0.2, 10) } },
      });

      const t = await body(p, `/api/logs/histogram/tokens/by-provider?${RANGE}`);
      expect(t.providers).toEqual(["anthropic", "openai"]);
      expect(filled(t, (x) => Object.keys(x.by_provider).length === 0)).toEqual({
        0: { timestamp: iso(T0), by_provider: { openai: { prompt_tokens: 50, completion_tokens: 25, total_tokens: 75 }, anthropic: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } } },
        12: { timestamp: iso(LATER), by_provider: { anthropic: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 }, openai: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } } },
      });

      const l = await body(p, `/api/logs/histogram/latency/by-provider?${RANGE}`);
      expect(l.providers).toEqual(["anthropic", "openai"]);
      expect(filled(l, (x) => Object.keys(x.by_provider).length === 0)).toEqual({
        0: { timestamp: iso(T0), by_provider: { openai: latency(300, 300, 460, 480, 496, 5), anthropic: latency(525, 525, 905, 952.5, 990.5, 2) } },
        12: { timestamp: iso(LATER), by_provider: { anthropic: latency(700, 700, 700, 700, 700, 1), openai: latency(10, 10, 10, 10, 10, 1) } },
      });
    });

    test("the filters of /api/logs apply: provider, model, status", async () => {
      const l = filled(await body(p, `/api/logs/histogram/latency?${RANGE}&providers=anthropic`), (x) => x.total_requests === 0);
      expect(Object.keys(l)).toEqual(["0", "12"]);
      expect(l[0]).toMatchObject(latency(525, 525, 905, 952.5, 990.5, 2));
      const m = await body(p, `/api/logs/histogram/models?${RANGE}&models=gpt-4o-mini&status=success`);
      expect(m.models).toEqual(["gpt-4o-mini"]);
      const c = await body(p, `/api/logs/histogram/cost?${RANGE}&providers=anthropic`);
      expect(c.models).toEqual(["claude-3-5-haiku"]);
    });

    test("without a time range: hour buckets, only those with rows (Go's answer), the row before the range included", async () => {
      const h = await body(p, "/api/logs/histogram/latency");
      expect(h.bucket_size_seconds).toBe(3600);
      expect(h.buckets.map((b: any) => [b.timestamp, b.total_requests])).toEqual([
        [iso(T0 - HOUR), 1],
        [iso(T0), 7],
        [iso(LATER), 2],
      ]);
      expect(h.buckets[0].p99_latency).toBe(9999);
    });

    test("a bad filter is 400 naming it, on every endpoint", async () => {
      for (const path of ["tokens", "cost", "models", "latency", "cost/by-provider", "tokens/by-provider", "latency/by-provider"]) {
        const r = await p.route("GET", `/api/logs/histogram/${path}?start_time=yesterday`);
        expect(r.status).toBe(400);
        expect(await r.json()).toMatchObject({ error: { type: "invalid_request_error", param: "start_time" } });
      }
    });

    // Regression: a time past what a Date holds was accepted, then failed writing the answer (500 "store unavailable").
    test("a time beyond the year 275760 is a 400, not a 500", async () => {
      for (const end of ["9999999999999999", "99999999999999999999"]) {
        const r = await p.route("GET", `/api/logs/histogram/latency?start_time=0&end_time=${end}`);
        expect(r.status).toBe(400);
        expect(await r.json()).toMatchObject({ error: { param: "end_time" } });
      }
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), "bifrost-histograms-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
histogramSuite("SQLite", () => ({ type: "sqlite", config: { path: join(dir, "logs.db") } }));

const pgDb = throwawayDatabase("bifrost_histograms");
const pgUp = await pgReachable("PostgreSQL histogram tests");
describe.skipIf(!pgUp)("PostgreSQL", () => {
  beforeAll(() => pgDb.create());
  afterAll(() => pgDb.drop());
  const u = new URL(PG_ADMIN_URL);
  histogramSuite("PostgreSQL", () => ({
    type: "postgres",
    config: { host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), db_name: pgDb.name, ssl_mode: "disable" },
  }));
});
