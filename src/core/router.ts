/** "provider/model" → the configured provider and the upstream model id; a request's candidates (primary, fallbacks). */
import type { ResolvedProvider } from "../config/resolved";
import { getAdapter } from "../providers";
import { PROVIDERS } from "../providers/catalog";
import { BifrostError } from "../schemas/error";
import { OP_REQUEST_TYPE, type Op } from "../schemas/ops";
import { checkModelName } from "./model-name";

export interface Route {
  provider: ResolvedProvider;
  model: string;
}

/** The provider and the upstream model id, checked and normalised (src/core/model-name.ts): a bad name is a 400 naming `model`. */
export function resolveModel(requested: string, providers: Map<string, ResolvedProvider>): Route {
  const { provider, model } = routeModel(requested, providers);
  return { provider, model: checkModelName(provider.type, model) };
}

function routeModel(requested: string, providers: Map<string, ResolvedProvider>): Route {
  const slash = requested.indexOf("/");
  if (slash > 0) {
    const prefix = requested.slice(0, slash);
    const model = requested.slice(slash + 1);
    const p = providers.get(prefix);
    if (p) {
      if (!model) throw BifrostError.badRequest(`model is missing after "${prefix}/"`, "model");
      return { provider: p, model };
    }
    if (PROVIDERS[prefix]) {
      throw BifrostError.badRequest(
        `provider ${prefix} is not configured; configured providers: ${list(providers)}`,
        "model",
        "provider_not_configured",
      );
    }
  }
  // Unprefixed (or a slash that is part of the id, e.g. "meta-llama/…"): a key that lists it, then a name pattern.
  for (const p of providers.values()) if (p.keys.some((k) => k.models?.includes(requested))) return { provider: p, model: requested };
  for (const p of providers.values()) if (PROVIDERS[p.type]?.modelPattern?.test(requested)) return { provider: p, model: requested };
  throw BifrostError.badRequest(
    `model "${requested}" matches no configured provider; name it as provider/model with one of: ${list(providers)}`,
    "model",
    "model_not_found",
  );
}

function list(providers: Map<string, ResolvedProvider>): string {
  return providers.size ? [...providers.keys()].join(", ") : "(none configured)";
}

/** A stand-in provider for unrouted candidates: never called, only named in the plugins' RequestContext. */
export function unroutedProvider(name: string): ResolvedProvider {
  return {
    name,
    type: "",
    baseUrl: "",
    keys: [],
    keyless: true,
    extraHeaders: {},
    timeoutMs: 0,
    streamIdleTimeoutMs: 0,
    maxRetries: 0,
    retryBackoffInitialMs: 0,
    retryBackoffMaxMs: 0,
    concurrency: 0,
    bufferSize: 0,
    allowedRequests: null,
    circuitBreaker: null,
    pricingOverrides: [],
  };
}


/** One provider the request may go to: the primary, or a fallback. */
export interface Candidate {
  provider: ResolvedProvider;
  /** Upstream model id. */
  model: string;
  /** As the client named it ("anthropic/claude-…"). */
  requested: string;
  /** Set when no configured provider serves it: only a plugin's short-circuit can answer (e.g. mocker's mock/*). */
  unrouted?: BifrostError;
}

/** Route `requested` for `op`, or a 400 naming why not (unknown model, provider without that operation). */
export function candidate(op: Op, requested: string, providers: Map<string, ResolvedProvider>): Candidate {
  const { provider, model } = resolveModel(requested, providers);
  const allowed = provider.allowedRequests?.[OP_REQUEST_TYPE[op]];
  // Every provider answers countTokens: by its own count, or by the gateway's estimate (src/core/token-estimate.ts).
  if ((op !== "countTokens" && !getAdapter(provider.type).capabilities.has(op)) || allowed === false) {
    const what = op === "responses" || op === "responsesStream" ? "OpenAI's Responses API natively (needed to run its built-in tools)" : OP_REQUEST_TYPE[op].replace(/_/g, " ");
    throw BifrostError.badRequest(`provider ${provider.name} does not support ${what}`, "model", "unsupported_operation");
  }
  return { provider, model, requested };
}

/**
 * The primary and its fallbacks, each routed up front (a bad fallback is the caller's 400). With
 * pre-hooks loaded, a model no provider serves may still be answered by a plugin: routing fails later, if at all.
 */
export function candidates(op: Op, model: string, fallbacks: string[] | undefined, providers: Map<string, ResolvedProvider>, pluginsMayAnswer: boolean): Candidate[] {
  const one = (requested: string): Candidate => {
    try {
      return candidate(op, requested, providers);
    } catch (e) {
      // A name that could escape its URL path is refused even when a plugin might answer it.
      if (!pluginsMayAnswer || !(e instanceof BifrostError) || e.status !== 400 || e.code === "invalid_model") throw e;
      const slash = requested.indexOf("/");
      return { provider: unroutedProvider(slash > 0 ? requested.slice(0, slash) : ""), model: slash > 0 ? requested.slice(slash + 1) : requested, requested, unrouted: e };
    }
  };
  const out = [one(model)];
  for (const f of distinctFallbacks(model, fallbacks)) out.push(op === "responses" || op === "responsesStream" ? passThroughFallback(op, f, providers, one) : one(f));
  return out;
}

/** At most this many fallbacks per request: each may cost a full round of upstream attempts. */
export const MAX_FALLBACKS = 10;

/**
 * The fallbacks worth trying: each once, and not the primary again. More than MAX_FALLBACKS listed is the
 * caller's 400 (param "fallbacks"), whichever route or dialect carried them.
 */
export function distinctFallbacks(primary: string, fallbacks: readonly string[] | undefined): string[] {
  if (fallbacks === undefined || fallbacks === null) return [];
  // Dialects that pass fields through unchecked still reach here: a string would otherwise be read as its characters.
  if (!Array.isArray(fallbacks) || fallbacks.some((f) => typeof f !== "string" || !f)) {
    throw BifrostError.badRequest("fallbacks must be an array of model names", "fallbacks", "invalid_fallbacks");
  }
  if (fallbacks.length > MAX_FALLBACKS) {
    throw BifrostError.badRequest(`fallbacks lists ${fallbacks.length} models; at most ${MAX_FALLBACKS} are allowed`, "fallbacks", "too_many_fallbacks");
  }
  return [...new Set(fallbacks)].filter((f) => f !== primary);
}

/**
 * A Responses request sent as it is (built-in tools) may list fallbacks whose provider has no native Responses API:
 * that candidate fails with its own 400 when its turn comes, rather than the whole request up front.
 */
function passThroughFallback(op: Op, requested: string, providers: Map<string, ResolvedProvider>, route: (requested: string) => Candidate): Candidate {
  try {
    return candidate(op, requested, providers);
  } catch (e) {
    if (!(e instanceof BifrostError) || e.code !== "unsupported_operation") return route(requested);
    return { ...resolveModel(requested, providers), requested, unrouted: e };
  }
}
