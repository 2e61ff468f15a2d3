/**
 * When a budget's or rate limit's window resets. The gateway answers it (`reset_at`); an answer
 * without it (Go Bifrost's own) gives `last_reset` and the duration, and the next reset is their sum,
 * with months, quarters and years as 30, 90 and 365 days as Go Bifrost and our unaligned counters count them.
 */

const DURATION = /^([1-9][0-9]*)(s|m|h|d|w|M|Q|Y)$/;
const UNIT_MS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3, M: 30 * 86400e3, Q: 90 * 86400e3, Y: 365 * 86400e3 };
const UNIT_NAME: Record<string, string> = { s: "second", m: "minute", h: "hour", d: "day", w: "week", M: "month", Q: "quarter", Y: "year" };

export function isDuration(s: string): boolean {
  return DURATION.test(s);
}

/** "1h" → 3 600 000; null when it is not one of Go's durations. */
export function durationMs(duration: string | null | undefined): number | null {
  const m = DURATION.exec(duration ?? "");
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : null;
}

/** "1d" → "day", "30m" → "30 minutes" (for "per day", "per 30 minutes"). */
export function durationWords(duration: string | null | undefined): string {
  const m = DURATION.exec(duration ?? "");
  if (!m) return duration ?? "";
  const n = Number(m[1]);
  const unit = UNIT_NAME[m[2]!]!;
  return n === 1 ? unit : `${n} ${unit}s`;
}

/** The next reset in epoch ms: `reset_at` when answered, else last_reset + duration; null: never (or unknown). */
export function nextReset(resetAt: string | null | undefined, lastReset: string | null | undefined, duration: string | null | undefined): number | null {
  if (resetAt) {
    const t = Date.parse(resetAt);
    if (!Number.isNaN(t)) return t;
  }
  const span = durationMs(duration);
  const last = lastReset ? Date.parse(lastReset) : NaN;
  if (span === null || Number.isNaN(last)) return null;
  return last + span;
}
