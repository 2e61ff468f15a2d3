/** The metrics page's arithmetic (ui/src/pages/metrics/series.ts): Go's histogram answers → chart columns and range totals. */
import { expect, test } from "bun:test";
import { toMetrics, type Answers } from "../../ui/src/pages/metrics/series";

const T = Date.parse("2026-01-01T10:00:00Z");
const at = (i: number) => new Date(T + i * 60_000).toISOString();
const lat = (avg: number, p50: number, p99: number, n: number) => ({ avg_latency: avg, p50_latency: p50, p90_latency: p99, p95_latency: p99, p99_latency: p99, total_requests: n });
const none = lat(0, 0, 0, 0);

/** Three one-minute buckets; the range starts 30 s into the first and ends 15 s into the last. */
function answers(): Answers {
  const b = (i: number) => ({ timestamp: at(i) });
  return {
    models: {
      bucket_size_seconds: 60,
      models: ["a", "b"],
      buckets: [
        { ...b(0), by_model: { a: { total: 3, success: 3, error: 0, cancelled: 0 } } },
        { ...b(1), by_model: {} },
        { ...b(2), by_model: { a: { total: 1, success: 0, error: 1, cancelled: 0 }, b: { total: 3, success: 2, error: 0, cancelled: 1 } } },
      ],
    },
    cost: { bucket_size_seconds: 60, models: ["a"], buckets: [{ ...b(0), total_cost: 0.5, by_model: { a: 0.5 } }, { ...b(1), total_cost: 0, by_model: {} }, { ...b(2), total_cost: 0.25, by_model: { a: 0.25 } }] },
    tokens: {
      bucket_size_seconds: 60,
      buckets: [
        { ...b(0), prompt_tokens: 30, completion_tokens: 15, total_tokens: 45, cached_read_tokens: 0 },
        { ...b(1), prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, cached_read_tokens: 0 },
        { ...b(2), prompt_tokens: 40, completion_tokens: 20, total_tokens: 60, cached_read_tokens: 5 },
      ],
    },
    latency: { bucket_size_seconds: 60, buckets: [{ ...b(0), ...lat(100, 90, 150, 3) }, { ...b(1), ...none }, { ...b(2), ...lat(200, 180, 400, 4) }] },
    pLatency: { bucket_size_seconds: 60, providers: ["p"], buckets: [{ ...b(0), by_provider: { p: lat(100, 90, 150, 3) } }, { ...b(1), by_provider: {} }, { ...b(2), by_provider: { p: lat(200, 180, 400, 4) } }] },
    pTokens: { bucket_size_seconds: 60, providers: ["p"], buckets: [{ ...b(0), by_provider: { p: { prompt_tokens: 30, completion_tokens: 15, total_tokens: 45 } } }, { ...b(1), by_provider: {} }, { ...b(2), by_provider: { p: { prompt_tokens: 40, completion_tokens: 20, total_tokens: 60 } } }] },
    pCost: { bucket_size_seconds: 60, providers: ["p", "q"], buckets: [{ ...b(0), total_cost: 0.5, by_provider: { p: 0.5 } }, { ...b(1), total_cost: 0, by_provider: {} }, { ...b(2), total_cost: 0.25, by_provider: { q: 0.25 } }] },
  };
}

const m = toMetrics({ start: T + 30_000, end: T + 2 * 60_000 + 15_000 }, answers());

test("totals for the range: requests by outcome, success rate, latency weighted by requests, tokens, cost", () => {
  expect(m.totals).toEqual({
    requests: 7,
    success: 5,
    errors: 1,
    cancelled: 1,
    successRate: 5 / 7,
    avgLatency: (100 * 3 + 200 * 4) / 7,
    tokens: 105,
    promptTokens: 70,
    completionTokens: 35,
    cost: 0.75,
  });
});

test("rates divide by the seconds of each bucket inside the range (the first and last are partial)", () => {
  expect(m.requests[0]).toEqual([T / 1000, T / 1000 + 60, T / 1000 + 120]);
  expect(m.requests[1]).toEqual([3 / 30, 0, 2 / 15]); // success per second
  expect(m.requests[2]).toEqual([0, 0, 1 / 15]); // errors per second
});

test("a bucket without requests is a gap in the error rate and the latency, a zero elsewhere", () => {
  expect(m.errorRate[1]).toEqual([0, null, 25]);
  expect(m.latency.slice(1)).toEqual([
    [90, null, 180],
    [150, null, 400],
  ]);
  expect(m.tokens.slice(1)).toEqual([
    [30, 0, 40],
    [15, 0, 20],
  ]);
});

test("providers and models are every name any answer gives, each with its own series and totals", () => {
  expect(m.providers).toEqual(["p", "q"]);
  expect(m.byProvider.cost.slice(1)).toEqual([
    [0.5, 0, 0],
    [0, 0, 0.25],
  ]);
  expect(m.byProvider.totals).toEqual([
    { name: "p", requests: 7, tokens: 105, cost: 0.5 },
    { name: "q", requests: 0, tokens: 0, cost: 0.25 },
  ]);
  expect(m.models).toEqual(["a", "b"]);
  expect(m.byModel.totals).toEqual([
    { name: "a", requests: 4, errors: 1, cost: 0.75 },
    { name: "b", requests: 3, errors: 0, cost: 0 },
  ]);
});
