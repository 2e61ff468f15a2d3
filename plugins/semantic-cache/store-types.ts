/**
 * Where the response cache keeps its entries: exact entries by hash, and the same entries' embedding
 * vectors for similarity search. Two implementations: embedded (memory, LRU-bounded, persisted to
 * SQLite so a restart keeps the cache) and Redis (shared by replicas; works on plain Redis, no search
 * module). Every entry lives in a namespace and under a scope (the cache key, plus the virtual key
 * when governance is on), and is found only within them.
 */

/** What is cached for one request: the answer (unary) or the chunks (stream), as the client got them. */
export interface CacheEntry {
  /** Unguessable id (for DELETE /api/cache/clear/{cache_id}). */
  id: string;
  /** The cache key and tenant it belongs to (x-bf-cache-key or default_cache_key, plus the virtual key). */
  scope: string;
  /** The cache key alone, for DELETE /api/cache/clear-by-key/{cache_key}. */
  cacheKey: string;
  /** The exact-match hash of the normalized request. */
  hash: string;
  /** The request's embedding, when semantic caching is on (null: exact only). */
  vector: Float32Array | null;
  /** JSON of the canonical answer: a chat completion / response object, or an array of chunks for a stream. */
  payload: string;
  stream: boolean;
  /** Epoch ms. */
  createdAt: number;
  expiresAt: number;
}

export interface SimilarHit {
  entry: CacheEntry;
  /** Cosine similarity, 0..1. */
  similarity: number;
}

export interface CacheStore {
  readonly kind: "memory" | "redis";
  /** The live entry with this hash in this scope, or null. */
  getExact(namespace: string, scope: string, hash: string, now?: number): Promise<CacheEntry | null>;
  /** The most similar live entry in this scope with similarity ≥ threshold, or null. `stream` must match. */
  findSimilar(namespace: string, scope: string, vector: Float32Array, threshold: number, stream: boolean, now?: number): Promise<SimilarHit | null>;
  put(namespace: string, entry: CacheEntry): Promise<void>;
  /** Delete by entry id; true when one was deleted. */
  deleteById(namespace: string, id: string): Promise<boolean>;
  /** Delete every entry of a cache key (all tenants); the count deleted. */
  deleteByKey(namespace: string, cacheKey: string): Promise<number>;
  close(): Promise<void>;
}
