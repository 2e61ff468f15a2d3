/**
 * Window math for counters: which window "now" falls in, and when it ends. Pure (no clock, no I/O),
 * so every replica computes the same window for the same instant without coordination.
 *
 * - Not aligned: fixed windows of the duration counted from the Unix epoch (1970-01-01T00:00Z).
 *   Months, quarters and years have no fixed length, so unaligned they count as 30, 90 and 365 days
 *   (Go Bifrost's approximation). Go Bifrost instead resets on a rolling "last reset + duration"
 *   basis, which needs a stored last-reset instant per counter; epoch windows need none.
 * - Calendar aligned (UTC): s/m/h/d windows are the same epoch multiples (which already fall on
 *   the minute, the hour, midnight); weeks start Monday 00:00 (ISO week), months on the 1st,
 *   quarters on Jan/Apr/Jul/Oct 1st, years on Jan 1. A count above 1 ("2w", "2M", "2Y") aligns to
 *   multiples counted from the epoch's unit: Monday 1969-12-29 for weeks, January 1970 for months
 *   and quarters, 1970 for years (so "2M" windows are Jan–Feb, Mar–Apr, …).
 */
import type { WindowSpec } from "./counters-types.ts";

export type DurationUnit = "s" | "m" | "h" | "d" | "w" | "M" | "Q" | "Y";

export interface ParsedDuration {
  count: number;
  unit: DurationUnit;
}

export interface Window {
  /** Stable name of the window for a counter key: its start in epoch ms, or "all" for a never-ending window. */
  windowKey: string;
  /** Epoch ms; 0 for a never-ending window. */
  start: number;
  /** Epoch ms when the window ends (exclusive); null if it never does. */
  resetAt: number | null;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const FIXED_MS: Record<DurationUnit, number> = {
  s: SECOND,
  m: MINUTE,
  h: HOUR,
  d: DAY,
  w: 7 * DAY,
  M: 30 * DAY,
  Q: 90 * DAY,
  Y: 365 * DAY,
};
/** Monday 1969-12-29T00:00Z: the epoch fell on a Thursday. */
const FIRST_MONDAY = -3 * DAY;
const DURATION = /^([1-9]\d{0,5})(s|m|h|d|w|M|Q|Y)$/;

const parsed = new Map<string, ParsedDuration>();

export function parseDuration(duration: string): ParsedDuration {
  // Windows are computed on every reserve; a config holds few distinct durations.
  let d = parsed.get(duration);
  if (d === undefined) {
    d = Object.freeze(readDuration(duration));
    if (parsed.size < 1000) parsed.set(duration, d);
  }
  return d;
}

function readDuration(duration: string): ParsedDuration {
  const m = DURATION.exec(typeof duration === "string" ? duration.trim() : "");
  if (!m) {
    throw new Error(
      `invalid reset duration ${JSON.stringify(duration)}: expected a positive count and a unit s m h d w M Q Y (e.g. "1h", "1d", "1M")`,
    );
  }
  return { count: Number(m[1]), unit: m[2] as DurationUnit };
}

/** The length of a duration in ms when it is counted as a fixed span (1M = 30 days, 1Q = 90, 1Y = 365). */
export function durationMs(duration: string): number {
  const d = parseDuration(duration);
  return d.count * FIXED_MS[d.unit];
}

const FOREVER: Window = { windowKey: "all", start: 0, resetAt: null };

export function windowAt(spec: WindowSpec | null, now: number): Window {
  if (spec === null) return FOREVER;
  const { count, unit } = parseDuration(spec.duration);
  if (spec.calendarAligned) {
    if (unit === "w") return fixedWindow(count * FIXED_MS.w, now, FIRST_MONDAY);
    if (unit === "M" || unit === "Q" || unit === "Y") {
      return monthWindow(count * (unit === "M" ? 1 : unit === "Q" ? 3 : 12), now);
    }
  }
  return fixedWindow(count * FIXED_MS[unit], now, 0);
}

function fixedWindow(length: number, now: number, origin: number): Window {
  const start = origin + Math.floor((now - origin) / length) * length;
  return { windowKey: String(start), start, resetAt: start + length };
}

function monthWindow(months: number, now: number): Window {
  const d = new Date(now);
  const index = (d.getUTCFullYear() - 1970) * 12 + d.getUTCMonth();
  const first = Math.floor(index / months) * months;
  // Date.UTC normalises month overflow (month 14 of 1970 is March 1971).
  const start = Date.UTC(1970, first, 1);
  return { windowKey: String(start), start, resetAt: Date.UTC(1970, first + months, 1) };
}

/**
 * Sums of USD amounts keep 15 significant digits (50 × 0.02 is 1, not 1.0000000000000007), as
 * Redis's INCRBYFLOAT does with its long doubles: both stores agree to the cent and beyond.
 */
export function settle(x: number): number {
  return Number.isInteger(x) ? x : Number(x.toPrecision(15));
}
