import { describe, expect, test } from "bun:test";
import { durationMs, parseDuration, settle, windowAt } from "./counters-window.ts";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const win = (duration: string, now: string, calendarAligned = true) => {
  const w = windowAt({ duration, calendarAligned }, at(now));
  return { start: iso(w.start), resetAt: iso(w.resetAt) };
};

describe("parseDuration", () => {
  test("reads every unit Go Bifrost uses and any positive count", () => {
    expect(parseDuration("30s")).toEqual({ count: 30, unit: "s" });
    expect(parseDuration("1m")).toEqual({ count: 1, unit: "m" });
    expect(parseDuration("15m")).toEqual({ count: 15, unit: "m" });
    expect(parseDuration("1h")).toEqual({ count: 1, unit: "h" });
    expect(parseDuration("1d")).toEqual({ count: 1, unit: "d" });
    expect(parseDuration("1w")).toEqual({ count: 1, unit: "w" });
    expect(parseDuration("1M")).toEqual({ count: 1, unit: "M" });
    expect(parseDuration("1Q")).toEqual({ count: 1, unit: "Q" });
    expect(parseDuration("1Y")).toEqual({ count: 1, unit: "Y" });
  });

  test("a bad duration is an error naming it", () => {
    for (const bad of ["", "0h", "1", "h", "1x", "1y", "-1d", "1.5h", "1 h"]) {
      expect(() => parseDuration(bad)).toThrow(`invalid reset duration ${JSON.stringify(bad)}`);
    }
  });

  test("fixed lengths: minutes to days exact, a month 30 days, a quarter 90, a year 365", () => {
    expect(durationMs("30s")).toBe(30_000);
    expect(durationMs("15m")).toBe(900_000);
    expect(durationMs("2h")).toBe(7_200_000);
    expect(durationMs("1w")).toBe(604_800_000);
    expect(durationMs("1M")).toBe(30 * 86_400_000);
    expect(durationMs("1Q")).toBe(90 * 86_400_000);
    expect(durationMs("1Y")).toBe(365 * 86_400_000);
  });
});

describe("windowAt, calendar aligned (UTC)", () => {
  test("seconds, minutes and hours start on their boundary", () => {
    expect(win("30s", "2026-03-04T10:17:45.123Z")).toEqual({
      start: "2026-03-04T10:17:30.000Z",
      resetAt: "2026-03-04T10:18:00.000Z",
    });
    expect(win("1m", "2026-03-04T10:17:45Z")).toEqual({
      start: "2026-03-04T10:17:00.000Z",
      resetAt: "2026-03-04T10:18:00.000Z",
    });
    expect(win("15m", "2026-03-04T10:17:45Z")).toEqual({
      start: "2026-03-04T10:15:00.000Z",
      resetAt: "2026-03-04T10:30:00.000Z",
    });
    expect(win("1h", "2026-03-04T10:17:45Z")).toEqual({
      start: "2026-03-04T10:00:00.000Z",
      resetAt: "2026-03-04T11:00:00.000Z",
    });
    expect(win("2h", "2026-03-04T11:59:59Z")).toEqual({
      start: "2026-03-04T10:00:00.000Z",
      resetAt: "2026-03-04T12:00:00.000Z",
    });
  });

  test("a day runs midnight to midnight UTC, including Feb 29 of a leap year", () => {
    expect(win("1d", "2028-02-29T23:59:59.999Z")).toEqual({
      start: "2028-02-29T00:00:00.000Z",
      resetAt: "2028-03-01T00:00:00.000Z",
    });
  });

  test("a week starts Monday 00:00 (ISO week), also across a year end", () => {
    // 2026-03-04 is a Wednesday; 2026-03-08 a Sunday.
    expect(win("1w", "2026-03-04T12:00:00Z")).toEqual({
      start: "2026-03-02T00:00:00.000Z",
      resetAt: "2026-03-09T00:00:00.000Z",
    });
    expect(win("1w", "2026-03-08T23:59:59Z").start).toBe("2026-03-02T00:00:00.000Z");
    expect(win("1w", "2026-03-09T00:00:00Z").start).toBe("2026-03-09T00:00:00.000Z");
    // Thursday 2026-01-01 is in the week of Monday 2025-12-29.
    expect(win("1w", "2026-01-01T08:00:00Z")).toEqual({
      start: "2025-12-29T00:00:00.000Z",
      resetAt: "2026-01-05T00:00:00.000Z",
    });
  });

  test("a month runs from the 1st to the 1st, whatever its length", () => {
    expect(win("1M", "2026-01-31T23:59:59Z")).toEqual({
      start: "2026-01-01T00:00:00.000Z",
      resetAt: "2026-02-01T00:00:00.000Z",
    });
    expect(win("1M", "2028-02-15T00:00:00Z")).toEqual({
      start: "2028-02-01T00:00:00.000Z",
      resetAt: "2028-03-01T00:00:00.000Z",
    });
    expect(win("1M", "2026-12-31T23:59:59.999Z")).toEqual({
      start: "2026-12-01T00:00:00.000Z",
      resetAt: "2027-01-01T00:00:00.000Z",
    });
    expect(win("1M", "2027-01-01T00:00:00Z").start).toBe("2027-01-01T00:00:00.000Z");
  });

  test("a quarter starts Jan, Apr, Jul or Oct 1st", () => {
    expect(win("1Q", "2026-03-31T23:59:59Z")).toEqual({
      start: "2026-01-01T00:00:00.000Z",
      resetAt: "2026-04-01T00:00:00.000Z",
    });
    expect(win("1Q", "2026-04-01T00:00:00Z").start).toBe("2026-04-01T00:00:00.000Z");
    expect(win("1Q", "2026-08-15T00:00:00Z")).toEqual({
      start: "2026-07-01T00:00:00.000Z",
      resetAt: "2026-10-01T00:00:00.000Z",
    });
    expect(win("1Q", "2026-11-30T00:00:00Z")).toEqual({
      start: "2026-10-01T00:00:00.000Z",
      resetAt: "2027-01-01T00:00:00.000Z",
    });
  });

  test("a year starts Jan 1, a leap year lasts 366 days", () => {
    const w = windowAt({ duration: "1Y", calendarAligned: true }, at("2028-07-01T00:00:00Z"));
    expect(iso(w.start)).toBe("2028-01-01T00:00:00.000Z");
    expect(iso(w.resetAt)).toBe("2029-01-01T00:00:00.000Z");
    expect(w.resetAt! - w.start).toBe(366 * 86_400_000);
  });

  test("multi-month counts align to multiples from January 1970", () => {
    expect(win("2M", "2026-04-10T00:00:00Z")).toEqual({
      start: "2026-03-01T00:00:00.000Z",
      resetAt: "2026-05-01T00:00:00.000Z",
    });
    expect(win("2Y", "2027-06-01T00:00:00Z")).toEqual({
      start: "2026-01-01T00:00:00.000Z",
      resetAt: "2028-01-01T00:00:00.000Z",
    });
  });
});

describe("windowAt, not aligned", () => {
  test("fixed windows counted from the epoch, the same for every replica", () => {
    const now = at("2026-03-04T10:17:45Z");
    const w = windowAt({ duration: "1w" }, now);
    // Weeks from the epoch start on Thursdays.
    expect(new Date(w.start).getUTCDay()).toBe(4);
    expect(w.start % durationMs("1w")).toBe(0);
    expect(w.resetAt! - w.start).toBe(durationMs("1w"));
    expect(windowAt({ duration: "1w" }, now + 1)).toEqual(w);
    const m = windowAt({ duration: "1M" }, now);
    expect(m.start % (30 * 86_400_000)).toBe(0);
    expect(m.start <= now && now < m.resetAt!).toBe(true);
  });

  test("the window key names the window: the same within, a new one at the boundary", () => {
    const spec = { duration: "1h" };
    const a = windowAt(spec, at("2026-03-04T10:00:00Z"));
    expect(windowAt(spec, at("2026-03-04T10:59:59.999Z")).windowKey).toBe(a.windowKey);
    expect(windowAt(spec, at("2026-03-04T11:00:00Z")).windowKey).not.toBe(a.windowKey);
  });

  test("no window: one that never ends", () => {
    expect(windowAt(null, Date.now())).toEqual({ windowKey: "all", start: 0, resetAt: null });
  });
});

test("settle keeps 15 significant digits so cent sums come out exact", () => {
  let sum = 0;
  for (let i = 0; i < 50; i++) sum = settle(sum + 0.02);
  expect(sum).toBe(1);
  expect(settle(0.1 + 0.2)).toBe(0.3);
  expect(settle(7)).toBe(7);
});
