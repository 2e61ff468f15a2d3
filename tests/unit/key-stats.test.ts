/** A provider key's recent requests and errors: five one-minute buckets, moved by a test clock. */
import { describe, expect, test } from "bun:test";
import { KeyStats, KeyWindow } from "../../src/core/key-stats";

const MIN = 60_000;

function clock(start = 1_000 * MIN) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe("a key's error window", () => {
  test("counts requests and errors and gives their ratio; none yet is a rate of null", () => {
    const c = clock();
    const w = new KeyWindow(undefined, c.now);
    expect(w.totals()).toEqual({ requests: 0, errors: 0, error_rate: null, window_seconds: 300 });
    w.record(false);
    w.record(true);
    w.record(false);
    w.record(true);
    expect(w.totals()).toEqual({ requests: 4, errors: 2, error_rate: 0.5, window_seconds: 300 });
  });

  test("a minute's counts stay for five minutes, then leave the window", () => {
    const c = clock();
    const w = new KeyWindow(undefined, c.now);
    w.record(true);
    c.advance(MIN);
    w.record(false);
    c.advance(3 * MIN);
    expect(w.totals()).toMatchObject({ requests: 2, errors: 1 });
    c.advance(MIN); // the first minute is now five minutes back: out
    expect(w.totals()).toMatchObject({ requests: 1, errors: 0, error_rate: 0 });
    c.advance(MIN);
    expect(w.totals()).toMatchObject({ requests: 0, errors: 0, error_rate: null });
  });

  test("a bucket reused after the ring came round starts from zero", () => {
    const c = clock();
    const w = new KeyWindow(undefined, c.now);
    for (let i = 0; i < 10; i++) w.record(true);
    c.advance(5 * MIN); // same slot in the ring, five minutes later
    w.record(false);
    expect(w.totals()).toMatchObject({ requests: 1, errors: 0 });
  });

  test("a long idle gap leaves nothing behind, whatever slot the next minute lands on", () => {
    const c = clock();
    const w = new KeyWindow(undefined, c.now);
    for (let m = 0; m < 5; m++) {
      w.record(true);
      c.advance(MIN);
    }
    expect(w.totals()).toMatchObject({ requests: 4, errors: 4 });
    c.advance(123 * MIN);
    expect(w.totals().requests).toBe(0);
    w.record(false);
    expect(w.totals()).toMatchObject({ requests: 1, errors: 0 });
  });

  test("from the clock's zero (a monotonic clock starts near it) the window is as empty as later", () => {
    const c = clock(0);
    const w = new KeyWindow(undefined, c.now);
    expect(w.totals()).toMatchObject({ requests: 0, errors: 0, error_rate: null });
    w.record(true);
    c.advance(2 * MIN);
    expect(w.totals()).toMatchObject({ requests: 1, errors: 1, error_rate: 1 });
  });

  test("other bucket settings: window_seconds follows them", () => {
    const c = clock();
    const w = new KeyWindow({ buckets: 3, bucketMs: 10_000 }, c.now);
    w.record(true);
    expect(w.totals().window_seconds).toBe(30);
    c.advance(30_000);
    expect(w.totals().requests).toBe(0);
  });
});

describe("windows per key object", () => {
  test("each key object has its own window; an unseen key reads as zeros", () => {
    const c = clock();
    const stats = new KeyStats(undefined, c.now);
    const a = {};
    const b = {};
    stats.record(a, true);
    stats.record(a, false);
    stats.record(b, false);
    expect(stats.totals(a)).toMatchObject({ requests: 2, errors: 1, error_rate: 0.5 });
    expect(stats.totals(b)).toMatchObject({ requests: 1, errors: 0, error_rate: 0 });
    expect(stats.totals({})).toMatchObject({ requests: 0, errors: 0, error_rate: null });
  });
});
