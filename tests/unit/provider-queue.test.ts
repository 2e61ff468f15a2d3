import { describe, expect, test } from "bun:test";
import { ProviderQueue } from "../../src/core/provider-queue";
import type { BifrostError } from "../../src/schemas/error";

describe("provider queue", () => {
  test("admits up to the concurrency at once, then queues in order", async () => {
    const q = new ProviderQueue("p", 2, 10, false);
    expect(q.acquire()).toBeNull();
    expect(q.acquire()).toBeNull();
    const order: number[] = [];
    const a = q.acquire()!.then(() => order.push(1));
    const b = q.acquire()!.then(() => order.push(2));
    expect(q.queued).toBe(2);
    q.release();
    await a;
    q.release();
    await b;
    expect(order).toEqual([1, 2]);
    expect(q.inFlight).toBe(2);
  });

  test("a full buffer answers 429 at once when dropping excess requests", async () => {
    const q = new ProviderQueue("p", 1, 1, true);
    q.acquire();
    void q.acquire();
    const e = (await q.acquire()!.catch((e) => e)) as BifrostError;
    expect(e.status).toBe(429);
    expect(e.message).toContain("provider p is at capacity");
  });

  test("a full buffer waits when not dropping", () => {
    const q = new ProviderQueue("p", 1, 1, false);
    q.acquire();
    void q.acquire();
    expect(q.acquire()).toBeInstanceOf(Promise);
    expect(q.queued).toBe(2);
  });

  test("a caller that leaves while queued is removed and its slot not consumed", async () => {
    const q = new ProviderQueue("p", 1, 5, false);
    q.acquire();
    const ctrl = new AbortController();
    const waiting = q.acquire(ctrl.signal)!;
    ctrl.abort();
    expect(((await waiting.catch((e) => e)) as BifrostError).status).toBe(499);
    expect(q.queued).toBe(0);
    q.release();
    expect(q.inFlight).toBe(0);
  });
});
