/**
 * The behaviour every CacheStore owes, as bun:test cases: the memory and the Redis tests both run it.
 * `open()` returns a store; each case uses its own namespace, so stores may be shared between cases.
 */
import { expect, test } from "bun:test";
import type { CacheEntry, CacheStore } from "./store-types.ts";

/** A clock far from the real one, so key expiry in Redis never falls inside a test. */
export const T0 = Date.now() + 365 * 24 * 3600_000;
let seq = 0;
export const freshNamespace = () => `ns-${process.pid}-${++seq}`;

export function entry(over: Partial<CacheEntry> = {}): CacheEntry {
  const n = ++seq;
  return {
    id: `id-${n}-${crypto.randomUUID()}`,
    scope: "key-a",
    cacheKey: "key-a",
    hash: `hash-${n}`,
    vector: null,
    payload: JSON.stringify({ id: `chatcmpl-${n}`, choices: [{ message: { content: `answer ${n}` } }] }),
    stream: false,
    createdAt: T0,
    expiresAt: T0 + 60_000,
    ...over,
  };
}

/** A vector at angle whose cosine to unit(1, 0, 0, …) is `cos`. */
export function vectorWithCosine(cos: number, dim = 8): Float32Array {
  const v = new Float32Array(dim);
  v[0] = cos;
  v[1] = Math.sqrt(1 - cos * cos);
  return v;
}
const axis = (dim = 8) => {
  const v = new Float32Array(dim);
  v[0] = 3; // not unit: the store must normalise
  return v;
};

export function cacheStoreContract(open: () => CacheStore): void {
  test("exact: a put entry is found by its hash, with its payload, until it expires", async () => {
    const s = open();
    const ns = freshNamespace();
    const e = entry({ stream: true, payload: '[{"chunk":1},{"chunk":2}]' });
    await s.put(ns, e);
    const got = await s.getExact(ns, e.scope, e.hash, T0 + 1);
    expect(got).toMatchObject({ id: e.id, scope: e.scope, cacheKey: e.cacheKey, hash: e.hash, payload: e.payload, stream: true });
    expect(got?.expiresAt).toBe(e.expiresAt);
    expect(await s.getExact(ns, e.scope, "other-hash", T0 + 1)).toBeNull();
    expect(await s.getExact(ns, e.scope, e.hash, e.expiresAt)).toBeNull();
  });

  test("scope isolation: another scope (another tenant) or namespace never sees an entry", async () => {
    const s = open();
    const ns = freshNamespace();
    const e = entry({ scope: "key-a|vk-1", vector: axis() });
    await s.put(ns, e);
    expect(await s.getExact(ns, "key-a|vk-2", e.hash, T0)).toBeNull();
    expect(await s.findSimilar(ns, "key-a|vk-2", axis(), 0.5, false, T0)).toBeNull();
    expect(await s.getExact(freshNamespace(), e.scope, e.hash, T0)).toBeNull();
    expect(await s.findSimilar(freshNamespace(), e.scope, axis(), 0.5, false, T0)).toBeNull();
    expect((await s.getExact(ns, e.scope, e.hash, T0))?.id).toBe(e.id);
  });

  test("similarity: the closest live entry at or above the threshold is a hit, below it a miss", async () => {
    const s = open();
    const ns = freshNamespace();
    const near = entry({ vector: vectorWithCosine(0.95) });
    const far = entry({ vector: vectorWithCosine(0.7) });
    await s.put(ns, far);
    await s.put(ns, near);
    const hit = await s.findSimilar(ns, "key-a", axis(), 0.9, false, T0);
    expect(hit?.entry.id).toBe(near.id);
    expect(hit?.similarity).toBeCloseTo(0.95, 4);
    expect(hit?.entry.payload).toBe(near.payload);
    expect((await s.findSimilar(ns, "key-a", axis(), 0.96, false, T0))).toBeNull();
    expect((await s.findSimilar(ns, "key-a", axis(), 0.5, false, T0))?.entry.id).toBe(near.id);
  });

  test("similarity: a stream request only matches stream entries and a unary only unary ones", async () => {
    const s = open();
    const ns = freshNamespace();
    const streamed = entry({ vector: vectorWithCosine(0.99), stream: true });
    const unary = entry({ vector: vectorWithCosine(0.9) });
    await s.put(ns, streamed);
    await s.put(ns, unary);
    expect((await s.findSimilar(ns, "key-a", axis(), 0.8, true, T0))?.entry.id).toBe(streamed.id);
    expect((await s.findSimilar(ns, "key-a", axis(), 0.8, false, T0))?.entry.id).toBe(unary.id);
    expect(await s.findSimilar(ns, "key-a", axis(), 0.95, false, T0)).toBeNull();
  });

  test("similarity skips expired entries and a query of another dimension", async () => {
    const s = open();
    const ns = freshNamespace();
    const old = entry({ vector: vectorWithCosine(0.99), expiresAt: T0 + 10 });
    const young = entry({ vector: vectorWithCosine(0.9), expiresAt: T0 + 1000 });
    await s.put(ns, old);
    await s.put(ns, young);
    expect((await s.findSimilar(ns, "key-a", axis(), 0.8, false, T0))?.entry.id).toBe(old.id);
    expect((await s.findSimilar(ns, "key-a", axis(), 0.8, false, T0 + 10))?.entry.id).toBe(young.id);
    expect(await s.findSimilar(ns, "key-a", axis(), 0.8, false, T0 + 1000)).toBeNull();
    expect(await s.findSimilar(ns, "key-a", axis(16), 0.1, false, T0)).toBeNull();
  });

  test("a put with the same hash in the same scope replaces the old entry", async () => {
    const s = open();
    const ns = freshNamespace();
    const first = entry({ hash: "same", vector: vectorWithCosine(0.99) });
    const second = entry({ hash: "same", vector: vectorWithCosine(0.98) });
    await s.put(ns, first);
    await s.put(ns, second);
    expect((await s.getExact(ns, "key-a", "same", T0))?.id).toBe(second.id);
    expect((await s.findSimilar(ns, "key-a", axis(), 0.5, false, T0))?.entry.id).toBe(second.id);
    expect(await s.deleteById(ns, first.id)).toBe(false);
  });

  test("deleteById removes the entry from exact and similarity lookups, once", async () => {
    const s = open();
    const ns = freshNamespace();
    const e = entry({ vector: vectorWithCosine(0.99) });
    const other = entry({ vector: vectorWithCosine(0.9) });
    await s.put(ns, e);
    await s.put(ns, other);
    expect(await s.deleteById(ns, e.id)).toBe(true);
    expect(await s.deleteById(ns, e.id)).toBe(false);
    expect(await s.getExact(ns, e.scope, e.hash, T0)).toBeNull();
    expect((await s.findSimilar(ns, "key-a", axis(), 0.5, false, T0))?.entry.id).toBe(other.id);
    expect(await s.deleteById(ns, "no-such-id")).toBe(false);
  });

  test("deleteByKey removes every entry of a cache key across tenants, and nothing else", async () => {
    const s = open();
    const ns = freshNamespace();
    const a1 = entry({ cacheKey: "k1", scope: "k1|vk-1", vector: vectorWithCosine(0.99) });
    const a2 = entry({ cacheKey: "k1", scope: "k1|vk-2" });
    const b = entry({ cacheKey: "k2", scope: "k2" });
    for (const e of [a1, a2, b]) await s.put(ns, e);
    expect(await s.deleteByKey(ns, "k1")).toBe(2);
    expect(await s.getExact(ns, a1.scope, a1.hash, T0)).toBeNull();
    expect(await s.getExact(ns, a2.scope, a2.hash, T0)).toBeNull();
    expect(await s.findSimilar(ns, a1.scope, axis(), 0.5, false, T0)).toBeNull();
    expect((await s.getExact(ns, b.scope, b.hash, T0))?.id).toBe(b.id);
    expect(await s.deleteByKey(ns, "k1")).toBe(0);
  });
}
