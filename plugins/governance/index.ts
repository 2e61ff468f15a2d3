/**
 * governance: virtual keys, budgets and rate limits (Go Bifrost's `governance`), first in the
 * pipeline. Per request: the key it presents (decide.ts), whether it may call what it names and
 * where an unprefixed model goes, then one all-or-nothing reservation on every limit up the chain
 * (counters-*.ts) sized from the request (input tokens estimated, max_tokens or a default for the
 * output, priced by the catalog); after the answer, the reservation is settled with what the call
 * really cost and used, or given back when no provider was called. A native batch (its lines pass no pre-hook)
 * is admitted only while its key has room left (admitBatch) and its lines charged when they ran. See README.md.
 */
import { definePlugin, t, type AnyRequest, type Op, type PluginContext, type RequestContext, type RequestSummary } from "bifrost/plugin";
import type { CounterStore, ReservationToken } from "./counters-types";
import { MemoryCounterStore } from "./counters-memory";
import { RedisCounterStore } from "./counters-redis";
import { admit, allowed, deniedError, firstWithoutRoom, limitsFor, mcpToolAllowed, mcpToolsFor, presentedKey, providerConfigFor, route, splitModel, type GovernanceError, type TaggedLimit } from "./decide";
import { DefinitionStore, type StoreOptions } from "./definitions";
import { GovernanceInputError, parseGovernanceConfig, type ProviderConfig, type VirtualKey } from "./model";
import { governanceRoutes } from "./routes";

const configSchema = t.Object(
  {
    /** Go's sections: seed the definitions (the admin API changes them afterwards). */
    virtual_keys: t.Optional(t.Array(t.Any())),
    teams: t.Optional(t.Array(t.Any())),
    customers: t.Optional(t.Array(t.Any())),
    budgets: t.Optional(t.Array(t.Any())),
    rate_limits: t.Optional(t.Array(t.Any())),
    /** Where the counters live: memory (one process; persisted beside the definitions) or Redis (replicas). */
    store: t.Object(
      {
        type: t.Union([t.Literal("memory"), t.Literal("redis")], { default: "memory" }),
        url: t.Optional(t.String()),
        key_prefix: t.Optional(t.String()),
      },
      { default: { type: "memory" } },
    ),
    /** When the counter store fails (Redis unreachable): refuse the request (503) or let it through uncounted. */
    on_store_error: t.Union([t.Literal("deny"), t.Literal("allow")], { default: "deny" }),
    /** A model without a price under a budget: refused (403) unless this is true (then it costs 0). */
    allow_unpriced_models: t.Boolean({ default: false }),
    /** client.enforce_auth_on_inference / client.enforce_governance_header: a virtual key is required. */
    enforce_auth_on_inference: t.Boolean({ default: false }),
    enforce_governance_header: t.Boolean({ default: false }),
    /** The output a reservation assumes when the request sets no max_tokens. */
    default_max_tokens: t.Integer({ minimum: 1, default: 4096 }),
    /** Where the definitions (keys, teams, customers) live: a SQLite file, or PostgreSQL for replicas. */
    definitions: t.Object({ path: t.Optional(t.String()), url: t.Optional(t.String()) }, { default: {} }),
  },
  { additionalProperties: true },
);

/** What a governed request carries from its pre-hook to its end (rctx.values; telemetry reads the names). */
interface Held {
  virtual_key_id: string;
  virtual_key_name: string;
  team_id: string;
  team_name: string;
  customer_id: string;
  customer_name: string;
  vk: VirtualKey;
  /** null: the counter store failed and on_store_error let the request through uncounted. */
  token: ReservationToken | null;
  kinds: TaggedLimit["kind"][];
}

const KEY = "governance";
/** An owner (identify, rctx.principal) that is a virtual key: "vk:<id>". */
const OWNER_PREFIX = "vk:";
const DEFINITIONS_POLL_MS = 5000;
/** The plugin's own fields, not Go's governance sections. */
const PLUGIN_FIELDS = ["store", "on_store_error", "allow_unpriced_models", "enforce_auth_on_inference", "enforce_governance_header", "default_max_tokens", "definitions"];

export default definePlugin({
  name: "governance",
  description: "Virtual keys, budgets and rate limits that hold under concurrency and across replicas",
  config: configSchema,
  // A failed check must not let a request through.
  fail: "closed",
  setupTimeoutMs: 15000,

  async setup(ctx) {
    const cfg = ctx.config;
    const section = Object.fromEntries(Object.entries(cfg).filter(([k]) => !PLUGIN_FIELDS.includes(k)));
    let seed;
    try {
      seed = parseGovernanceConfig(section);
    } catch (e) {
      throw e instanceof GovernanceInputError ? new Error(`invalid governance config: ${e.message}`) : e;
    }
    const defs = await DefinitionStore.open(definitionsAt(cfg.definitions), seed);
    // Shared definitions (PostgreSQL, replicas): what another replica's admin API wrote shows here within seconds.
    const refresh = cfg.definitions.url ? setInterval(() => defs.reload().catch((e: Error) => ctx.logger.warn("governance: could not re-read the definitions", { error: e.message })), DEFINITIONS_POLL_MS) : null;
    refresh?.unref?.();
    const counters = openCounters(ctx, cfg.store, cfg.definitions.url ? undefined : (cfg.definitions.path ?? "governance.db"));
    const required = cfg.enforce_auth_on_inference || cfg.enforce_governance_header;
    // Per request, the same key and the same limits come up again and again: remembered until a definition changes.
    const keysSeen = new Map<string, VirtualKey | undefined>();
    const limitsSeen = new Map<string, TaggedLimit[]>();
    const forget = defs.changed(() => (keysSeen.clear(), limitsSeen.clear()));
    const lookup = (presented: string): VirtualKey | undefined => {
      if (keysSeen.has(presented)) return keysSeen.get(presented);
      const vk = defs.byValue(presented);
      if (keysSeen.size >= 10_000) keysSeen.clear();
      keysSeen.set(presented, vk);
      return vk;
    };
    const limitsOf = (vk: VirtualKey, pc: ProviderConfig | null): TaggedLimit[] => {
      const k = `${vk.id}\u0000${pc?.provider ?? ""}`;
      let l = limitsSeen.get(k);
      if (!l) {
        if (limitsSeen.size >= 10_000) limitsSeen.clear();
        limitsSeen.set(k, (l = limitsFor(vk, pc, defs)));
      }
      return l;
    };
    const stats = { storeErrors: 0, denied: new Map<string, number>() };
    const deny = (e: GovernanceError | { status: number; type: string; code: string; message: string; headers?: Record<string, string> }, allowFallbacks = false) => {
      stats.denied.set(e.code, (stats.denied.get(e.code) ?? 0) + 1);
      return { error: e, allowFallbacks };
    };

    /** Reserve on every limit of `vk` at provider config `pc` for `request`: the held state, or a refusal. */
    async function reserve(vk: VirtualKey, pc: ProviderConfig | null, request: AnyRequest, op: Op) {
      const tagged = limitsOf(vk, pc);
      const { provider, model } = splitModel(request.model, ctx.runtime.providers());
      const price = provider ? ctx.pricing.priceOf(provider, model, op) : null;
      const budgets = tagged.some((l) => l.kind === "budget");
      if (budgets && !price && !cfg.allow_unpriced_models) {
        return deny({
          status: 403,
          type: "model_blocked",
          code: "model_unpriced",
          message: `Model '${request.model}' has no price, so a budget cannot be held for it: give it one in providers.${provider ?? "<provider>"}.pricing_overrides, or set governance.allow_unpriced_models`,
        });
      }
      const input = ctx.pricing.estimateInputTokens(request);
      const output = outputTokens(request, op, cfg.default_max_tokens);
      const estimate = price ? (ctx.pricing.costOf(price, op, { prompt_tokens: input, completion_tokens: output, total_tokens: input + output })?.total_cost ?? 0) : 0;
      const items = tagged.map((l) => ({ limit: l.limit, amount: l.kind === "budget" ? estimate : l.kind === "requests" ? 1 : input + output }));
      let token: ReservationToken | null = null;
      if (items.length) {
        try {
          const r = await counters.reserve(items);
          if (!r.ok) {
            const which = tagged.find((l) => l.limit.id === r.limit.id)!;
            const e = deniedError(which, r.used, r.resetAt, Date.now());
            // The limit may have room left, only not for what this request could cost: say what it asked for.
            const asked = items[tagged.indexOf(which)]!.amount;
            if (which.kind === "budget") e.message += `; this request reserves up to $${round6(asked)} (${input} input tokens estimated, ${output} output tokens: its max_tokens, else governance.default_max_tokens)`;
            else if (which.kind === "tokens") e.message += `; this request reserves up to ${asked} tokens (its max_tokens, else governance.default_max_tokens)`;
            return deny(e);
          }
          token = r.token;
        } catch (e) {
          const refused = storeFailed(e, "request");
          if (refused) return refused;
        }
      }
      return { token, kinds: tagged.map((l) => l.kind) };
    }

    /** The counter store failed: logged and counted; the refusal when on_store_error is "deny", else nothing (go on uncounted). */
    function storeFailed(e: unknown, what: "request" | "batch") {
      stats.storeErrors++;
      ctx.logger.warn("governance: the counter store failed", { error: (e as Error).message, on_store_error: cfg.on_store_error });
      if (cfg.on_store_error === "deny") return deny({ status: 503, type: "governance_store_unavailable", code: "governance_store_unavailable", message: `governance cannot check this ${what}'s limits now (its counter store is unavailable)` });
    }

    /**
     * A native batch's admission (admitBatch): its owner's key, checked as if presented, must have room left now on
     * every limit up its chain at the batch's provider (provider config, key, team, customer) — what a single request
     * from the key would be refused for whatever its size, with the same 402 / 429. Nothing is reserved: the lines
     * are charged when their results arrive (chargeExternal), and a batch admitted with room may overrun it.
     */
    async function admitNativeBatch(owner: string | null, provider: string) {
      if (!owner?.startsWith(OWNER_PREFIX)) return;
      const a = admit(owner, defs.virtualKey(owner.slice(OWNER_PREFIX.length)), Date.now(), required);
      if (!a.ok) return deny(a.error);
      if (!a.vk) return;
      const tagged = limitsOf(a.vk, providerConfigFor(a.vk, provider) ?? null);
      if (!tagged.length) return;
      const now = Date.now();
      let used: Array<{ used: number; resetAt: number | null }>;
      try {
        used = await Promise.all(tagged.map((l) => counters.usage(l.limit, now)));
      } catch (e) {
        return storeFailed(e, "batch");
      }
      const full = firstWithoutRoom(tagged, used.map((u) => u.used));
      if (full < 0) return;
      const e = deniedError(tagged[full]!, used[full]!.used, used[full]!.resetAt, now);
      e.message += "; a batch is sent to its provider only while the key has room left";
      return deny(e);
    }

    async function settle(held: Held, s: RequestSummary) {
      if (!held.token) return;
      // No provider was called (refused, or a plugin answered without one): nothing was used.
      if (s.attempts.length === 0 && !s.cacheHit) return counters.release(held.token);
      const failed = s.outcome === "error";
      const cost = failed || s.cacheHit ? 0 : (s.cost?.total_cost ?? 0);
      const tokens = failed || s.cacheHit ? 0 : (s.usage?.total_tokens ?? 0);
      return counters.commit(held.token, held.kinds.map((k) => (k === "budget" ? cost : k === "requests" ? 1 : tokens)));
    }

    /**
     * A request that ran without passing here (RequestSummary.external: a line of a native batch, reported
     * when the provider's results arrived): nothing was reserved, so what it used is added to every limit of
     * its owner's key (rctx.principal "vk:<id>") at the provider it ran on, as a settled request would be —
     * its cost and tokens when it succeeded, one request either way. The key is charged even if it was
     * deactivated since (the usage happened); a deleted key has no limits left to charge.
     */
    function chargeExternal(s: RequestSummary): Promise<void> | undefined {
      if (!s.principal?.startsWith(OWNER_PREFIX)) return;
      const vk = defs.virtualKey(s.principal.slice(OWNER_PREFIX.length));
      if (!vk) return;
      const tagged = limitsOf(vk, providerConfigFor(vk, s.provider) ?? null);
      if (!tagged.length) return;
      const failed = s.outcome !== "success";
      const cost = failed ? 0 : (s.cost?.total_cost ?? 0);
      const tokens = failed ? 0 : (s.usage?.total_tokens ?? 0);
      return counters.add(tagged.map((l) => ({ limit: l.limit, amount: l.kind === "budget" ? cost : l.kind === "requests" ? 1 : tokens })));
    }

    /**
     * The key a caller presents; with none, the owner a gateway-run batch line runs for (rctx.principal,
     * "vk:<id>", set only in-process): that key, checked as if presented (deleted or inactive: refused).
     */
    function keyOf(header: (name: string) => string | undefined, principal?: string | null) {
      const presented = presentedKey(header);
      if (!presented && principal?.startsWith(OWNER_PREFIX)) return admit(principal, defs.virtualKey(principal.slice(OWNER_PREFIX.length)), Date.now(), required);
      return admit(presented, presented ? lookup(presented) : undefined, Date.now(), required);
    }

    return {
      acceptsCredential: (value) => value.startsWith("sk-bf-"),

      async preRequest(req, rctx) {
        const held = rctx.values.get(KEY) as Held | undefined;
        if (rctx.isFallback) return held ? fallback(held, req, rctx) : undefined;
        const a = keyOf((name) => rctx.headers[name], rctx.principal);
        if (!a.ok) return deny(a.error);
        if (!a.vk) return; // no key, and none required: ungoverned
        const vk = a.vk;
        const providers = ctx.runtime.providers();
        const decision = route(vk, req.model, providers);
        if (!decision.ok) return deny(decision.error);
        const pc = decision.providerConfig;
        // The key's fallbacks first (its other providers by weight), then the client's, each only if the key allows it.
        const theirs = (req.fallbacks ?? []).filter((f) => {
          const s = splitModel(f, providers);
          return s.provider !== null && allowed(vk, s.provider, s.model);
        });
        const fallbacks = [...decision.fallbacks, ...theirs.filter((f) => !decision.fallbacks.includes(f))];
        const request = decision.model !== req.model || !sameList(fallbacks, req.fallbacks) ? { ...req, model: decision.model, fallbacks } : req;
        restrictKeys(rctx, pc);
        const r = await reserve(vk, pc, request, rctx.op);
        if ("error" in r) return r;
        const team = vk.team_id ? defs.team(vk.team_id) : undefined;
        const customer = defs.customer(team?.customer_id ?? vk.customer_id ?? "");
        rctx.values.set(KEY, {
          virtual_key_id: vk.id,
          virtual_key_name: vk.name,
          team_id: team?.id ?? "",
          team_name: team?.name ?? "",
          customer_id: customer?.id ?? "",
          customer_name: customer?.name ?? "",
          vk,
          token: r.token,
          kinds: r.kinds,
        } satisfies Held);
        return request === req ? undefined : { request };
      },

      onRequestEnd(summary) {
        const held = summary.values.get(KEY) as Held | undefined;
        // A request no pre-hook saw (a native batch's line): its usage charged to its owner's key as it is.
        const done = held ? settle(held, summary) : summary.external ? chargeExternal(summary) : undefined;
        return done?.catch((e: Error) => {
          stats.storeErrors++;
          ctx.logger.warn("governance: a request's usage could not be recorded", { error: e.message });
        });
      },

      // Files and batches belong to the key that made them: a caller sees only its key's. No key where
      // one is required: the usual refusal; no key and none required: no owner (sees everything).
      identify(caller) {
        const a = keyOf((name) => caller.header(name));
        if (!a.ok) return { error: a.error };
        if (a.vk) return { owner: `${OWNER_PREFIX}${a.vk.id}` };
      },

      // A native batch's lines pass no preRequest: it is sent only while its key has room left (nothing reserved).
      admitBatch: (owner, batch) => admitNativeBatch(owner, batch.provider),

      // MCP tool execution is governed like inference: the same key, admitted the same way.
      preMcp(call, caller) {
        const a = keyOf((name) => caller.header(name));
        if (!a.ok) return deny(a.error);
        if (a.vk && !mcpToolAllowed(a.vk, call.name)) {
          return deny({ status: 403, type: "mcp_tool_blocked", code: "mcp_tool_blocked", message: `MCP tool '${call.name}' is not allowed for this virtual key` });
        }
      },

      // What a key's caller sees of the MCP tools (the /mcp server, and the tools added to its requests).
      mcpAccess(caller) {
        const a = keyOf((name) => caller.header(name));
        if (!a.ok) return deny(a.error);
        const tools = a.vk ? mcpToolsFor(a.vk) : null;
        if (tools) return { filter: { tools } };
      },

      async listModels(models, caller) {
        const a = keyOf((name) => caller.header(name));
        if (!a.ok) return { error: a.error };
        if (!a.vk) return;
        const vk = a.vk;
        return { models: models.filter((m) => {
          const slash = m.id.indexOf("/");
          return slash > 0 && allowed(vk, m.id.slice(0, slash), m.id.slice(slash + 1));
        }) };
      },

      routes: governanceRoutes(defs, (limit) => counters.usage(limit)),

      metrics: () =>
        [
          "# HELP bifrost_governance_store_errors_total Counter store failures (Redis unreachable): requests refused or let through per on_store_error.",
          "# TYPE bifrost_governance_store_errors_total counter",
          `bifrost_governance_store_errors_total{store="${counters.kind}"} ${stats.storeErrors}`,
          "# HELP bifrost_governance_denied_total Requests governance refused, by decision.",
          "# TYPE bifrost_governance_denied_total counter",
          ...[...stats.denied].map(([code, n]) => `bifrost_governance_denied_total{decision="${code}"} ${n}`),
        ].join("\n") + "\n",

      async cleanup() {
        if (refresh) clearInterval(refresh);
        forget();
        await counters.close();
        await defs.close();
      },
    };

    /** A fallback under a key: allowed there, and its own limits (its provider config's budgets) reserved instead. */
    async function fallback(held: Held, req: AnyRequest, rctx: RequestContext) {
      const vk = held.vk;
      if (!allowed(vk, rctx.provider, rctx.model)) {
        return deny({ status: 403, type: "provider_blocked", code: "provider_blocked", message: `Provider '${rctx.provider}' or model '${rctx.model}' is not allowed for this virtual key` }, true);
      }
      const pc = providerConfigFor(vk, rctx.provider) ?? null;
      restrictKeys(rctx, pc);
      if (held.token) await counters.release(held.token).catch(() => {});
      held.token = null;
      const r = await reserve(vk, pc, req, rctx.op);
      if ("error" in r) return { ...r, allowFallbacks: true };
      held.token = r.token;
      held.kinds = r.kinds;
    }
  },
});

/** The provider keys a provider config allows (its key_ids; ["*"] or none: any). */
function restrictKeys(rctx: RequestContext, pc: ProviderConfig | null): void {
  const ids = pc?.key_ids;
  rctx.restrictKeys(ids && ids.length && !ids.includes("*") ? ids : null);
}

function definitionsAt(d: { path?: string; url?: string }): StoreOptions {
  return d.url ? { type: "postgres", url: d.url } : { type: "sqlite", path: d.path ?? "governance.db" };
}

function openCounters(ctx: PluginContext, store: { type: "memory" | "redis"; url?: string; key_prefix?: string }, sqlitePath: string | undefined): CounterStore {
  if (store.type === "redis") return new RedisCounterStore({ url: store.url, keyPrefix: store.key_prefix });
  return new MemoryCounterStore({ sqlitePath, onError: (e) => ctx.logger.warn("governance: counters could not be saved", { error: e.message }) });
}

/** The output a request may produce, for its reservation: max_tokens (or its newer names), else the default; embeddings produce none. */
function outputTokens(request: AnyRequest, op: Op, fallback: number): number {
  if (op === "embeddings" || op === "rerank" || op === "countTokens" || op === "listModels") return 0;
  const r = request as { max_tokens?: unknown; max_completion_tokens?: unknown; max_output_tokens?: unknown };
  const n = r.max_completion_tokens ?? r.max_tokens ?? r.max_output_tokens;
  return typeof n === "number" && n > 0 ? n : fallback;
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

function sameList(a: readonly string[], b: readonly string[] | undefined): boolean {
  return a.length === (b?.length ?? 0) && a.every((x, i) => x === b![i]);
}
