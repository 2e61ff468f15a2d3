/**
 * The behaviour every CounterStore owes, as bun:test cases: the memory and the Redis tests both run
 * it. `open()` returns a fresh store each call; stores opened the same way share their counters
 * (the Redis ones: one prefix, as replicas do), which the concurrency case uses to split the load.
 */
import { expect, test } from "bun:test";
import type { CounterStore, Limit, ReserveResult } from "./counters-types.ts";

/** A window far from "now", so neither a boundary nor a key expiry falls inside a test. */
const BASE = Date.UTC(2031, 0, 1, 12, 30);
let seq = 0;
const limit = (max: number, window: Limit["window"] = { duration: "1h", calendarAligned: true }): Limit => ({
  id: `t${process.pid}-${++seq}`,
  max,
  window,
});
const oks = (results: ReserveResult[]) => results.filter((r) => r.ok).length;

export function counterStoreContract(open: () => CounterStore): void {
  test("reserve takes, commit replaces the estimate with the actual, release gives it back", async () => {
    const s = open();
    const budget = limit(10);
    const r1 = await s.reserve([{ limit: budget, amount: 2 }], BASE);
    const r2 = await s.reserve([{ limit: budget, amount: 3 }], BASE);
    expect(r1.ok && r2.ok).toBe(true);
    expect((await s.usage(budget, BASE)).used).toBe(5);
    if (!r1.ok || !r2.ok) return;
    await s.commit(r1.token, [0.5]);
    expect((await s.usage(budget, BASE)).used).toBe(3.5);
    await s.release(r2.token);
    expect((await s.usage(budget, BASE)).used).toBe(0.5);
    expect((await s.usage(budget, BASE)).resetAt).toBe(BASE + 30 * 60_000);
  });

  test("all or nothing: one limit full means nothing is taken from the others", async () => {
    const s = open();
    const roomy = limit(100);
    const full = limit(1);
    const tokens = limit(1000, null);
    expect((await s.reserve([{ limit: full, amount: 1 }], BASE)).ok).toBe(true);
    const r = await s.reserve(
      [
        { limit: roomy, amount: 5 },
        { limit: full, amount: 1 },
        { limit: tokens, amount: 50 },
      ],
      BASE,
    );
    expect(r).toEqual({ ok: false, limit: full, used: 1, resetAt: BASE + 30 * 60_000 });
    expect((await s.usage(roomy, BASE)).used).toBe(0);
    expect((await s.usage(tokens, BASE)).used).toBe(0);
  });

  test("200 concurrent reserves of $0.02 against a $1.00 budget: exactly 50 succeed", async () => {
    const a = open();
    const b = open();
    const budget = limit(1);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).reserve([{ limit: budget, amount: 0.02 }], BASE)),
    );
    expect(oks(results)).toBe(50);
    expect((await a.usage(budget, BASE)).used).toBe(1);
    const refused = results.find((r) => !r.ok);
    expect(refused).toMatchObject({ ok: false, used: 1 });
  });

  test("commit may go over max (the call happened); the next reserve is refused", async () => {
    const s = open();
    const budget = limit(1);
    const r = await s.reserve([{ limit: budget, amount: 0.5 }], BASE);
    if (!r.ok) throw new Error("first reserve refused");
    await s.commit(r.token, [1.25]);
    expect((await s.usage(budget, BASE)).used).toBe(1.25);
    expect(await s.reserve([{ limit: budget, amount: 0 }], BASE)).toMatchObject({ ok: false, used: 1.25 });
  });

  test("add: usage that was never reserved counts in the current window, over max too", async () => {
    const s = open();
    const budget = limit(1);
    const rpm = limit(2, { duration: "1m" });
    await s.add([{ limit: budget, amount: 0.75 }, { limit: rpm, amount: 1 }], BASE);
    await s.add([{ limit: budget, amount: 0.5 }, { limit: rpm, amount: 2 }], BASE);
    expect((await s.usage(budget, BASE)).used).toBe(1.25);
    expect((await s.usage(rpm, BASE)).used).toBe(3);
    expect(await s.reserve([{ limit: budget, amount: 0 }], BASE)).toMatchObject({ ok: false, used: 1.25 });
    // The next window of the per-minute limit starts empty.
    expect((await s.usage(rpm, BASE + 60_000)).used).toBe(0);
    await s.add([{ limit: rpm, amount: 1 }], BASE + 60_000);
    expect((await s.usage(rpm, BASE + 60_000)).used).toBe(1);
  });

  test("usage only reads (a native batch's admission checks room with it): reservations in flight count, reading takes nothing", async () => {
    const s = open();
    const rpm = limit(2, { duration: "1m" });
    const untouched = limit(5);
    expect(await s.usage(untouched, BASE)).toEqual({ used: 0, resetAt: BASE + 30 * 60_000 });
    const r = await s.reserve([{ limit: rpm, amount: 1 }], BASE);
    expect(r.ok).toBe(true);
    for (let i = 0; i < 3; i++) expect((await s.usage(rpm, BASE)).used).toBe(1);
    // Reading left the room as it was: one more fits, then none.
    expect((await s.reserve([{ limit: rpm, amount: 1 }], BASE)).ok).toBe(true);
    expect((await s.usage(rpm, BASE)).used).toBe(2);
    expect((await s.reserve([{ limit: rpm, amount: 1 }], BASE)).ok).toBe(false);
    // An ended window reads empty, with the next reset.
    expect(await s.usage(rpm, BASE + 60_000)).toEqual({ used: 0, resetAt: BASE + 120_000 });
    expect((await s.usage(untouched, BASE)).used).toBe(0);
  });

  test("the next window frees the limit", async () => {
    const s = open();
    const rpm = limit(2, { duration: "1m" });
    for (let i = 0; i < 2; i++) expect((await s.reserve([{ limit: rpm, amount: 1 }], BASE)).ok).toBe(true);
    expect(await s.reserve([{ limit: rpm, amount: 1 }], BASE + 59_999)).toMatchObject({ ok: false, resetAt: BASE + 60_000 });
    expect((await s.reserve([{ limit: rpm, amount: 1 }], BASE + 60_000)).ok).toBe(true);
    expect((await s.usage(rpm, BASE + 60_000)).used).toBe(1);
  });

  test("no window: usage never resets", async () => {
    const s = open();
    const forever = limit(3, null);
    expect((await s.reserve([{ limit: forever, amount: 3 }], BASE)).ok).toBe(true);
    expect(await s.reserve([{ limit: forever, amount: 1 }], BASE + 400 * 86_400_000)).toMatchObject({
      ok: false,
      used: 3,
      resetAt: null,
    });
  });

  test("float amounts sum exactly to the cent", async () => {
    const s = open();
    const budget = limit(100);
    const amounts = [0.1, 0.2, 0.07, 0.0123, 1.005, 0.3333];
    for (const amount of amounts) {
      const r = await s.reserve([{ limit: budget, amount: amount * 2 }], BASE);
      if (!r.ok) throw new Error("refused");
      await s.commit(r.token, [amount]);
    }
    expect((await s.usage(budget, BASE)).used).toBe(1.7206);
  });

  test("a limit listed twice in one reserve counts both amounts", async () => {
    const s = open();
    const rpm = limit(3);
    const r = await s.reserve(
      [
        { limit: rpm, amount: 2 },
        { limit: rpm, amount: 2 },
      ],
      BASE,
    );
    expect(r).toMatchObject({ ok: false, used: 2 });
    expect((await s.usage(rpm, BASE)).used).toBe(0);
  });

  test("reset zeroes the window; a release after it does not go below zero", async () => {
    const s = open();
    const budget = limit(5);
    const r = await s.reserve([{ limit: budget, amount: 4 }], BASE);
    if (!r.ok) throw new Error("refused");
    await s.reset(budget, BASE);
    expect((await s.usage(budget, BASE)).used).toBe(0);
    await s.release(r.token);
    expect((await s.usage(budget, BASE)).used).toBe(0);
    expect((await s.reserve([{ limit: budget, amount: 5 }], BASE)).ok).toBe(true);
  });
}
