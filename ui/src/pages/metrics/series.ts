/**
 * Go Bifrost's /api/logs/histogram/* answers (ui/lib/types/logs.ts in Go; p50_latency is ours) turned
 * into chart columns (one x array of bucket starts, then one array per line) and the range's totals.
 * Pure, so tests/unit/metrics-series.test.ts feeds it answers.
 */

interface Buckets<B> {
  buckets: Array<B & { timestamp: string }>;
  bucket_size_seconds: number;
}
export interface Latency {
  avg_latency: number;
  p50_latency: number;
  p90_latency: number;
  p95_latency: number;
  p99_latency: number;
  total_requests: number;
}
export type ModelHistogram = Buckets<{ by_model: Record<string, { total: number; success: number; error: number; cancelled: number }> }> & { models: string[] };
export type CostHistogram = Buckets<{ total_cost: number; by_model: Record<string, number> }> & { models: string[] };
export type TokenHistogram = Buckets<{ prompt_tokens: number; completion_tokens: number; total_tokens: number; cached_read_tokens: number }>;
export type LatencyHistogram = Buckets<Latency>;
export type ProviderCostHistogram = Buckets<{ total_cost: number; by_provider: Record<string, number> }> & { providers: string[] };
export type ProviderTokenHistogram = Buckets<{ by_provider: Record<string, { prompt_tokens: number; completion_tokens: number; total_tokens: number }> }> & { providers: string[] };
export type ProviderLatencyHistogram = Buckets<{ by_provider: Record<string, Latency> }> & { providers: string[] };

/** A chart's data: x (bucket starts, unix seconds) then one array per series; null is a gap. */
export type Columns = [number[], ...Array<Array<number | null>>];

/** A provider's or a model's totals for the range. */
export interface ProviderTotal {
  name: string;
  requests: number;
  tokens: number;
  cost: number;
}
export interface ModelTotal {
  name: string;
  requests: number;
  errors: number;
  cost: number;
}

export interface Metrics {
  bucketSeconds: number;
  totals: { requests: number; success: number; errors: number; cancelled: number; successRate: number | null; avgLatency: number | null; tokens: number; promptTokens: number; completionTokens: number; cost: number };
  /** x, success/s, errors/s. */
  requests: Columns;
  /** x, % of requests that failed. */
  errorRate: Columns;
  /** x, p50, p99 (ms). */
  latency: Columns;
  /** x, prompt, completion tokens. */
  tokens: Columns;
  /** x, USD. */
  cost: Columns;
  providers: string[];
  byProvider: { requests: Columns; latency: Columns; tokens: Columns; cost: Columns; totals: ProviderTotal[] };
  models: string[];
  byModel: { requests: Columns; cost: Columns; totals: ModelTotal[] };
}

export interface Answers {
  models: ModelHistogram;
  cost: CostHistogram;
  tokens: TokenHistogram;
  latency: LatencyHistogram;
  pLatency: ProviderLatencyHistogram;
  pTokens: ProviderTokenHistogram;
  pCost: ProviderCostHistogram;
}

/** `range` is the one asked for (epoch ms): its first and last buckets are partly outside it. */
export function toMetrics(range: { start: number; end: number }, a: Answers): Metrics {
  const size = a.models.bucket_size_seconds;
  // Every answer has the same buckets (same range, same width); each is read by its own timestamps anyway.
  const times = a.models.buckets.map((b) => Date.parse(b.timestamp));
  const x = times.map((t) => t / 1000);
  const index = new Map(times.map((t, i) => [t, i]));
  /** One value per bucket of x from an answer's buckets (absent → `empty`). */
  const column = <B extends { timestamp: string }>(buckets: B[], pick: (b: B) => number | null, empty: number | null = 0): Array<number | null> => {
    const out: Array<number | null> = x.map(() => empty);
    for (const b of buckets) {
      const i = index.get(Date.parse(b.timestamp));
      if (i !== undefined) out[i] = pick(b);
    }
    return out;
  };
  // The seconds of each bucket inside the range: the first and the current one are partly outside it.
  const seconds = times.map((t) => Math.max(1, (Math.min(t + size * 1000, range.end) - Math.max(t, range.start)) / 1000));
  const perSecond = (counts: Array<number | null>) => counts.map((n, i) => (n === null ? null : n / seconds[i]!));
  const sum = (values: Array<number | null>) => values.reduce<number>((s, v) => s + (v ?? 0), 0);

  const modelCounts = (b: ModelHistogram["buckets"][number], k: "total" | "success" | "error" | "cancelled") => Object.values(b.by_model).reduce((s, m) => s + m[k], 0);
  const total = column(a.models.buckets, (b) => modelCounts(b, "total"));
  const success = column(a.models.buckets, (b) => modelCounts(b, "success"));
  const errors = column(a.models.buckets, (b) => modelCounts(b, "error"));
  const cancelled = column(a.models.buckets, (b) => modelCounts(b, "cancelled"));
  const errorRate = total.map((n, i) => (n ? (errors[i]! / n) * 100 : null));

  const requested = (l: Latency) => l.total_requests > 0;
  const p50 = column(a.latency.buckets, (b) => (requested(b) ? b.p50_latency : null), null);
  const p99 = column(a.latency.buckets, (b) => (requested(b) ? b.p99_latency : null), null);
  const latencyWeight = a.latency.buckets.reduce((s, b) => s + b.total_requests, 0);
  const latencySum = a.latency.buckets.reduce((s, b) => s + b.avg_latency * b.total_requests, 0);

  const prompt = column(a.tokens.buckets, (b) => b.prompt_tokens);
  const completion = column(a.tokens.buckets, (b) => b.completion_tokens);
  const tokensTotal = sum(column(a.tokens.buckets, (b) => b.total_tokens));
  const cost = column(a.cost.buckets, (b) => b.total_cost);

  const providers = [...new Set([...a.pLatency.providers, ...a.pTokens.providers, ...a.pCost.providers])].sort();
  const pRequests = providers.map((p) => column(a.pLatency.buckets, (b) => b.by_provider[p]?.total_requests ?? 0));
  const pTokens = providers.map((p) => column(a.pTokens.buckets, (b) => b.by_provider[p]?.total_tokens ?? 0));
  const pCost = providers.map((p) => column(a.pCost.buckets, (b) => b.by_provider[p] ?? 0));

  const models = [...new Set([...a.models.models, ...a.cost.models])].sort();
  const mRequests = models.map((m) => column(a.models.buckets, (b) => b.by_model[m]?.total ?? 0));
  const mErrors = models.map((m) => sum(column(a.models.buckets, (b) => b.by_model[m]?.error ?? 0)));
  const mCost = models.map((m) => column(a.cost.buckets, (b) => b.by_model[m] ?? 0));

  const requests = sum(total);
  return {
    bucketSeconds: size,
    totals: {
      requests,
      success: sum(success),
      errors: sum(errors),
      cancelled: sum(cancelled),
      successRate: requests ? sum(success) / requests : null,
      avgLatency: latencyWeight ? latencySum / latencyWeight : null,
      tokens: tokensTotal,
      promptTokens: sum(prompt),
      completionTokens: sum(completion),
      cost: sum(cost),
    },
    requests: [x, perSecond(success), perSecond(errors)],
    errorRate: [x, errorRate],
    latency: [x, p50, p99],
    tokens: [x, prompt, completion],
    cost: [x, cost],
    providers,
    byProvider: {
      requests: [x, ...pRequests.map(perSecond)],
      latency: [x, ...providers.map((p) => column(a.pLatency.buckets, (b) => (b.by_provider[p]?.total_requests ? b.by_provider[p]!.p99_latency : null), null))],
      tokens: [x, ...pTokens],
      cost: [x, ...pCost],
      totals: providers.map((name, i) => ({ name, requests: sum(pRequests[i]!), tokens: sum(pTokens[i]!), cost: sum(pCost[i]!) })),
    },
    models,
    byModel: {
      requests: [x, ...mRequests.map(perSecond)],
      cost: [x, ...mCost],
      totals: models.map((name, i) => ({ name, requests: sum(mRequests[i]!), errors: mErrors[i]!, cost: sum(mCost[i]!) })),
    },
  };
}
