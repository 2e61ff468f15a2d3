import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cacheStoreContract, entry, freshNamespace, T0, vectorWithCosine } from "./store-contract.ts";
import { MemoryCacheStore } from "./store-memory.ts";

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "bifrost-cache-store-"));
  dirs.push(d);
  return d;
};
const opened: MemoryCacheStore[] = [];
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const axis = () => vectorWithCosine(1);

describe("MemoryCacheStore", () => {
  cacheStoreContract(() => {
    const s = new MemoryCacheStore();
    opened.push(s);
    return s;
  });

  test("LRU: past maxEntries the least recently used entry goes, and a hit counts as a use", async () => {
    const s = new MemoryCacheStore({ maxEntries: 3 });
    opened.push(s);
    const ns = freshNamespace();
    const [a, b, c, d] = [0.9, 0.91, 0.92, 0.93].map((cos) => entry({ vector: vectorWithCosine(cos) }));
    for (const e of [a!, b!, c!]) await s.put(ns, e);
    expect(await s.getExact(ns, "key-a", a!.hash, T0)).not.toBeNull(); // a is now the most recent
    await s.put(ns, d!);
    expect(s.size).toBe(3);
    expect(await s.getExact(ns, "key-a", b!.hash, T0)).toBeNull();
    expect(await s.deleteById(ns, b!.id)).toBe(false);
    for (const e of [a!, c!, d!]) expect((await s.getExact(ns, "key-a", e.hash, T0))?.id).toBe(e.id);
    // b's vector left the similarity index too (a swap-remove moved another row into its slot)
    expect((await s.findSimilar(ns, "key-a", axis(), 0.5, false, T0))?.entry.id).toBe(d!.id);
  });

  test("expired entries are dropped when a lookup meets them", async () => {
    const s = new MemoryCacheStore();
    opened.push(s);
    const ns = freshNamespace();
    await s.put(ns, entry({ vector: axis(), expiresAt: T0 + 5 }));
    await s.put(ns, entry({ expiresAt: T0 + 5, hash: "h-exp" }));
    expect(s.size).toBe(2);
    expect(await s.findSimilar(ns, "key-a", axis(), 0.5, false, T0 + 5)).toBeNull();
    expect(await s.getExact(ns, "key-a", "h-exp", T0 + 5)).toBeNull();
    expect(s.size).toBe(0);
  });

  test("restart: entries written to SQLite come back (vectors too), deleted and expired ones do not", async () => {
    const path = join(tempDir(), "cache", "cache.db");
    const ns = freshNamespace();
    const kept = entry({ vector: vectorWithCosine(0.97), stream: true, payload: '[{"c":"é ☃"}]' });
    const deleted = entry({ vector: vectorWithCosine(0.99) });
    const expired = entry({ expiresAt: Date.now() - 1, createdAt: Date.now() - 10 });
    const first = new MemoryCacheStore({ sqlitePath: path, flushIntervalMs: 60_000 });
    for (const e of [kept, deleted, expired]) await first.put(ns, e);
    first.flush();
    await first.deleteById(ns, deleted.id);
    await first.close();

    const second = new MemoryCacheStore({ sqlitePath: path });
    opened.push(second);
    expect(second.size).toBe(1);
    const got = await second.getExact(ns, kept.scope, kept.hash, T0);
    expect(got).toMatchObject({ id: kept.id, payload: kept.payload, stream: true, expiresAt: kept.expiresAt });
    const hit = await second.findSimilar(ns, kept.scope, axis(), 0.9, true, T0);
    expect(hit?.entry.id).toBe(kept.id);
    expect(hit?.similarity).toBeCloseTo(0.97, 4);
    expect(await second.deleteById(ns, deleted.id)).toBe(false);
  });

  test("the SQLite file is 0600 and its new directory 0700", async () => {
    const dir = join(tempDir(), "nested");
    const path = join(dir, "cache.db");
    const s = new MemoryCacheStore({ sqlitePath: path });
    await s.put(freshNamespace(), entry());
    await s.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  test("a SQLite failure goes to onError and the cache keeps answering from memory", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "is-a-dir"));
    const errors: Error[] = [];
    const s = new MemoryCacheStore({ sqlitePath: join(dir, "is-a-dir"), onError: (e) => errors.push(e) });
    opened.push(s);
    const ns = freshNamespace();
    const e = entry();
    await s.put(ns, e);
    expect((await s.getExact(ns, e.scope, e.hash, T0))?.id).toBe(e.id);
    expect(errors.length).toBe(1);
    expect(errors[0]!.message).toContain("cache store");
  });

  test("a failed background write goes to onError and is retried at the next flush", async () => {
    const path = join(tempDir(), "cache.db");
    const errors: Error[] = [];
    const s = new MemoryCacheStore({ sqlitePath: path, flushIntervalMs: 60_000, onError: (e) => errors.push(e) });
    const ns = freshNamespace();
    const e = entry();
    await s.put(ns, e);
    const { Database } = await import("bun:sqlite");
    const other = new Database(path);
    other.exec("BEGIN EXCLUSIVE"); // holds the write lock past the store's busy timeout
    s.flush(); // waits out the 2 s busy timeout, then fails
    other.exec("ROLLBACK");
    other.close();
    expect(errors.length).toBe(1);
    await s.close(); // the retry
    const again = new MemoryCacheStore({ sqlitePath: path });
    opened.push(again);
    expect((await again.getExact(ns, e.scope, e.hash, T0))?.id).toBe(e.id);
  });
});
