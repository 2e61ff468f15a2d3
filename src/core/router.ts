/** "provider/model" → the configured provider and the upstream model id. */
import type { ResolvedProvider } from "../config/resolved";
import { PROVIDERS } from "../providers/catalog";
import { BifrostError } from "../schemas/error";

export interface Route {
  provider: ResolvedProvider;
  model: string;
}

export function resolveModel(requested: string, providers: Map<string, ResolvedProvider>): Route {
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
  };
}

