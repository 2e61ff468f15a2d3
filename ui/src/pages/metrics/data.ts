/**
 * The metrics page's data: the time ranges it offers, and Go Bifrost's /api/logs/histogram/* answers
 * for a range and filters (series.ts makes them charts and totals). Everything comes from the
 * histograms, which the logging plugin reads off the gateway's request thread on SQLite.
 */
import { api, query } from "../../api";
import { toMetrics, type CostHistogram, type LatencyHistogram, type Metrics, type ModelHistogram, type ProviderCostHistogram, type ProviderLatencyHistogram, type ProviderTokenHistogram, type TokenHistogram } from "./series";

const MIN = 60_000;
const HOUR = 60 * MIN;

export const RANGES = [
  { id: "15m", label: "15 min", ms: 15 * MIN, refreshMs: 10_000 },
  { id: "1h", label: "1 h", ms: HOUR, refreshMs: 10_000 },
  { id: "6h", label: "6 h", ms: 6 * HOUR, refreshMs: 10_000 },
  // Hour and day buckets: a minute between refreshes is plenty, and spares the store a week's scan every 10 s.
  { id: "24h", label: "24 h", ms: 24 * HOUR, refreshMs: 60_000 },
  { id: "7d", label: "7 d", ms: 7 * 24 * HOUR, refreshMs: 60_000 },
] as const;
export type RangeId = (typeof RANGES)[number]["id"];
export const DEFAULT_RANGE: RangeId = "1h";

export function rangeOf(id: string | null): (typeof RANGES)[number] {
  return RANGES.find((r) => r.id === id) ?? RANGES.find((r) => r.id === DEFAULT_RANGE)!;
}

export interface Filters {
  start: number;
  end: number;
  provider?: string;
  model?: string;
}

export async function loadMetrics(f: Filters, signal?: AbortSignal): Promise<Metrics> {
  const q = query({ start_time: new Date(f.start).toISOString(), end_time: new Date(f.end).toISOString(), providers: f.provider, models: f.model });
  const get = <T>(path: string) => api.get<T>(`/api/logs/histogram/${path}${q}`, { signal });
  const [models, cost, tokens, latency, pLatency, pTokens, pCost] = await Promise.all([
    get<ModelHistogram>("models"),
    get<CostHistogram>("cost"),
    get<TokenHistogram>("tokens"),
    get<LatencyHistogram>("latency"),
    get<ProviderLatencyHistogram>("latency/by-provider"),
    get<ProviderTokenHistogram>("tokens/by-provider"),
    get<ProviderCostHistogram>("cost/by-provider"),
  ]);
  return toMetrics(f, { models, cost, tokens, latency, pLatency, pTokens, pCost });
}

