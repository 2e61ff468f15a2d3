/**
 * The counters governance enforces with: budgets (USD) and rate limits (requests, tokens), each a
 * Limit with an optional reset window. A request reserves on every limit that applies, all at once
 * or not at all; after the call it commits the actual amounts (or releases on failure). Two
 * implementations: memory (one process; usage persisted to SQLite) and Redis (replicas; atomic Lua).
 */

/** Go Bifrost's reset durations: 1m 1h 1d 1w 1M 1Q 1Y (any positive count: "30s", "15m", "2h", "7d" too). */
export interface WindowSpec {
  /** e.g. "1m", "1h", "1d", "1w", "1M", "1Q", "1Y". */
  duration: string;
  /** Windows start at calendar boundaries (the hour, midnight UTC, Monday, the 1st of the month, the quarter, Jan 1) instead of at the first use. */
  calendarAligned?: boolean;
}

export interface Limit {
  /** Stable counter id, e.g. "budget:<budget id>", "rl:<rate limit id>:requests", "rl:<rate limit id>:tokens". */
  id: string;
  /** The most the window may use (USD for budgets, a count for rate limits). */
  max: number;
  /** null: never resets. */
  window: WindowSpec | null;
}

export interface ReserveItem {
  limit: Limit;
  /** What this request takes from it now (an estimate for cost and tokens, 1 for a request count). */
  amount: number;
}

/** What a reservation holds, to commit or release it later (plain data: it may cross processes). */
export interface ReservationToken {
  items: Array<{ limitId: string; windowKey: string; amount: number; expiresAt: number | null }>;
}

export type ReserveResult =
  | { ok: true; token: ReservationToken }
  /** Nothing was reserved: `limit` is the first that had no room; `resetAt` (epoch ms) when its window ends, null if never. */
  | { ok: false; limit: Limit; used: number; resetAt: number | null };

export interface CounterStore {
  readonly kind: "memory" | "redis";
  /** Atomically: if every item fits (used + amount ≤ max), take them all; else take nothing. */
  reserve(items: ReserveItem[], now?: number): Promise<ReserveResult>;
  /** Replace each reserved amount with the actual one (same order as the items); may go over max: the call happened. */
  commit(token: ReservationToken, actual: number[]): Promise<void>;
  /** Give the reserved amounts back (the call failed or never went out). */
  release(token: ReservationToken): Promise<void>;
  /**
   * Add usage that already happened and was never reserved (a line of a batch a provider ran on its own) to
   * each limit's current window, unconditionally: it may go over max, as a commit may.
   */
  add(items: ReserveItem[], now?: number): Promise<void>;
  /** Current use of a limit's window and when it resets. */
  usage(limit: Limit, now?: number): Promise<{ used: number; resetAt: number | null }>;
  /** Zero a limit's current window (admin reset). */
  reset(limit: Limit, now?: number): Promise<void>;
  close(): Promise<void>;
}
