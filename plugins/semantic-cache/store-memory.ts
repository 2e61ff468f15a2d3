/**
 * The embedded cache store: entries in memory (a hash map per scope for exact lookups; per scope and
 * dimension one contiguous Float32Array of unit vectors, so similarity is a dot-product loop), bounded
 * by an LRU over all namespaces, and written to SQLite in the background so a restart keeps the cache.
 */
import { openPrivateSqlite } from "bifrost/plugin";
import { Database } from "bun:sqlite";
import type { CacheEntry, CacheStore, SimilarHit } from "./store-types.ts";
import { dotAt, normalize, vectorFromBytes, vectorToBytes } from "./vectors.ts";

export interface MemoryCacheStoreOptions {
  /** Most entries kept over all namespaces; the least recently used go first (default 10,000). */
  maxEntries?: number;
  /** SQLite file the entries persist to (none: memory only). */
  sqlitePath?: string;
  /** How often pending writes go to SQLite (ms, default 2000). */
  flushIntervalMs?: number;
  /** A persistence failure (open, load, write); the cache keeps working in memory. */
  onError?: (err: Error) => void;
}

interface Rec {
  ns: string;
  /** Stored with vector null: the vector lives in its VectorSet row. */
  entry: CacheEntry;
  scope: ScopeIndex;
  set: VectorSet | null;
  slot: number;
}

/** Unit vectors of one dimension, row by row; removal moves the last row into the hole. */
class VectorSet {
  data: Float32Array;
  recs: Rec[] = [];
  constructor(readonly dim: number) {
    this.data = new Float32Array(dim * 16);
  }
  get count() {
    return this.recs.length;
  }
  add(rec: Rec, unit: Float32Array) {
    const n = this.recs.length;
    if ((n + 1) * this.dim > this.data.length) {
      const grown = new Float32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data.set(unit, n * this.dim);
    rec.set = this;
    rec.slot = n;
    this.recs.push(rec);
  }
  remove(rec: Rec) {
    const last = this.recs.length - 1;
    const slot = rec.slot;
    if (slot !== last) {
      this.data.copyWithin(slot * this.dim, last * this.dim, (last + 1) * this.dim);
      const moved = this.recs[last]!;
      this.recs[slot] = moved;
      moved.slot = slot;
    }
    this.recs.pop();
    rec.set = null;
  }
  row(slot: number): Float32Array {
    return this.data.slice(slot * this.dim, (slot + 1) * this.dim);
  }
}

class ScopeIndex {
  exact = new Map<string, Rec>();
  sets = new Map<number, VectorSet>();
}

class NamespaceIndex {
  scopes = new Map<string, ScopeIndex>();
  byId = new Map<string, Rec>();
  byKey = new Map<string, Set<Rec>>();
}

const DEL = 0;
type Pending = Rec | typeof DEL;

export class MemoryCacheStore implements CacheStore {
  readonly kind = "memory" as const;
  private readonly maxEntries: number;
  private readonly onError: (err: Error) => void;
  private readonly namespaces = new Map<string, NamespaceIndex>();
  /** Insertion order = recency: a hit moves its record to the end; eviction takes the first. */
  private readonly lru = new Set<Rec>();
  private db: Database | null = null;
  /** namespace \0 id → what SQLite must get: the live record, or a delete. */
  private pending = new Map<string, { ns: string; id: string; op: Pending }>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private closed = false;

  constructor(options: MemoryCacheStoreOptions = {}) {
    this.maxEntries = Math.max(1, options.maxEntries ?? 10_000);
    this.onError = options.onError ?? (() => {});
    if (options.sqlitePath) {
      try {
        this.db = openDatabase(options.sqlitePath);
        this.load();
      } catch (err) {
        this.db?.close();
        this.db = null;
        this.onError(asError(err, `cache store: cannot open ${options.sqlitePath}`));
      }
      if (this.db) {
        this.timer = setInterval(() => this.flush(), options.flushIntervalMs ?? 2000);
        this.timer.unref?.();
      }
    }
  }

  /** How many entries are held (live or not yet dropped). */
  get size(): number {
    return this.lru.size;
  }

  async getExact(namespace: string, scope: string, hash: string, now = Date.now()): Promise<CacheEntry | null> {
    const rec = this.namespaces.get(namespace)?.scopes.get(scope)?.exact.get(hash);
    if (!rec) return null;
    if (rec.entry.expiresAt <= now) {
      this.remove(rec);
      return null;
    }
    this.touch(rec);
    return this.view(rec);
  }

  async findSimilar(
    namespace: string,
    scope: string,
    vector: Float32Array,
    threshold: number,
    stream: boolean,
    now = Date.now(),
  ): Promise<SimilarHit | null> {
    const set = this.namespaces.get(namespace)?.scopes.get(scope)?.sets.get(vector.length);
    if (!set || set.count === 0) return null;
    const q = normalize(vector);
    const { data, recs, dim } = set;
    let best = -1;
    let bestScore = -Infinity;
    let expired: Rec[] | null = null;
    for (let i = 0, n = recs.length; i < n; i++) {
      const s = dotAt(q, data, i * dim);
      if (s < threshold || s <= bestScore) continue;
      const e = recs[i]!.entry;
      if (e.expiresAt <= now) (expired ??= []).push(recs[i]!);
      else if (e.stream === stream) {
        best = i;
        bestScore = s;
      }
    }
    const hit = best >= 0 ? recs[best]! : null;
    const result = hit ? { entry: this.view(hit), similarity: Math.min(1, Math.max(0, bestScore)) } : null;
    if (expired) for (const r of expired) this.remove(r);
    if (hit) this.touch(hit);
    return result;
  }

  async put(namespace: string, entry: CacheEntry): Promise<void> {
    if (this.closed) return;
    this.insert(namespace, entry, entry.vector ? normalize(entry.vector) : null, true);
  }

  async deleteById(namespace: string, id: string): Promise<boolean> {
    const rec = this.namespaces.get(namespace)?.byId.get(id);
    if (!rec) return false;
    this.remove(rec);
    return true;
  }

  async deleteByKey(namespace: string, cacheKey: string): Promise<number> {
    const recs = this.namespaces.get(namespace)?.byKey.get(cacheKey);
    if (!recs) return 0;
    const all = [...recs];
    for (const r of all) this.remove(r);
    return all.length;
  }

  /** Writes pending changes to SQLite now (the timer and close call it too). */
  flush(now = Date.now()): void {
    const db = this.db;
    if (!db || this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      const upsert = db.prepare(
        `INSERT OR REPLACE INTO cache_entries
         (namespace, id, scope, cache_key, hash, vector, payload, stream, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const del = db.prepare(`DELETE FROM cache_entries WHERE namespace = ? AND id = ?`);
      db.transaction(() => {
        for (const { ns, id, op } of batch.values()) {
          if (op === DEL) {
            del.run(ns, id);
            continue;
          }
          const e = op.entry;
          const vec = op.set ? vectorToBytes(op.set.row(op.slot)) : null;
          upsert.run(ns, id, e.scope, e.cacheKey, e.hash, vec, e.payload, e.stream ? 1 : 0, e.createdAt, e.expiresAt);
        }
        db.prepare(`DELETE FROM cache_entries WHERE expires_at <= ?`).run(now);
      })();
    } catch (err) {
      // Keep what failed for the next flush unless something newer replaced it meanwhile.
      for (const [k, v] of batch) if (!this.pending.has(k)) this.pending.set(k, v);
      this.onError(asError(err, "cache store: SQLite write failed"));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.flush();
    try {
      this.db?.close();
    } catch (err) {
      this.onError(asError(err, "cache store: SQLite close failed"));
    }
    this.db = null;
  }

  private insert(ns: string, entry: CacheEntry, unit: Float32Array | null, persist: boolean) {
    let index = this.namespaces.get(ns);
    if (!index) this.namespaces.set(ns, (index = new NamespaceIndex()));
    let scope = index.scopes.get(entry.scope);
    if (!scope) index.scopes.set(entry.scope, (scope = new ScopeIndex()));
    const old = index.byId.get(entry.id) ?? scope.exact.get(entry.hash);
    if (old) this.remove(old);
    // remove() may have dropped the emptied scope from the namespace: put it back.
    if (!index.scopes.has(entry.scope)) index.scopes.set(entry.scope, scope);
    if (!this.namespaces.has(ns)) this.namespaces.set(ns, index);

    const rec: Rec = { ns, entry: { ...entry, vector: null }, scope, set: null, slot: -1 };
    scope.exact.set(entry.hash, rec);
    if (unit) {
      let set = scope.sets.get(unit.length);
      if (!set) scope.sets.set(unit.length, (set = new VectorSet(unit.length)));
      set.add(rec, unit);
    }
    index.byId.set(entry.id, rec);
    let keyed = index.byKey.get(entry.cacheKey);
    if (!keyed) index.byKey.set(entry.cacheKey, (keyed = new Set()));
    keyed.add(rec);
    this.lru.add(rec);
    if (persist) this.mark(rec, rec);
    while (this.lru.size > this.maxEntries) this.remove(this.lru.values().next().value!);
  }

  private remove(rec: Rec) {
    if (!this.lru.delete(rec)) return;
    const index = this.namespaces.get(rec.ns)!;
    const e = rec.entry;
    if (rec.scope.exact.get(e.hash) === rec) rec.scope.exact.delete(e.hash);
    if (rec.set) {
      const set = rec.set;
      set.remove(rec);
      if (set.count === 0) rec.scope.sets.delete(set.dim);
    }
    if (rec.scope.exact.size === 0 && rec.scope.sets.size === 0) index.scopes.delete(e.scope);
    if (index.byId.get(e.id) === rec) index.byId.delete(e.id);
    const keyed = index.byKey.get(e.cacheKey);
    keyed?.delete(rec);
    if (keyed?.size === 0) index.byKey.delete(e.cacheKey);
    if (index.byId.size === 0) this.namespaces.delete(rec.ns);
    this.mark(rec, DEL);
  }

  private mark(rec: Rec, op: Pending) {
    if (this.db) this.pending.set(`${rec.ns}\0${rec.entry.id}`, { ns: rec.ns, id: rec.entry.id, op });
  }

  private touch(rec: Rec) {
    this.lru.delete(rec);
    this.lru.add(rec);
  }

  private view(rec: Rec): CacheEntry {
    return { ...rec.entry, vector: rec.set ? rec.set.row(rec.slot) : null };
  }

  private load() {
    const rows = this.db!.query(
      `SELECT namespace, id, scope, cache_key, hash, vector, payload, stream, created_at, expires_at
       FROM cache_entries WHERE expires_at > ? ORDER BY created_at`,
    ).all(Date.now()) as Array<{
      namespace: string;
      id: string;
      scope: string;
      cache_key: string;
      hash: string;
      vector: Uint8Array | null;
      payload: string;
      stream: number;
      created_at: number;
      expires_at: number;
    }>;
    for (const r of rows) {
      const vector = r.vector ? vectorFromBytes(r.vector) : null;
      const entry: CacheEntry = {
        id: r.id,
        scope: r.scope,
        cacheKey: r.cache_key,
        hash: r.hash,
        vector,
        payload: r.payload,
        stream: r.stream === 1,
        createdAt: r.created_at,
        expiresAt: r.expires_at,
      };
      this.insert(r.namespace, entry, vector, false);
    }
  }
}

function openDatabase(path: string): Database {
  const db = openPrivateSqlite(path);
  db.exec(`CREATE TABLE IF NOT EXISTS cache_entries (
    namespace TEXT NOT NULL,
    id TEXT NOT NULL,
    scope TEXT NOT NULL,
    cache_key TEXT NOT NULL,
    hash TEXT NOT NULL,
    vector BLOB,
    payload TEXT NOT NULL,
    stream INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (namespace, id)
  )`);
  return db;
}

function asError(err: unknown, context: string): Error {
  const message = err instanceof Error ? err.message : String(err);
  return new Error(`${context}: ${message}`, { cause: err });
}
