/**
 * Management routes under /api, in Go Bifrost's paths and shapes: providers (with keys, network config
 * and concurrency), client config, version. Key values are write-only: they read as "********", an
 * env.X reference as itself. Provider answers carry ours too: type, circuits, key_stats, queue.
 */
import { Elysia } from "elysia";
import pkg from "../../package.json";
import type { ResolvedProvider } from "../config/resolved";
import type { ProviderConfig } from "../config/schema";
import type { Bifrost } from "../core/bifrost";
import { SECRET_FIELD } from "../core/key-secrets";
import { MASKED } from "../core/live-config";
import { BifrostError } from "../schemas/error";
import { readJsonBody } from "./body";
import { maskUrlCredentials } from "./mask-url";
import { errorResponse, jsonResponse } from "./respond";

const MAX_BODY = 1024 * 1024;

export function adminRoutes(bf: Bifrost) {
  const json = (v: unknown, status = 200) => jsonResponse(JSON.stringify(v), status);
  const providerView = (p: ResolvedProvider) => providerResponse(bf, p, bf.live.providerConfigs()[p.name]);
  const one = (name: string) => {
    const p = bf.config.providers.get(name);
    if (!p) throw new BifrostError({ status: 404, type: "not_found_error", code: "provider_not_found", message: `no provider named ${name} is configured` });
    return providerView(p);
  };
  const body = async (request: Request) => (await readJsonBody(request, MAX_BODY)).value;
  const name = (params: Record<string, string>) => decodeURIComponent(params.provider ?? "");

  return new Elysia({ name: "admin" })
    .get("/api/providers", () => {
      const providers = bf.providers().map(providerView);
      return json({ providers, total: providers.length, transport: bf.transportKind });
    })
    .get("/api/providers/:provider", ({ params }) => guarded(() => json(one(name(params)))))
    .post(
      "/api/providers",
      ({ request }) => guarded(async () => {
        const { provider, ...config } = ((await body(request)) ?? {}) as { provider?: unknown };
        if (typeof provider !== "string" || !provider) throw BifrostError.badRequest("provider: expected the provider's name", "provider", "invalid_request");
        await bf.live.putProvider(provider, config, "create");
        return json(one(provider));
      }),
      { parse: "none" },
    )
    .put(
      "/api/providers/:provider",
      ({ request, params }) => guarded(async () => {
        await bf.live.putProvider(name(params), await body(request), "update");
        return json(one(name(params)));
      }),
      { parse: "none" },
    )
    .delete(
      "/api/providers/:provider",
      ({ params }) => guarded(async () => {
        await bf.live.deleteProvider(name(params));
        return json({ status: "success", message: `provider ${name(params)} deleted` });
      }),
    )
    .get("/api/config", () => json(configResponse(bf)))
    .put(
      "/api/config",
      ({ request }) => guarded(async () => {
        const b = (await body(request)) as { client_config?: unknown } | null;
        const change = await bf.live.updateClient(b && typeof b === "object" && "client_config" in b ? b.client_config : b);
        return json({ ...configResponse(bf), ...change });
      }),
      { parse: "none" },
    )
    .get("/api/version", () => json(`v${pkg.version}`));
}

/** A route's answer, or its error in the gateway's JSON shape. */
export function guarded(fn: () => Promise<Response> | Response): Promise<Response> {
  return Promise.resolve().then(fn).catch((err) => errorResponse(err));
}

function configResponse(bf: Bifrost) {
  return { client_config: bf.live.clientConfig(), is_db_connected: bf.live.storeKind !== null, config_store: bf.live.storeKind ? { type: bf.live.storeKind } : null };
}

/** Go Bifrost's ProviderResponse (keys masked), plus ours: type, base_url, circuits, key_stats, queue. */
function providerResponse(bf: Bifrost, p: ResolvedProvider, raw: ProviderConfig | undefined) {
  const nc = raw?.network_config ?? {};
  return {
    name: p.name,
    keys: raw?.keys ? raw.keys.map(maskKey) : p.keys.map((k) => ({ name: k.name, value: MASKED, models: k.models ?? ["*"], weight: k.weight })),
    network_config: {
      ...nc,
      base_url: maskUrlCredentials(p.baseUrl),
      extra_headers: nc.extra_headers ? maskStrings(nc.extra_headers, true) : undefined,
      default_request_timeout_in_seconds: p.timeoutMs / 1000,
      stream_idle_timeout_in_seconds: p.streamIdleTimeoutMs / 1000,
      max_retries: p.maxRetries,
      retry_backoff_initial: p.retryBackoffInitialMs,
      retry_backoff_max: p.retryBackoffMaxMs,
    },
    concurrency_and_buffer_size: { concurrency: p.concurrency, buffer_size: p.bufferSize },
    proxy_config: raw?.proxy_config ? maskProxyConfig(raw.proxy_config) : null,
    send_back_raw_request: raw?.send_back_raw_request ?? false,
    send_back_raw_response: raw?.send_back_raw_response ?? false,
    ...(raw?.custom_provider_config ? { custom_provider_config: raw.custom_provider_config } : {}),
    provider_status: "active",
    type: p.type,
    base_url: maskUrlCredentials(p.baseUrl),
    circuits: bf.circuitStates(p),
    key_stats: bf.keyStatsOf(p),
    queue: bf.queueStats(p.name),
  };
}


function maskKey(k: NonNullable<ProviderConfig["keys"]>[number]) {
  const out: Record<string, unknown> = { ...k, value: maskValue(k.value ?? "") };
  for (const f of ["azure_key_config", "bedrock_key_config", "vertex_key_config"] as const) if (k[f] !== undefined) out[f] = maskStrings(k[f], false);
  return out;
}

/** Go's ProxyConfig as admins see it: its password (any secret-looking field) "********", URL credentials "***". */
function maskProxyConfig(pc: unknown): unknown {
  const m = maskStrings(pc, false);
  if (m && typeof m === "object" && typeof m.url === "string") m.url = maskUrlCredentials(m.url);
  return m;
}

/** A secret as admins see it: "********", an env.X reference as itself. */
export function maskValue(v: string): string {
  return v.startsWith("env.") || v === "" ? v : MASKED;
}

/** Strings under a secret-looking field (or every string, with `all`) masked; env.X references shown. */
export function maskStrings(v: unknown, all: boolean): any {
  if (typeof v === "string") return all ? maskValue(v) : v;
  if (Array.isArray(v)) return v.map((x) => maskStrings(x, all));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskStrings(x, all || SECRET_FIELD.test(k))]));
  return v;
}
