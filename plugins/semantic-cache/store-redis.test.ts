import { afterAll, describe, expect, test } from "bun:test";
import { RedisClient } from "bun";
import { cacheStoreContract, entry, freshNamespace, T0, vectorWithCosine } from "./store-contract.ts";
import { RedisCacheStore, unlinkPrefix } from "./store-redis.ts";

const REDIS = "redis://127.0.0.1:6379";
const prefix = `bifrost:test:cache:${process.pid}:${Date.now()}:`;
const opened: RedisCacheStore[] = [];
/** A "replica": its own connection, the run's shared prefix. */
const replica = (options: ConstructorParameters<typeof RedisCacheStore>[0] = {}) => {
  const s = new RedisCacheStore({ url: REDIS, keyPrefix: prefix, ...options });
  opened.push(s);
  return s;
};
const admin = new RedisClient(REDIS);

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await unlinkPrefix(REDIS, prefix);
  admin.close();
});

describe("RedisCacheStore", () => {
  cacheStoreContract(() => replica());

  test("replicas: an entry one store puts, another finds (exact and similar) and can delete", async () => {
    const a = replica();
    const b = replica();
    const ns = freshNamespace();
    const e = entry({ vector: vectorWithCosine(0.96), stream: true });
    await a.put(ns, e);
    expect((await b.getExact(ns, e.scope, e.hash, T0))?.payload).toBe(e.payload);
    const hit = await b.findSimilar(ns, e.scope, vectorWithCosine(1), 0.9, true, T0);
    expect(hit?.entry.id).toBe(e.id);
    expect(hit?.similarity).toBeCloseTo(0.96, 4);
    expect(await b.deleteByKey(ns, e.cacheKey)).toBe(1);
    expect(await a.getExact(ns, e.scope, e.hash, T0)).toBeNull();
  });

  test("every key expires with its entry (PEXPIREAT), so Redis drops what nobody looks up", async () => {
    const s = replica();
    const ns = freshNamespace();
    const e = entry({ vector: vectorWithCosine(0.9) });
    await s.put(ns, e);
    const keys = (await admin.send("KEYS", [`${prefix}${ns}:*`])) as string[];
    expect(keys.length).toBe(4);
    for (const k of keys) expect(Number(await admin.send("PEXPIRETIME", [k]))).toBe(e.expiresAt);
  });

  test("findSimilar drops expired vectors from the scope's hash as it meets them", async () => {
    const s = replica();
    const ns = freshNamespace();
    await s.put(ns, entry({ vector: vectorWithCosine(0.9), expiresAt: T0 + 5 }));
    await s.put(ns, entry({ vector: vectorWithCosine(0.9), expiresAt: T0 + 50 }));
    const key = `${prefix}${ns}:v:key-a`;
    expect(Number(await admin.send("HLEN", [key]))).toBe(2);
    expect(await s.findSimilar(ns, "key-a", vectorWithCosine(1), 0.5, false, T0 + 10)).not.toBeNull();
    await Bun.sleep(20); // the HDEL is fire-and-forget
    expect(Number(await admin.send("HLEN", [key]))).toBe(1);
  });

  test("findSimilar scans a scope larger than one HSCAN batch", async () => {
    const s = replica({ scanBatch: 10 });
    const ns = freshNamespace();
    for (let i = 0; i < 60; i++) await s.put(ns, entry({ vector: vectorWithCosine(0.5 + i / 200) }));
    const best = entry({ vector: vectorWithCosine(0.999) });
    await s.put(ns, best);
    expect((await s.findSimilar(ns, "key-a", vectorWithCosine(1), 0.9, false, T0))?.entry.id).toBe(best.id);
  });

  test("Redis unreachable: every call rejects quickly with an error naming Redis", async () => {
    const s = new RedisCacheStore({ url: "redis://127.0.0.1:1", connectTimeoutMs: 300, commandTimeoutMs: 300 });
    opened.push(s);
    const ns = freshNamespace();
    const calls = [
      () => s.getExact(ns, "k", "h"),
      () => s.findSimilar(ns, "k", vectorWithCosine(1), 0.9, false),
      () => s.put(ns, entry()),
      () => s.deleteById(ns, "x"),
      () => s.deleteByKey(ns, "k"),
    ];
    for (const call of calls) await expect(call()).rejects.toThrow(/Redis cache store/);
  });

  test("a URL's password never reaches an error message", async () => {
    const s = new RedisCacheStore({ url: "redis://user:s3cret-pw@127.0.0.1:1", connectTimeoutMs: 300 });
    opened.push(s);
    const err = await s.getExact("ns", "k", "h").catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain("Redis");
    expect((err as Error).message).not.toContain("s3cret-pw");
  });
});
