/**
 * The Logs page's filters: read from and written to the hash query (#/logs?status=error&period=1h) so
 * a view can be linked, turned into /api/logs parameters (Go's names), and matched against a row
 * arriving on the live feed the way the API would match it. No imports: unit tests run it outside the browser.
 */
import type { LogEntry } from "./types";

export const PERIODS = [
  { id: "15m", label: "Last 15 minutes", ms: 15 * 60_000 },
  { id: "1h", label: "Last hour", ms: 3_600_000 },
  { id: "24h", label: "Last 24 hours", ms: 86_400_000 },
  { id: "7d", label: "Last 7 days", ms: 7 * 86_400_000 },
] as const;

export const STATUSES = ["success", "error", "cancelled"] as const;

export interface Filters {
  providers: string[];
  models: string[];
  status: string[];
  virtual_key_ids: string[];
  content_search: string;
  /** A PERIODS id: the window ends now, whenever "now" is. */
  period: string;
  /** A custom window (ISO times); used when no period is set. */
  start_time: string;
  end_time: string;
}

const LISTS = ["providers", "models", "status", "virtual_key_ids"] as const;
const TEXTS = ["content_search", "period", "start_time", "end_time"] as const;

const list = (raw: string | null) => (raw ? raw.split(",").map((s) => s.trim()).filter(Boolean) : []);

export function filtersFrom(params: URLSearchParams): Filters {
  const f = {} as Filters;
  for (const k of LISTS) f[k] = list(params.get(k));
  for (const k of TEXTS) f[k] = params.get(k)?.trim() ?? "";
  return f;
}

/** The hash query for these filters ("" when none is set), in a fixed order so equal filters make equal links. */
export function filterQuery(f: Filters): string {
  const q = new URLSearchParams();
  for (const k of LISTS) if (f[k].length) q.set(k, f[k].join(","));
  for (const k of TEXTS) if (f[k] && !(f.period && (k === "start_time" || k === "end_time"))) q.set(k, f[k]);
  const s = q.toString();
  return s ? `?${s}` : "";
}

export function activeCount(f: Filters): number {
  return LISTS.filter((k) => f[k].length).length + (f.content_search ? 1 : 0) + (f.period || f.start_time || f.end_time ? 1 : 0);
}

/** The time window in epoch ms (either end may be open). */
export function timeWindow(f: Filters, now: number): { start?: number; end?: number } {
  const p = PERIODS.find((x) => x.id === f.period);
  if (p) return { start: now - p.ms };
  const ms = (s: string) => {
    const t = s ? Date.parse(s) : NaN;
    return Number.isNaN(t) ? undefined : t;
  };
  return { start: ms(f.start_time), end: ms(f.end_time) };
}

/** GET /api/logs parameters for the filters (Go's names; times as RFC 3339). */
export function apiParams(f: Filters, now: number): Record<string, string | string[] | undefined> {
  const w = timeWindow(f, now);
  return {
    providers: f.providers,
    models: f.models,
    status: f.status,
    virtual_key_ids: f.virtual_key_ids,
    content_search: f.content_search || undefined,
    start_time: w.start === undefined ? undefined : new Date(w.start).toISOString(),
    end_time: w.end === undefined ? undefined : new Date(w.end).toISOString(),
  };
}

const NOT_TEXT = new Set(["role", "type", "id", "tool_call_id", "finish_reason"]);

/** The text content_search looks in, as the store builds it: strings of input and output (no JSON keys), and the error. */
function searchText(e: LogEntry): string {
  const parts: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === "string") parts.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) if (!NOT_TEXT.has(k)) walk(x);
  };
  walk(e.input_history);
  walk(e.output_message);
  if (e.error_details?.error?.message) parts.push(e.error_details.error.message);
  return parts.join("\n").toLowerCase();
}

/** Whether the API would list this row under these filters (for rows arriving on the live feed). */
export function matches(e: LogEntry, f: Filters, now: number): boolean {
  if (f.providers.length && !f.providers.includes(e.provider)) return false;
  if (f.models.length && !f.models.includes(e.model)) return false;
  if (f.status.length && !f.status.includes(e.status)) return false;
  if (f.virtual_key_ids.length && !(e.virtual_key_id && f.virtual_key_ids.includes(e.virtual_key_id))) return false;
  const w = timeWindow(f, now);
  const t = Date.parse(e.timestamp);
  if (w.start !== undefined && t < w.start) return false;
  if (w.end !== undefined && t > w.end) return false;
  // A row whose content was not logged still has its error text searched, as in the store.
  return !f.content_search || searchText(e).includes(f.content_search.toLowerCase());
}
