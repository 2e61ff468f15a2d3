/** Loading: a config.json of the Go Bifrost's format, or the environment alone; validated, env.X resolved. */
import { parsePricingOverrides, type PricingOverride } from "../pricing/overrides";
import { NOT_YET_SUPPORTED, PROVIDER_ALIASES, PROVIDERS } from "../providers/catalog";
import { normalizeModelName } from "../core/model-name";
import { ConfigSchema, ProviderSchema, type BifrostConfig, type ProviderConfig } from "./schema";
import { DEFAULTS, type ResolvedConfig, type ResolvedKey, type ResolvedProvider } from "./resolved";
import { joinPath } from "../schemas/paths";
import { schemaProblems, unknownKeys } from "../schemas/check";
import { resolveAuth, unenforceableSettings } from "../auth/config";

/** Thrown when a config cannot be used; `problems` has one "path: problem" line each. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid config:\n  ${problems.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

/** A file without a "providers" section (say, only plugins[]) still serves the providers found in the environment. */
export async function loadConfigFile(path: string, env: Env = process.env): Promise<ResolvedConfig> {
  return resolveConfig(await readConfigFile(path, env), env, path);
}

/** The file's parsed JSON (not yet validated); with no "providers" section, the environment's. */
export async function readConfigFile(path: string, env: Env = process.env): Promise<BifrostConfig> {
  const file = Bun.file(path);
  if (!(await file.exists())) throw new ConfigError([`${path}: file not found`]);
  const text = await file.text();
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError([`${path}: not valid JSON (${(e as Error).message})`]);
  }
  if (raw && typeof raw === "object" && !Array.isArray(raw) && !("providers" in raw)) return { ...(raw as BifrostConfig), providers: envProviders(env) };
  return raw as BifrostConfig;
}

/** Validate a parsed config object and resolve it against the environment. */
export function resolveConfig(raw: unknown, env: Env = process.env, source = "object"): ResolvedConfig {
  const problems = schemaProblems(ConfigSchema, raw);
  if (problems.length) throw new ConfigError(problems);
  const cfg = raw as BifrostConfig;
  const warnings = unknownKeys(ConfigSchema, cfg).map((p) => `${p}: unknown key (ignored)`);
  const errors: string[] = [];
  const providers = new Map<string, ResolvedProvider>();
  for (const [name, pc] of Object.entries(cfg.providers ?? {})) {
    const p = resolveProvider(name, pc, env, errors, warnings);
    if (p) providers.set(name, p);
  }
  errors.push(...unenforceableSettings(cfg));
  const auth = resolveAuth(cfg, (v, path) => readSecret(v, path, env, errors), errors);
  if (errors.length) throw new ConfigError(errors);
  const c = cfg.client ?? {};
  return {
    client: {
      dropExcessRequests: c.drop_excess_requests ?? false,
      allowedOrigins: c.allowed_origins ?? ["*"],
      allowedHeaders: c.allowed_headers ?? [],
      maxRequestBodyBytes: Math.floor((c.max_request_body_size_mb ?? DEFAULTS.maxRequestBodyMb) * 1024 * 1024),
      maxBufferedRequestBytes: Math.floor((c.max_buffered_request_mb ?? Math.max(DEFAULTS.maxBufferedRequestMb, c.max_request_body_size_mb ?? 0)) * 1024 * 1024),
      maxUpstreamResponseBytes: Math.floor((c.max_upstream_response_mb ?? DEFAULTS.maxUpstreamResponseMb) * 1024 * 1024),
      workerPoolSize: c.worker_pool_size ?? null,
      initialPoolSize: c.initial_pool_size ?? DEFAULTS.initialPoolSize,
      mcpDisableAutoToolInject: c.mcp_disable_auto_tool_inject ?? false,
    },
    providers,
    plugins: cfg.plugins ?? [],
    auth,
    warnings,
    source,
    raw: cfg,
  };
}

/** No config file: every provider whose key (or, for local servers, URL) is in the environment. */
export function configFromEnv(env: Env = process.env): ResolvedConfig {
  return resolveConfig({ providers: envProviders(env) }, env, "environment");
}

/** The providers the environment names, as config.json entries (keys as env.X references). */
export function envProviders(env: Env = process.env): Record<string, ProviderConfig> {
  const providers: Record<string, ProviderConfig> = {};
  for (const [name, entry] of Object.entries(PROVIDERS)) {
    const keyVar = entry.keyEnv.find((v) => env[v]);
    // OPENAI_BASE_URL and the like may carry the SDK-style "/v1"; the gateway wants the origin.
    const url = env[entry.urlEnv ?? `${name.toUpperCase()}_BASE_URL`]?.replace(/\/v1\/?$/, "");
    if (!keyVar && !(entry.keyless && url)) continue;
    providers[name] = {
      keys: [{ name: keyVar ?? `${name}-keyless`, value: keyVar ? `env.${keyVar}` : "", models: ["*"], weight: 1 }],
      ...(url ? { network_config: { base_url: url } } : {}),
    };
  }
  return providers;
}

/** One provider's config.json entry, validated with the file's schema and resolved; a ConfigError names each bad field. */
export function resolveProviderConfig(name: string, raw: unknown, env: Env = process.env): ResolvedProvider {
  const path = joinPath("providers", name);
  const problems = schemaProblems(ProviderSchema, raw, path);
  if (problems.length) throw new ConfigError(problems);
  const errors: string[] = [];
  const p = resolveProvider(name, raw as ProviderConfig, env, errors, []);
  if (errors.length || !p) throw new ConfigError(errors);
  return p;
}

const ENV_PREFIX = "env.";

/** "env.X" → the variable's value; an unset variable is an error naming the config path. */
export function readSecret(value: string, path: string, env: Env, errors: string[]): string {
  if (!value.startsWith(ENV_PREFIX)) return value;
  const name = value.slice(ENV_PREFIX.length);
  const v = env[name];
  if (v === undefined || v === "") {
    errors.push(`${path}: environment variable ${name} is not set`);
    return "";
  }
  return v;
}

function rawConfigOf(k: Record<string, unknown>): unknown {
  return k.azure_key_config ?? k.bedrock_key_config ?? k.vertex_key_config;
}

function keyConfigField(k: Record<string, unknown>): string {
  return k.azure_key_config ? "azure_key_config" : k.bedrock_key_config ? "bedrock_key_config" : "vertex_key_config";
}

/** Every "env.X" string inside a key's provider settings, resolved. */
function resolveSecrets(value: any, path: string, env: Env, errors: string[]): any {
  if (typeof value === "string") return readSecret(value, path, env, errors);
  if (Array.isArray(value)) return value.map((v, i) => resolveSecrets(v, joinPath(path, i), env, errors));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolveSecrets(v, joinPath(path, k), env, errors);
    return out;
  }
  return value;
}

function resolveProvider(
  name: string,
  pc: ProviderConfig,
  env: Env,
  errors: string[],
  warnings: string[],
): ResolvedProvider | null {
  const path = joinPath("providers", name);
  const custom = pc.custom_provider_config;
  const given = custom ? custom.base_provider_type : name;
  const type = PROVIDER_ALIASES[given] ?? given;
  const entry = PROVIDERS[type];
  if (!entry) {
    const where = custom ? joinPath(path, "custom_provider_config.base_provider_type") : path;
    if (NOT_YET_SUPPORTED.has(type)) errors.push(`${where}: provider ${type} is not supported yet (supported: ${Object.keys(PROVIDERS).join(", ")})`);
    else errors.push(`${where}: unknown provider type "${type}" (known: ${Object.keys(PROVIDERS).join(", ")})`);
    return null;
  }
  const nc = pc.network_config ?? {};
  const keyless = custom?.is_key_less ?? entry.keyless ?? false;
  const keys: ResolvedKey[] = [];
  (pc.keys ?? []).forEach((k, i) => {
    const kp = joinPath(joinPath(path, "keys"), i);
    if (k.enabled === false) return;
    const value = readSecret(k.value ?? "", `${kp}.value`, env, errors);
    if (!value && !keyless && k.value === undefined && !rawConfigOf(k)) errors.push(`${kp}.value: required`);
    if (k.models && k.models.length === 0) warnings.push(`${kp}.models: empty list, this key serves no model`);
    const rawConfig = rawConfigOf(k) as Record<string, unknown> | undefined;
    keys.push({
      name: k.name || k.id || `${name}-key-${i}`,
      value,
      // Matched on the name the router gives (src/core/model-name.ts): "models/gemini-x" and "gemini-x" are one model.
      models: !k.models || k.models.includes("*") ? null : k.models.map((m) => normalizeModelName(type, m)),
      blacklistedModels: (k.blacklisted_models ?? []).map((m) => normalizeModelName(type, m)),
      weight: k.weight ?? 1,
      config: rawConfig && typeof rawConfig === "object" ? resolveSecrets(rawConfig, `${kp}.${keyConfigField(k)}`, env, errors) : null,
    });
  });
  if (keys.length === 0 && !keyless) errors.push(`${joinPath(path, "keys")}: at least one key is required`);
  if (keyless && keys.length === 0) keys.push({ name: `${name}-keyless`, value: "", models: null, blacklistedModels: [], weight: 1, config: null });
  const extraHeaders: Record<string, string> = {};
  for (const [h, v] of Object.entries(nc.extra_headers ?? {})) {
    extraHeaders[h.toLowerCase()] = readSecret(v, `${path}.network_config.extra_headers.${h}`, env, errors);
  }
  const baseUrl = readSecret(nc.base_url ?? "", `${path}.network_config.base_url`, env, errors) || entry.baseUrl;
  // Only providers whose origin comes from the key (Vertex: its region) may have none.
  if ((baseUrl || entry.baseUrl) && !/^https?:\/\/[^/]+/.test(baseUrl)) errors.push(`${path}.network_config.base_url: expected an http(s) URL`);
  const cb = pc.concurrency_and_buffer_size ?? {};
  let pricingOverrides: PricingOverride[] = [];
  try {
    pricingOverrides = parsePricingOverrides(pc.pricing_overrides, `${path}.pricing_overrides`, name);
  } catch (e) {
    errors.push((e as Error).message);
  }
  return {
    name,
    type,
    pricingOverrides,
    baseUrl: baseUrl.replace(/\/+$/, ""),
    keys,
    keyless,
    extraHeaders,
    timeoutMs: (nc.default_request_timeout_in_seconds ?? DEFAULTS.timeoutSeconds) * 1000,
    streamIdleTimeoutMs: (nc.stream_idle_timeout_in_seconds ?? DEFAULTS.streamIdleTimeoutSeconds) * 1000,
    maxRetries: nc.max_retries ?? DEFAULTS.maxRetries,
    retryBackoffInitialMs: nc.retry_backoff_initial ?? DEFAULTS.retryBackoffInitialMs,
    retryBackoffMaxMs: nc.retry_backoff_max ?? DEFAULTS.retryBackoffMaxMs,
    concurrency: cb.concurrency ?? DEFAULTS.concurrency,
    bufferSize: cb.buffer_size ?? DEFAULTS.bufferSize,
    allowedRequests: custom?.allowed_requests ?? null,
    allowClientStorageUrls: nc.allow_client_storage_urls === true,
    circuitBreaker: nc.circuit_breaker
      ? { failureThreshold: nc.circuit_breaker.failure_threshold ?? 5, cooldownMs: (nc.circuit_breaker.cooldown_seconds ?? 30) * 1000 }
      : null,
  };
}
