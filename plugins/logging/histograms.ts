/**
 * Go Bifrost's /api/logs/histogram/* series — tokens, cost, models, latency, and cost, tokens and
 * latency by provider — in Go's shapes: the SQL for both dialects, the rows shaped into the answers
 * with every bucket of the range present (Go's generateBucketTimestamps), and the routes.
 *
 * Latency percentiles are computed by the database, so no list of latencies is loaded into JS:
 * PostgreSQL's percentile_cont, and on SQLite each bucket's rows ranked by a window function, the
 * percentile interpolated between the two ranks around it (the same value percentile_cont gives).
 * The work is bounded by the range: the bucket width grows with it (query.ts bucketSeconds).
 */
import type { PluginRoute } from "bifrost/plugin";
import { bucketSeconds, parseFilters } from "./query";
import { Statement, whereClause, type Dialect, type Query } from "./sql";
import type { HistogramBucket, LogFilters, LogStore } from "./store";

/** The grouped rows a store returns for one of the histograms (`LogStore.series`). */
export type HistogramSeries = "tokens" | "tokens_by_provider" | "cost_by_model" | "cost_by_provider" | "models" | "latency" | "latency_by_provider";

type Row = Record<string, unknown>;

/** Go's p90/p95/p99, plus p50 (ours: the dashboard charts the median). */
const PERCENTILES = [
  ["p50_latency", 0.5],
  ["p90_latency", 0.9],
  ["p95_latency", 0.95],
  ["p99_latency", 0.99],
] as const;

/** More buckets than this are not filled with empty ones (a range of centuries at 30-day buckets). */
const MAX_FILLED_BUCKETS = 10_000;

export function selectSeries(dialect: Dialect, series: HistogramSeries, f: LogFilters, bucketSecs: number): Query {
  const s = new Statement(dialect);
  const width = Math.trunc(bucketSecs) * 1000;
  const bucket = `(timestamp_ms / ${width}) * ${width}`;
  const where = whereClause(f, s);
  const also = (cond: string) => (where ? `${where} AND ${cond}` : ` WHERE ${cond}`);
  const grouped = (group: string | null, columns: string, filter = where) => {
    const grp = group ? `, ${group} AS grp` : "";
    const by = group ? "bucket, grp" : "bucket";
    return `SELECT ${bucket} AS bucket${grp}, ${columns} FROM logs${filter} GROUP BY ${by} ORDER BY ${by}`;
  };
  const tokens = "SUM(prompt_tokens) AS prompt_tokens, SUM(completion_tokens) AS completion_tokens, SUM(total_tokens) AS total_tokens";
  let sql: string;
  switch (series) {
    case "tokens":
      sql = grouped(null, `${tokens}, SUM(cached_read_tokens) AS cached_read_tokens`);
      break;
    case "tokens_by_provider":
      sql = grouped("provider", tokens);
      break;
    // Go counts only priced requests (cost > 0) in the cost histograms.
    case "cost_by_model":
      sql = grouped("model", "SUM(cost) AS total_cost", also("cost IS NOT NULL AND cost > 0"));
      break;
    case "cost_by_provider":
      sql = grouped("provider", "SUM(cost) AS total_cost", also("cost IS NOT NULL AND cost > 0"));
      break;
    case "models":
      sql = grouped(
        "model",
        `COUNT(*) AS total, SUM(CASE WHEN status = 'success' THEN 1 ELSE 0 END) AS success,
        SUM(CASE WHEN status = 'error' THEN 1 ELSE 0 END) AS error, SUM(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END) AS cancelled`,
      );
      break;
    case "latency":
    case "latency_by_provider": {
      const group = series === "latency_by_provider" ? "provider" : null;
      sql = dialect === "postgres" ? latencyPostgres(grouped, group) : latencySqlite(bucket, width, group, where);
      break;
    }
  }
  return { sql, params: s.params };
}

function latencyPostgres(grouped: (group: string | null, columns: string) => string, group: string | null): string {
  const pcts = PERCENTILES.map(([name, p]) => `percentile_cont(${p}) WITHIN GROUP (ORDER BY latency) AS ${name}`).join(", ");
  return grouped(group, `COUNT(*) AS total_requests, AVG(latency) AS avg_latency, ${pcts}`);
}

/**
 * SQLite has no percentile_cont: rank each bucket's latencies (i from 0, n of them), then for
 * percentile p at position r = p·(n−1) take v[⌊r⌋]·(1−frac) + v[⌊r⌋+1]·frac — linear interpolation,
 * as percentile_cont and Go's computePercentile do. CAST truncates, which is ⌊r⌋ for r ≥ 0.
 */
function latencySqlite(bucket: string, width: number, group: string | null, where: string): string {
  const partition = group ? `timestamp_ms / ${width}, ${group}` : `timestamp_ms / ${width}`;
  const grp = group ? `, ${group} AS grp` : "";
  const by = group ? "bucket, grp" : "bucket";
  const pcts = PERCENTILES.map(([name, p]) => {
    const r = `(${p} * (n - 1))`;
    const lo = `CAST(${r} AS INTEGER)`;
    const frac = `(${r} - ${lo})`;
    return `SUM(CASE WHEN i = ${lo} THEN latency * (1 - ${frac}) WHEN i = ${lo} + 1 THEN latency * ${frac} ELSE 0 END) AS ${name}`;
  }).join(",\n    ");
  return `WITH ranked AS (
    SELECT ${bucket} AS bucket${grp}, latency,
      ROW_NUMBER() OVER (PARTITION BY ${partition} ORDER BY latency) - 1 AS i,
      COUNT(*) OVER (PARTITION BY ${partition}) AS n
    FROM logs${where ? `${where} AND latency IS NOT NULL` : " WHERE latency IS NOT NULL"}
  )
  SELECT ${by}, COUNT(*) AS total_requests, AVG(latency) AS avg_latency,
    ${pcts}
  FROM ranked GROUP BY ${by} ORDER BY ${by}`;
}

/** Go's generateBucketTimestamps (epoch ms): every bucket start from the range's start to its end; none without both ends. */
export function bucketStarts(f: LogFilters, bucketSecs: number): number[] {
  if (f.startTime === undefined || f.endTime === undefined) return [];
  const width = bucketSecs * 1000;
  const first = Math.floor(f.startTime / width) * width;
  if ((f.endTime - first) / width >= MAX_FILLED_BUCKETS) return [];
  const out: number[] = [];
  for (let t = first; t <= f.endTime; t += width) out.push(t);
  return out;
}

/** Buckets in time order, the range's empty ones included: `make` starts one, `add` folds a row into it. */
function assemble<B>(rows: Row[], f: LogFilters, bucketSecs: number, make: (ts: number) => B, add: (b: B, r: Row) => void): Array<B & { timestamp: string }> {
  const byTime = new Map<number, B>();
  for (const ts of bucketStarts(f, bucketSecs)) byTime.set(ts, make(ts));
  for (const r of rows) {
    const ts = Number(r.bucket);
    let b = byTime.get(ts);
    if (!b) byTime.set(ts, (b = make(ts)));
    add(b, r);
  }
  return [...byTime.entries()].sort((a, b) => a[0] - b[0]).map(([ts, b]) => ({ timestamp: new Date(ts).toISOString(), ...b }));
}

/** The names seen (models or providers), sorted. */
const names = (rows: Row[]) => [...new Set(rows.map((r) => String(r.grp)))].sort();
const num = (v: unknown) => Number(v ?? 0);

/** The plain histogram's buckets with the range's empty ones added, as Go answers. */
export function withEmptyBuckets(buckets: HistogramBucket[], f: LogFilters, bucketSecs: number) {
  const rows = buckets.map((b) => ({ ...b, bucket: b.timestamp }));
  return assemble(rows, f, bucketSecs, () => ({ count: 0, success: 0, error: 0, cancelled: 0 }), (b, r) => {
    b.count = num(r.count);
    b.success = num(r.success);
    b.error = num(r.error);
    b.cancelled = num(r.cancelled);
  });
}

const latencyStats = (r: Row) => ({
  avg_latency: num(r.avg_latency),
  p50_latency: num(r.p50_latency),
  p90_latency: num(r.p90_latency),
  p95_latency: num(r.p95_latency),
  p99_latency: num(r.p99_latency),
  total_requests: num(r.total_requests),
});
const noLatency = () => ({ avg_latency: 0, p50_latency: 0, p90_latency: 0, p95_latency: 0, p99_latency: 0, total_requests: 0 });

/** Each endpoint: the series it reads and how its rows become Go's answer. */
const ENDPOINTS: Array<{ path: string; what: string; series: HistogramSeries; answer: (rows: Row[], f: LogFilters, size: number) => { buckets: unknown[]; models?: string[]; providers?: string[] } }> = [
  {
    path: "/api/logs/histogram/tokens",
    what: "token histogram",
    series: "tokens",
    answer: (rows, f, size) => ({
      buckets: assemble(rows, f, size, () => ({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, cached_read_tokens: 0 }), (b, r) => {
        b.prompt_tokens = num(r.prompt_tokens);
        b.completion_tokens = num(r.completion_tokens);
        b.total_tokens = num(r.total_tokens);
        b.cached_read_tokens = num(r.cached_read_tokens);
      }),
    }),
  },
  {
    path: "/api/logs/histogram/cost",
    what: "cost histogram",
    series: "cost_by_model",
    answer: (rows, f, size) => ({
      buckets: assemble(rows, f, size, () => ({ total_cost: 0, by_model: {} as Record<string, number> }), (b, r) => {
        b.total_cost += num(r.total_cost);
        b.by_model[String(r.grp)] = num(r.total_cost);
      }),
      models: names(rows),
    }),
  },
  {
    path: "/api/logs/histogram/models",
    what: "model histogram",
    series: "models",
    answer: (rows, f, size) => ({
      buckets: assemble(rows, f, size, () => ({ by_model: {} as Record<string, { total: number; success: number; error: number; cancelled: number }> }), (b, r) => {
        b.by_model[String(r.grp)] = { total: num(r.total), success: num(r.success), error: num(r.error), cancelled: num(r.cancelled) };
      }),
      models: names(rows),
    }),
  },
  {
    path: "/api/logs/histogram/latency",
    what: "latency histogram",
    series: "latency",
    answer: (rows, f, size) => ({ buckets: assemble(rows, f, size, noLatency, (b, r) => Object.assign(b, latencyStats(r))) }),
  },
  {
    path: "/api/logs/histogram/cost/by-provider",
    what: "provider cost histogram",
    series: "cost_by_provider",
    answer: (rows, f, size) => ({
      buckets: assemble(rows, f, size, () => ({ total_cost: 0, by_provider: {} as Record<string, number> }), (b, r) => {
        b.total_cost += num(r.total_cost);
        b.by_provider[String(r.grp)] = num(r.total_cost);
      }),
      providers: names(rows),
    }),
  },
  {
    path: "/api/logs/histogram/tokens/by-provider",
    what: "provider token histogram",
    series: "tokens_by_provider",
    answer: (rows, f, size) => ({
      buckets: assemble(rows, f, size, () => ({ by_provider: {} as Record<string, { prompt_tokens: number; completion_tokens: number; total_tokens: number }> }), (b, r) => {
        b.by_provider[String(r.grp)] = { prompt_tokens: num(r.prompt_tokens), completion_tokens: num(r.completion_tokens), total_tokens: num(r.total_tokens) };
      }),
      providers: names(rows),
    }),
  },
  {
    path: "/api/logs/histogram/latency/by-provider",
    what: "provider latency histogram",
    series: "latency_by_provider",
    answer: (rows, f, size) => ({
      buckets: assemble(rows, f, size, () => ({ by_provider: {} as Record<string, ReturnType<typeof latencyStats>> }), (b, r) => {
        b.by_provider[String(r.grp)] = latencyStats(r);
      }),
      providers: names(rows),
    }),
  },
];

/** routes.ts's wrapper: 400 for a bad query, 500 without internals when the store fails. */
export type Guarded = (
  what: string,
  handle: (q: URLSearchParams, params: Record<string, string>, request: Request) => Promise<Response>,
) => (request: Request, params: Record<string, string>) => Promise<Response>;

/** GET /api/logs/histogram/{tokens,cost,models,latency} and {cost,tokens,latency}/by-provider; the filters are /api/logs's. */
export function histogramRoutes(store: LogStore, guarded: Guarded): PluginRoute[] {
  return ENDPOINTS.map((e) => ({
    method: "GET",
    path: e.path,
    handle: guarded(`log ${e.what}`, async (q) => {
      const filters = parseFilters(q);
      const size = bucketSeconds(filters.startTime, filters.endTime);
      const { buckets, ...names } = e.answer(await store.series(e.series, filters, size), filters, size);
      return Response.json({ buckets, bucket_size_seconds: size, ...names });
    }),
  }));
}
