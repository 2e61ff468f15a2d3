/**
 * Lookup cost of the response cache's stores: findSimilar (a full scan: the threshold is never met, the
 * worst case) and getExact, in memory with 100,000 entries and in Redis (brute-force HSCAN).
 *   bun bench/cache-store.bench.ts   (env: MEMORY_COUNT=100000, REDIS_COUNT=10000, DIMS=1536,384, REDIS=0 skips Redis)
 */
import { MemoryCacheStore } from "../plugins/semantic-cache/store-memory";
import { RedisCacheStore, unlinkPrefix } from "../plugins/semantic-cache/store-redis";
import type { CacheEntry, CacheStore } from "../plugins/semantic-cache/store-types";

const NS = "bench";
const SCOPE = "bench-key";
const now = Date.now();

function randomVector(dim: number): Float32Array {
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) v[i] = Math.random() * 2 - 1;
  return v;
}

function entryAt(i: number, dim: number): CacheEntry {
  return {
    id: `bench-${dim}-${i}`,
    scope: SCOPE,
    cacheKey: SCOPE,
    hash: `hash-${dim}-${i}`,
    vector: randomVector(dim),
    payload: `{"id":"chatcmpl-${i}","choices":[{"message":{"role":"assistant","content":"cached answer ${i}"}}]}`,
    stream: false,
    createdAt: now,
    expiresAt: now + 3_600_000,
  };
}

async function fill(store: CacheStore, count: number, dim: number, parallel: number) {
  const t = performance.now();
  for (let i = 0; i < count; i += parallel) {
    const batch: Promise<void>[] = [];
    for (let j = i; j < Math.min(count, i + parallel); j++) batch.push(store.put(NS, entryAt(j, dim)));
    await Promise.all(batch);
  }
  return performance.now() - t;
}

async function time(label: string, runs: number, fn: () => Promise<unknown>) {
  await fn(); // warm up
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / runs;
  const p50 = samples[Math.floor(runs / 2)]!;
  const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`);
  console.log(`${label.padEnd(52)} mean ${fmt(mean).padStart(10)}  p50 ${fmt(p50).padStart(10)}  (${runs} runs)`);
}

async function benchStore(name: string, store: CacheStore, count: number, dim: number, runs: number, parallel: number) {
  const loadMs = await fill(store, count, dim, parallel);
  console.log(`${name}: loaded ${count.toLocaleString("en")} × ${dim} in ${(loadMs / 1000).toFixed(1)} s`);
  const query = randomVector(dim);
  await time(`${name} findSimilar ${count} × ${dim} (full scan, miss)`, runs, () =>
    store.findSimilar(NS, SCOPE, query, 0.99, false, now));
  let i = 0;
  await time(`${name} getExact (hit)`, 2000, () => store.getExact(NS, SCOPE, `hash-${dim}-${i++ % count}`, now));
}

const DIMS = (process.env.DIMS ?? "1536,384").split(",").map(Number);
const MEMORY_COUNT = Number(process.env.MEMORY_COUNT ?? 100_000);
for (const dim of DIMS) {
  if (MEMORY_COUNT === 0) break;
  const store = new MemoryCacheStore({ maxEntries: MEMORY_COUNT });
  await benchStore("memory", store, MEMORY_COUNT, dim, 50, 1);
  await store.close();
}

if (process.env.REDIS !== "0") {
  const REDIS_COUNT = Number(process.env.REDIS_COUNT ?? 10_000);
  const prefix = `bifrost:bench:cache:${process.pid}:`;
  for (const dim of DIMS) {
    const store = new RedisCacheStore({ keyPrefix: prefix, commandTimeoutMs: 10_000 });
    try {
      await benchStore("redis", store, REDIS_COUNT, dim, 10, 200);
    } finally {
      await store.close();
      await unlinkPrefix("redis://127.0.0.1:6379", prefix);
    }
  }
}
