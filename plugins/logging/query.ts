/**
 * Go Bifrost's /api/logs query parameters as filters and a page. Where Go silently ignores a bad
 * value, we answer 400 with what was wrong (a typo should not quietly widen a search).
 */
import type { LogFilters, Page, SortBy } from "./store";

export class QueryError extends Error {
  constructor(
    message: string,
    readonly param: string,
  ) {
    super(message);
  }
}

const SORTS: readonly SortBy[] = ["timestamp", "latency", "tokens", "cost"];
export const MAX_LIMIT = 1000;

function list(q: URLSearchParams, name: string): string[] | undefined {
  const raw = q.get(name);
  if (!raw) return undefined;
  const items = raw.split(",").map((s) => s.trim()).filter(Boolean);
  return items.length ? items : undefined;
}

function num(q: URLSearchParams, name: string, integer = false): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) throw new QueryError(`${name} must be ${integer ? "an integer" : "a number"}, got "${raw}"`, name);
  return n;
}

/** RFC 3339 (what Go accepts), or a unix time: seconds, or ms when it has 13 digits or more. Epoch ms. */
export function parseTime(raw: string, name: string): number {
  const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
  const ms = /^\d+$/.test(raw) ? (raw.length >= 13 ? Number(raw) : Number(raw) * 1000) : rfc3339.test(raw) ? Date.parse(raw) : NaN;
  // A time a Date cannot hold (past the year 275760) would fail later, when the answer is written.
  if (Number.isNaN(ms) || Number.isNaN(new Date(ms).getTime())) throw new QueryError(`${name} must be an RFC 3339 time (2026-01-02T15:04:05Z) or a unix time, got "${raw}"`, name);
  return ms;
}

function time(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  return raw ? parseTime(raw, name) : undefined;
}

export function parseFilters(q: URLSearchParams): LogFilters {
  const missing = q.get("missing_cost_only");
  if (missing && missing !== "true" && missing !== "false") throw new QueryError(`missing_cost_only must be true or false, got "${missing}"`, "missing_cost_only");
  const f: LogFilters = {
    providers: list(q, "providers"),
    models: list(q, "models"),
    status: list(q, "status"),
    objects: list(q, "objects"),
    selectedKeys: list(q, "selected_key_ids"),
    virtualKeys: list(q, "virtual_key_ids"),
    batchIds: list(q, "batch_ids"),
    startTime: time(q, "start_time"),
    endTime: time(q, "end_time"),
    minLatency: num(q, "min_latency"),
    maxLatency: num(q, "max_latency"),
    minTokens: num(q, "min_tokens", true),
    maxTokens: num(q, "max_tokens", true),
    minCost: num(q, "min_cost"),
    maxCost: num(q, "max_cost"),
    missingCostOnly: missing === "true",
    contentSearch: q.get("content_search") || undefined,
  };
  return f;
}

export function parsePage(q: URLSearchParams): Page {
  const limit = num(q, "limit", true) ?? 50;
  if (limit < 1) throw new QueryError("limit must be greater than 0", "limit");
  if (limit > MAX_LIMIT) throw new QueryError(`limit cannot exceed ${MAX_LIMIT}`, "limit");
  const offset = num(q, "offset", true) ?? 0;
  if (offset < 0) throw new QueryError("offset cannot be negative", "offset");
  const sortBy = q.get("sort_by") || "timestamp";
  if (!SORTS.includes(sortBy as SortBy)) throw new QueryError(`sort_by must be one of ${SORTS.join(", ")}, got "${sortBy}"`, "sort_by");
  const order = q.get("order") || "desc";
  if (order !== "asc" && order !== "desc") throw new QueryError(`order must be 'asc' or 'desc', got "${order}"`, "order");
  return { limit, offset, sortBy: sortBy as SortBy, order };
}

/** Go's calculateBucketSize: the histogram's bucket width in seconds for the time range. */
export function bucketSeconds(start: number | undefined, end: number | undefined): number {
  if (start === undefined || end === undefined) return 3600;
  const h = (end - start) / 3_600_000;
  const d = h / 24;
  if (d >= 365) return 30 * 86400;
  if (d >= 90) return 7 * 86400;
  if (d > 31) return 3 * 86400;
  if (d >= 7) return 86400;
  if (d >= 3) return 8 * 3600;
  if (h >= 24) return 3600;
  if (h >= 2) return 600;
  return 60;
}
