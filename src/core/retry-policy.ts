/** What to do after a failed attempt: the Go Bifrost's rules, and the backoff between attempts. */
import type { BifrostError } from "../schemas/error";

export type Verdict =
  /** Try again with the same key, after a backoff. */
  | "retry_same_key"
  /** Try again with another key (429): this key is rate-limited. */
  | "rotate_key"
  /** Drop this key for this request (401/403) and try another. */
  | "drop_key"
  /** Do not retry on this provider. */
  | "stop";

export function verdictFor(e: BifrostError): Verdict {
  const s = e.status;
  if (s === 499) return "stop"; // the client left
  if (s === 429) return "rotate_key";
  if (s === 401 || s === 403) return "drop_key";
  if (s === 400 || s === 404 || s === 413 || s === 422) return "stop";
  if (s >= 500 || s === 408) return "retry_same_key";
  return "stop";
}

/** Failures that say the key/provider is unhealthy (they count towards opening its circuit). */
export function countsAsFailure(e: BifrostError): boolean {
  return e.status >= 500 && e.status !== 501;
}

/** min(initial·2^attempt, max) with ±20% jitter; a Retry-After from the upstream wins when longer. */
export function backoffMs(attempt: number, initialMs: number, maxMs: number, retryAfterMs?: number, rand: () => number = Math.random): number {
  const base = Math.min(initialMs * 2 ** attempt, maxMs);
  const jittered = base * (0.8 + 0.4 * rand());
  return Math.round(retryAfterMs !== undefined ? Math.max(jittered, retryAfterMs) : jittered);
}

/** Retry-After: delta-seconds or an HTTP date. Capped so one header cannot park a request for long. */
export function parseRetryAfter(value: string | null, now = Date.now(), capMs = 60_000): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  const ms = Number.isFinite(secs) ? secs * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  return Math.min(ms, capMs);
}
