/**
 * semantic_cache: Go Bifrost's response cache. A request with a cache key (x-bf-cache-key, or
 * default_cache_key) is looked up by the exact hash of its normalized form, then, unless it asks for
 * a direct lookup only or `dimension` is 1, by the similarity of its embedding (made through the
 * gateway's own providers). A hit answers at once, as the client's dialect and stream mode expect,
 * with `extra_fields.cache_debug` and a cost of 0; a miss is stored after the answer went out, a
 * stream only when it completed. Entries are scoped by the cache key and the virtual key, so one tenant
 * never receives another's answer. See README.md.
 */
import { definePlugin, t, type AnyRequest, type ChatChunk, type RequestContext, type RequestSummary } from "bifrost/plugin";
import { cacheText, normalizedHash } from "./normalize";
import { MemoryCacheStore } from "./store-memory";
import { RedisCacheStore } from "./store-redis";
import type { CacheEntry, CacheStore } from "./store-types";

const configSchema = t.Object(
  {
    /** Embeddings: the provider and model that make them (through the gateway); dimension 1 = exact match only. */
    provider: t.String({ default: "" }),
    embedding_model: t.String({ default: "" }),
    dimension: t.Integer({ minimum: 1, default: 1 }),
    /** Seconds (or "30s", "5m", "1h") an entry lives. */
    ttl: t.Union([t.Number({ exclusiveMinimum: 0 }), t.String()], { default: 300 }),
    /** Cosine similarity a semantic hit needs. */
    threshold: t.Number({ minimum: 0, maximum: 1, default: 0.8 }),
    /** Conversations with more messages than this are not cached (their answers rarely repeat). */
    conversation_history_threshold: t.Integer({ minimum: 1, default: 3 }),
    exclude_system_prompt: t.Boolean({ default: false }),
    cache_by_model: t.Boolean({ default: true }),
    cache_by_provider: t.Boolean({ default: true }),
    /** The cache key of requests that send none ("" = only requests with x-bf-cache-key are cached). */
    default_cache_key: t.String({ default: "" }),
    vector_store_namespace: t.String({ default: "bifrost" }),
    /** Ours: where entries live (Go's vector_store): memory (persisted to SQLite) or Redis. */
    store: t.Object(
      {
        type: t.Union([t.Literal("memory"), t.Literal("redis")], { default: "memory" }),
        url: t.Optional(t.String()),
        key_prefix: t.Optional(t.String()),
        path: t.Optional(t.String()),
        max_entries: t.Optional(t.Integer({ minimum: 1 })),
      },
      { default: { type: "memory" } },
    ),
  },
  { additionalProperties: true },
);

const KEY = "semantic_cache";
const CACHED_OPS = new Set(["chat", "chatStream"]);

/** What a miss carries to the request's end, to store its answer. */
interface Pending {
  scope: string;
  cacheKey: string;
  hash: string;
  vector: Float32Array | null;
  ttlMs: number;
  stream: boolean;
  chunks: ChatChunk[] | null;
}

export default definePlugin({
  name: "semantic_cache",
  description: "Exact and semantic response cache (Go Bifrost's semantic_cache)",
  config: configSchema,

  async setup(ctx) {
    const cfg = ctx.config;
    const defaultTtlMs = durationMs(cfg.ttl);
    if (defaultTtlMs === null) throw new Error(`ttl: expected seconds or a duration like "5m", not ${JSON.stringify(cfg.ttl)}`);
    const semantic = cfg.dimension > 1;
    if (semantic && (!cfg.provider || !cfg.embedding_model)) throw new Error("provider and embedding_model are needed for semantic caching (or set dimension: 1 for exact matches only)");
    const store: CacheStore =
      cfg.store.type === "redis"
        ? new RedisCacheStore({ url: cfg.store.url, keyPrefix: cfg.store.key_prefix })
        : new MemoryCacheStore({ maxEntries: cfg.store.max_entries, sqlitePath: cfg.store.path, onError: (e: Error) => ctx.logger.warn("semantic_cache: entries could not be saved", { error: e.message }) });
    const ns = cfg.vector_store_namespace;
    const stats = { hits: 0, semanticHits: 0, misses: 0, stored: 0, storeErrors: 0 };

    /** A failing store is a miss, never a failed request. */
    async function safely<T>(what: string, f: () => Promise<T>, fallback: T): Promise<T> {
      try {
        return await f();
      } catch (e) {
        stats.storeErrors++;
        ctx.logger.warn(`semantic_cache: ${what} failed; treated as a miss`, { error: (e as Error).message });
        return fallback;
      }
    }

    async function embed(text: string): Promise<Float32Array | null> {
      try {
        const res = (await ctx.gateway.request("embeddings", { model: `${cfg.provider}/${cfg.embedding_model}`, input: text })) as { data?: Array<{ embedding?: number[] }> };
        const v = res.data?.[0]?.embedding;
        return Array.isArray(v) ? Float32Array.from(v) : null;
      } catch (e) {
        ctx.logger.warn("semantic_cache: the embedding failed; exact matches only for this request", { error: (e as Error).message });
        return null;
      }
    }

    return {
      async preRequest(req, rctx) {
        if (rctx.isFallback || !CACHED_OPS.has(rctx.op)) return;
        const h = (name: string) => rctx.headers[name];
        const cacheKey = h("x-bf-cache-key") ?? cfg.default_cache_key;
        if (!cacheKey) return;
        const messages = (req as { messages?: unknown[] }).messages ?? [];
        if (messages.length > cfg.conversation_history_threshold) return;
        const ttlMs = h("x-bf-cache-ttl") ? (durationMs(h("x-bf-cache-ttl")!) ?? defaultTtlMs) : defaultTtlMs;
        const threshold = h("x-bf-cache-threshold") ? clamp01(Number(h("x-bf-cache-threshold")), cfg.threshold) : cfg.threshold;
        const type = h("x-bf-cache-type");
        const noStore = h("x-bf-cache-no-store") === "true";
        const stream = rctx.op === "chatStream";
        const governance = rctx.values.get("governance") as { virtual_key_id?: string } | undefined;
        const scope = `${cacheKey}\u0000${governance?.virtual_key_id ?? ""}`;
        const hash = normalizedHash(req, rctx.provider, rctx.model, { byModel: cfg.cache_by_model, byProvider: cfg.cache_by_provider, excludeSystem: cfg.exclude_system_prompt });

        const exact = type === "semantic" ? null : await safely("an exact lookup", () => store.getExact(ns, scope, hash), null);
        if (exact && exact.stream === stream) return hit(rctx, exact, "direct", 1);
        let vector: Float32Array | null = null;
        if (semantic && type !== "direct") {
          vector = await embed(cacheText(req, cfg.exclude_system_prompt));
          if (vector) {
            const similar = await safely("a similarity lookup", () => store.findSimilar(ns, scope, vector!, threshold, stream), null);
            if (similar) return hit(rctx, similar.entry, "semantic", similar.similarity);
          }
        }
        stats.misses++;
        rctx.cacheHit = null;
        if (!noStore) rctx.values.set(KEY, { scope, cacheKey, hash, vector, ttlMs, stream, chunks: stream ? [] : null } satisfies Pending);
      },

      // A stream being stored keeps its chunks as the client got them (chunk for chunk on a hit).
      onStreamChunk(chunk, rctx) {
        const p = rctx.values.get(KEY) as Pending | undefined;
        if (p?.chunks && p.chunks.length < 10_000) p.chunks.push(structuredClone(chunk));
      },

      onRequestEnd(summary: RequestSummary) {
        const p = summary.values.get(KEY) as Pending | undefined;
        if (!p || summary.outcome !== "success" || summary.cacheHit || !summary.response) return;
        const payload = p.stream ? JSON.stringify(p.chunks ?? []) : JSON.stringify(summary.response);
        const now = Date.now();
        const entry: CacheEntry = { id: crypto.randomUUID(), scope: p.scope, cacheKey: p.cacheKey, hash: p.hash, vector: p.vector, payload, stream: p.stream, createdAt: now, expiresAt: now + p.ttlMs };
        // After the answer went out; a failing store only costs a future hit.
        return safely(
          "storing an entry",
          async () => {
            await store.put(ns, entry);
            stats.stored++;
          },
          undefined,
        );
      },

      routes: [
        {
          method: "DELETE",
          path: "/api/cache/clear/:cache_id",
          handle: async (_request, params) => {
            const deleted = await store.deleteById(ns, params.cache_id!);
            if (!deleted) return json({ is_bifrost_error: false, status_code: 404, error: { type: "not_found_error", message: "cache entry not found" } }, 404);
            return json({ message: "Cache entry cleared successfully" });
          },
        },
        {
          method: "DELETE",
          path: "/api/cache/clear-by-key/:cache_key",
          handle: async (_request, params) => json({ message: "Cache entries cleared successfully", cleared: await store.deleteByKey(ns, params.cache_key!) }),
        },
      ],

      metrics: () =>
        [
          "# HELP bifrost_semantic_cache_lookups_total Cache lookups by result.",
          "# TYPE bifrost_semantic_cache_lookups_total counter",
          `bifrost_semantic_cache_lookups_total{result="hit_direct"} ${stats.hits - stats.semanticHits}`,
          `bifrost_semantic_cache_lookups_total{result="hit_semantic"} ${stats.semanticHits}`,
          `bifrost_semantic_cache_lookups_total{result="miss"} ${stats.misses}`,
          "# HELP bifrost_semantic_cache_entries_stored_total Answers written to the cache.",
          "# TYPE bifrost_semantic_cache_entries_stored_total counter",
          `bifrost_semantic_cache_entries_stored_total ${stats.stored}`,
          "# HELP bifrost_semantic_cache_store_errors_total Cache store failures (each a miss, never a failed request).",
          "# TYPE bifrost_semantic_cache_store_errors_total counter",
          `bifrost_semantic_cache_store_errors_total ${stats.storeErrors}`,
        ].join("\n") + "\n",

      cleanup: () => store.close(),
    };

    /** A hit: the stored answer (or chunks), marked, costing nothing. */
    function hit(rctx: RequestContext, entry: CacheEntry, hitType: "direct" | "semantic", similarity: number) {
      stats.hits++;
      if (hitType === "semantic") stats.semanticHits++;
      rctx.cacheHit = hitType;
      const debug = { cache_hit: true, hit_type: hitType, similarity: Math.round(similarity * 1e6) / 1e6, cache_id: entry.id };
      const mark = (extra: Record<string, unknown> | undefined) => ({ ...(extra ?? {}), cache_debug: debug, cost: ZERO_COST });
      if (!entry.stream) {
        const response = JSON.parse(entry.payload) as Record<string, unknown>;
        response.extra_fields = mark(response.extra_fields as Record<string, unknown> | undefined);
        return { response };
      }
      const chunks = JSON.parse(entry.payload) as ChatChunk[];
      // Chunk for chunk, as stored; the last carries the debug (and the usage chunk's cost is 0).
      return {
        stream: (async function* () {
          for (let i = 0; i < chunks.length; i++) {
            const c = chunks[i]!;
            if (i === chunks.length - 1) c.extra_fields = mark(c.extra_fields as Record<string, unknown> | undefined) as unknown as ChatChunk["extra_fields"];
            else if (c.extra_fields?.cost) c.extra_fields = { ...c.extra_fields, cost: ZERO_COST };
            yield c;
          }
        })(),
      };
    }
  },
});

const ZERO_COST = { total_cost: 0, input_tokens_cost: 0, output_tokens_cost: 0, cache_read_cost: 0, cache_write_cost: 0, reasoning_cost: 0, image_cost: 0, audio_cost: 0 };

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

/** Seconds, or "30s" / "5m" / "1h" / "1d"; null when it is neither. */
function durationMs(v: number | string): number | null {
  if (typeof v === "number") return v > 0 ? v * 1000 : null;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(v.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? "s") as "ms" | "s" | "m" | "h" | "d"];
  return n > 0 ? n * unit : null;
}

function clamp01(x: number, fallback: number): number {
  return Number.isFinite(x) && x >= 0 && x <= 1 ? x : fallback;
}

export type { AnyRequest };
