/**
 * The Redis cache store, shared by every gateway replica that points at the same Redis. Works on plain
 * Redis (no search module), so similarity search is brute force: findSimilar reads every vector of the
 * scope (HSCAN in batches) and scores them here — O(n) per lookup in the scope's entry count, and the
 * whole scope's vectors cross the network each time (see bench/cache-store.bench.ts for the numbers).
 *
 * Keys (namespace, scope and cache key URI-encoded), every one expiring with what it holds:
 *   <p><ns>:e:<scope>:<hash>  hash: the entry (no vector), PEXPIREAT expiresAt
 *   <p><ns>:v:<scope>         hash: entry id → "<expiresAt>:<stream 0|1>:<base64 unit Float32>"
 *   <p><ns>:i:<id>            string: JSON [scope, hash, cacheKey], for deletes by id
 *   <p><ns>:k:<cacheKey>      set: entry ids, for deletes by cache key
 * Any failure (Redis down, unreachable, slow) rejects with an Error naming Redis within about a second.
 */
import { RedisClient } from "bun";
import { RedisConnection } from "bifrost/plugin";
import type { CacheEntry, CacheStore, SimilarHit } from "./store-types.ts";
import { dotAt, normalize, vectorFromBase64, vectorToBase64 } from "./vectors.ts";

export interface RedisCacheStoreOptions {
  /** Default redis://127.0.0.1:6379. */
  url?: string;
  /** Default "bifrost:cache:". */
  keyPrefix?: string;
  /** How long a connect may take before the command fails (ms, default 1000). */
  connectTimeoutMs?: number;
  /** How long one command may take before it fails (ms, default 1000). */
  commandTimeoutMs?: number;
  /** Vectors fetched per HSCAN round trip in findSimilar (default 1000). */
  scanBatch?: number;
}

/** A failed Redis call; the message starts with "Redis cache store:". */
export class RedisCacheStoreError extends Error {
  override name = "RedisCacheStoreError";
}

/** KEYS: entry, vectors, id index, key set. ARGV: id, scope, cacheKey, hash, payload, stream, createdAt, expiresAt, vector value or "", index value. */
const PUT = `
local old = redis.call('HGET', KEYS[1], 'id')
if old and old ~= ARGV[1] then
  redis.call('HDEL', KEYS[2], old)
  redis.call('SREM', KEYS[4], old)
  redis.call('DEL', ARGV[11] .. old)
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'scope', ARGV[2], 'cacheKey', ARGV[3], 'hash', ARGV[4],
  'payload', ARGV[5], 'stream', ARGV[6], 'createdAt', ARGV[7], 'expiresAt', ARGV[8])
redis.call('PEXPIREAT', KEYS[1], ARGV[8])
if ARGV[9] ~= '' then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[9])
  if redis.call('PEXPIRETIME', KEYS[2]) >= 0 then redis.call('PEXPIREAT', KEYS[2], ARGV[8], 'GT') else redis.call('PEXPIREAT', KEYS[2], ARGV[8]) end
end
redis.call('SET', KEYS[3], ARGV[10], 'PXAT', ARGV[8])
redis.call('SADD', KEYS[4], ARGV[1])
if redis.call('PEXPIRETIME', KEYS[4]) >= 0 then redis.call('PEXPIREAT', KEYS[4], ARGV[8], 'GT') else redis.call('PEXPIREAT', KEYS[4], ARGV[8]) end
return 0
`;

/** KEYS: entry, vectors, id index, key set. ARGV: id. Removes the entry only if it is still this id's. */
const DELETE = `
if redis.call('HGET', KEYS[1], 'id') == ARGV[1] then redis.call('DEL', KEYS[1]) end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[4], ARGV[1])
return redis.call('DEL', KEYS[3])
`;

/** KEYS: entry, vectors. Returns the entry's fields (flat) and its vector value, in one round trip. */
const GET = `
local fields = redis.call('HGETALL', KEYS[1])
if #fields == 0 then return {} end
local id = redis.call('HGET', KEYS[1], 'id')
return {fields, redis.call('HGET', KEYS[2], id) or ''}
`;

const SCRIPTS = { PUT, DELETE, GET } as const;
const enc = encodeURIComponent;

export class RedisCacheStore implements CacheStore {
  readonly kind = "redis" as const;
  private readonly redis: RedisConnection;
  private readonly prefix: string;
  private readonly scanBatch: number;

  constructor(options: RedisCacheStoreOptions = {}) {
    this.prefix = options.keyPrefix ?? "bifrost:cache:";
    this.scanBatch = options.scanBatch ?? 1000;
    this.redis = new RedisConnection({
      url: options.url,
      connectTimeoutMs: options.connectTimeoutMs,
      commandTimeoutMs: options.commandTimeoutMs,
      fail: (message: string, cause?: unknown) => new RedisCacheStoreError(`Redis cache store: ${message}`, { cause }),
    });
  }

  private entryKey(ns: string, scope: string, hash: string) {
    return `${this.prefix}${enc(ns)}:e:${enc(scope)}:${enc(hash)}`;
  }
  private vectorsKey(ns: string, scope: string) {
    return `${this.prefix}${enc(ns)}:v:${enc(scope)}`;
  }
  private idPrefix(ns: string) {
    return `${this.prefix}${enc(ns)}:i:`;
  }
  private keySetKey(ns: string, cacheKey: string) {
    return `${this.prefix}${enc(ns)}:k:${enc(cacheKey)}`;
  }

  async getExact(namespace: string, scope: string, hash: string, now = Date.now()): Promise<CacheEntry | null> {
    const entry = await this.fetch(namespace, scope, hash);
    return entry && entry.expiresAt > now ? entry : null;
  }

  async findSimilar(
    namespace: string,
    scope: string,
    vector: Float32Array,
    threshold: number,
    stream: boolean,
    now = Date.now(),
  ): Promise<SimilarHit | null> {
    const q = normalize(vector);
    const dim = q.length;
    const b64Len = Math.ceil((dim * 4) / 3) * 4;
    const scratch = Buffer.alloc(dim * 4);
    const row = new Float32Array(scratch.buffer, scratch.byteOffset, dim);
    const key = this.vectorsKey(namespace, scope);
    const candidates: Array<{ id: string; score: number }> = [];
    const expired: string[] = [];
    let cursor = "0";
    do {
      const [next, flat] = (await this.send("HSCAN", [key, cursor, "COUNT", String(this.scanBatch)])) as [string, string[]];
      cursor = next;
      for (let i = 0; i < flat.length; i += 2) {
        const value = flat[i + 1]!;
        const a = value.indexOf(":");
        const expiresAt = Number(value.slice(0, a));
        if (expiresAt <= now) {
          expired.push(flat[i]!);
          continue;
        }
        if ((value.charCodeAt(a + 1) === 49) !== stream) continue; // "1": a stream entry
        if (value.length - a - 3 !== b64Len) continue; // another dimension
        scratch.write(value.slice(a + 3), "base64");
        const score = dotAt(q, row, 0);
        if (score >= threshold) candidates.push({ id: flat[i]!, score });
      }
    } while (cursor !== "0");
    if (expired.length > 0) this.send("HDEL", [key, ...expired]).catch(() => {});
    candidates.sort((x, y) => y.score - x.score);
    // The best candidate's entry may be gone (deleted or expired since): try the next few.
    for (const c of candidates.slice(0, 3)) {
      const ref = await this.lookupId(namespace, c.id);
      if (!ref) continue;
      const entry = await this.fetch(namespace, ref[0], ref[1]);
      if (entry && entry.id === c.id && entry.expiresAt > now) {
        return { entry, similarity: Math.min(1, Math.max(0, c.score)) };
      }
    }
    return null;
  }

  async put(namespace: string, e: CacheEntry): Promise<void> {
    const vec = e.vector ? `${e.expiresAt}:${e.stream ? 1 : 0}:${vectorToBase64(normalize(e.vector))}` : "";
    const keys = [
      this.entryKey(namespace, e.scope, e.hash),
      this.vectorsKey(namespace, e.scope),
      this.idPrefix(namespace) + e.id,
      this.keySetKey(namespace, e.cacheKey),
    ];
    const args = [
      e.id, e.scope, e.cacheKey, e.hash, e.payload, e.stream ? "1" : "0", String(e.createdAt), String(e.expiresAt),
      vec, JSON.stringify([e.scope, e.hash, e.cacheKey]), this.idPrefix(namespace),
    ];
    await this.script("PUT", keys, args);
  }

  async deleteById(namespace: string, id: string): Promise<boolean> {
    const ref = await this.lookupId(namespace, id);
    if (!ref) return false;
    const [scope, hash, cacheKey] = ref;
    const keys = [
      this.entryKey(namespace, scope, hash),
      this.vectorsKey(namespace, scope),
      this.idPrefix(namespace) + id,
      this.keySetKey(namespace, cacheKey),
    ];
    return Number(await this.script("DELETE", keys, [id])) === 1;
  }

  async deleteByKey(namespace: string, cacheKey: string): Promise<number> {
    const ids = (await this.send("SMEMBERS", [this.keySetKey(namespace, cacheKey)])) as string[];
    let n = 0;
    for (const id of ids) if (await this.deleteById(namespace, id)) n++;
    return n;
  }

  async close(): Promise<void> {
    this.redis.close();
  }

  private async lookupId(ns: string, id: string): Promise<[string, string, string] | null> {
    const raw = (await this.send("GET", [this.idPrefix(ns) + id])) as string | null;
    return raw ? (JSON.parse(raw) as [string, string, string]) : null;
  }

  private async fetch(ns: string, scope: string, hash: string): Promise<CacheEntry | null> {
    const reply = (await this.script("GET", [this.entryKey(ns, scope, hash), this.vectorsKey(ns, scope)], [])) as
      | []
      | [string[], string];
    if (reply.length === 0) return null;
    const [flat, vec] = reply;
    const f: Record<string, string> = {};
    for (let i = 0; i < flat.length; i += 2) f[flat[i]!] = flat[i + 1]!;
    let vector: Float32Array | null = null;
    if (vec) vector = vectorFromBase64(vec.slice(vec.indexOf(":", vec.indexOf(":") + 1) + 1));
    return {
      id: f.id!,
      scope: f.scope!,
      cacheKey: f.cacheKey!,
      hash: f.hash!,
      vector,
      payload: f.payload!,
      stream: f.stream === "1",
      createdAt: Number(f.createdAt),
      expiresAt: Number(f.expiresAt),
    };
  }

  private script(name: keyof typeof SCRIPTS, keys: string[], args: string[]): Promise<unknown> {
    return this.redis.script(SCRIPTS[name], keys, args);
  }

  private send(command: string, args: string[]): Promise<unknown> {
    return this.redis.send(command, args);
  }
}

/** Unlinks every key under `prefix` (tests and benches clean up with it; SCAN, so it never blocks Redis). */
export async function unlinkPrefix(url: string, prefix: string): Promise<void> {
  const admin = new RedisClient(url);
  try {
    let cursor = "0";
    do {
      const [next, keys] = (await admin.send("SCAN", [cursor, "MATCH", `${prefix}*`, "COUNT", "1000"])) as [string, string[]];
      cursor = next;
      if (keys.length > 0) await admin.send("UNLINK", keys);
    } while (cursor !== "0");
  } finally {
    admin.close();
  }
}

