/**
 * Runtime config changes, from the management API, another replica (through the config store) or
 * SIGHUP. Each change is validated with the file's schema and resolved before anything is applied;
 * then it is written to the store (when there is one), then swapped into the gateway.
 */
import { ConfigError, resolveConfig, resolveProviderConfig } from "../config/load";
import { parseMcpConfig } from "../mcp/config";
import type { BifrostConfig, ClientConfig, ProviderConfig } from "../config/schema";
import { log } from "../log";
import type { PluginEntry } from "../plugins/types";
import { BifrostError } from "../schemas/error";
import type { ConfigStore, StoredConfig } from "../stores/config/types";
import { maskUrlCredentials } from "../http/mask-url";
import type { Bifrost } from "./bifrost";

type Env = Record<string, string | undefined>;

/** What a key's value reads as: it is write-only. Sent back unchanged, it keeps the stored value. */
export const MASKED = "********";

export interface ClientChange {
  client_config: ClientConfig;
  /** Fields that took effect at once. */
  applied: string[];
  /** Fields that were saved but take effect at the next start. */
  restart_required: string[];
}

const LIVE_CLIENT_FIELDS = new Set(["drop_excess_requests"]);

export class LiveConfig {
  private raw: StoredConfig;
  private store: ConfigStore | null = null;
  private seen = -1;
  private timer: ReturnType<typeof setInterval> | null = null;
  private syncing: Promise<void> | null = null;
  /** What a server adds to every whole config it applies (its default plugins). */
  prepare: ((raw: BifrostConfig) => BifrostConfig) | null = null;

  constructor(
    private readonly bf: Bifrost,
    raw: BifrostConfig,
    private readonly env: Env,
  ) {
    this.raw = storedPart(raw);
  }

  get storeKind(): string | null {
    return this.store?.kind ?? null;
  }

  /** Providers as written (env.X kept), for the management API to mask. */
  providerConfigs(): Record<string, ProviderConfig> {
    return this.raw.providers;
  }

  clientConfig(): ClientConfig {
    return this.raw.client;
  }

  /** Create (POST) or update (PUT: the top-level fields sent replace the stored ones). */
  async putProvider(name: string, body: unknown, mode: "create" | "update"): Promise<ProviderConfig> {
    if (!body || typeof body !== "object" || Array.isArray(body)) throw BifrostError.badRequest("expected a JSON object");
    const old = this.raw.providers[name];
    if (mode === "create" && old) throw new BifrostError({ status: 409, message: `provider ${name} already exists; PUT /api/providers/${name} changes it` });
    if (mode === "update" && !old) throw notFound(name);
    const next = { ...(mode === "update" ? old : {}), ...(body as ProviderConfig) } as ProviderConfig;
    if (Array.isArray(next.keys)) next.keys = withIdentity(name, next.keys.map((k, i) => keepStoredValue(k, old?.keys, i)));
    if (next.network_config?.extra_headers) next.network_config = { ...next.network_config, extra_headers: unmask(next.network_config.extra_headers, old?.network_config?.extra_headers) };
    if (next.proxy_config && typeof next.proxy_config === "object") next.proxy_config = keepStoredProxy(next.proxy_config, old?.proxy_config);
    if (next.network_config && mode === "update") next.network_config = keepStoredBaseUrl(next.network_config, old?.network_config, this.bf.config.providers.get(name)?.baseUrl);
    let resolved;
    try {
      resolved = resolveProviderConfig(name, next, this.env);
    } catch (e) {
      throw asBadRequest(e, `providers.${name}.`);
    }
    await this.store?.putProvider(name, next);
    this.bf.setProvider(resolved);
    this.raw.providers = { ...this.raw.providers, [name]: next };
    return next;
  }

  async deleteProvider(name: string): Promise<void> {
    if (!this.raw.providers[name] && !this.bf.config.providers.has(name)) throw notFound(name);
    await this.store?.deleteProvider(name);
    this.bf.removeProvider(name);
    const { [name]: _, ...rest } = this.raw.providers;
    this.raw.providers = rest;
  }

  /** New client settings (the fields sent replace the stored ones): drop_excess_requests applies at once, the rest at the next start. */
  async updateClient(body: unknown): Promise<ClientChange> {
    if (!body || typeof body !== "object" || Array.isArray(body)) throw BifrostError.badRequest("expected a JSON object");
    const next = { ...this.raw.client, ...(body as ClientConfig) };
    let resolved;
    try {
      resolved = resolveConfig({ client: next }, this.env, "api").client;
    } catch (e) {
      throw asBadRequest(e, "");
    }
    await this.store?.putClient(next);
    const changed = Object.keys(body).filter((k) => JSON.stringify((this.raw.client as any)[k]) !== JSON.stringify((next as any)[k]));
    this.raw.client = next;
    this.bf.setDropExcessRequests(resolved.dropExcessRequests);
    return {
      client_config: next,
      applied: changed.filter((k) => LIVE_CLIENT_FIELDS.has(k)),
      restart_required: changed.filter((k) => !LIVE_CLIENT_FIELDS.has(k)),
    };
  }

  /** After an MCP client was added, changed or removed through the API: the store keeps the mcp section. */
  async mcpChanged(): Promise<void> {
    if (!this.bf.mcp) return;
    this.raw.mcp = { ...(this.raw.mcp ?? {}), client_configs: this.bf.mcp.configs() };
    await this.store?.putMcp(this.raw.mcp);
  }

  /** After a plugin was added, changed or removed through the API: the store keeps the new list. */
  async pluginsChanged(): Promise<void> {
    this.raw.plugins = this.bf.plugins.entries();
    await this.store?.putPlugins(this.raw.plugins);
  }

  /**
   * A whole config (SIGHUP's re-read file, or the store after another replica wrote it): validated
   * first, so an invalid one changes nothing; `persist` writes it to the store too.
   */
  async apply(raw: BifrostConfig, source: string, persist: boolean): Promise<void> {
    if (this.prepare) raw = this.prepare(raw);
    const stored = storedPart(raw);
    const resolved = resolveConfig({ ...raw, ...stored }, this.env, source);
    if (persist) await this.store?.replace(stored);
    for (const name of this.bf.config.providers.keys()) if (!resolved.providers.has(name)) this.bf.removeProvider(name);
    for (const p of resolved.providers.values()) this.bf.setProvider(p);
    this.bf.setDropExcessRequests(resolved.client.dropExcessRequests);
    if (JSON.stringify(stored.plugins) !== JSON.stringify(this.raw.plugins)) await this.bf.plugins.replace(resolved.plugins);
    if (this.bf.mcp && JSON.stringify(stored.mcp ?? null) !== JSON.stringify(this.raw.mcp ?? null)) {
      await this.bf.mcp.sync(parseMcpConfig(stored.mcp, this.env).client_configs);
    }
    this.raw = stored;
  }

  /** Changes go to `store` from now on; changes other replicas write there are picked up on NOTIFY (PostgreSQL) and every `pollMs`. */
  async attachStore(store: ConfigStore, pollMs: number): Promise<void> {
    this.store = store;
    this.seen = await store.version();
    await store.watch(() => void this.sync());
    this.timer = setInterval(() => void this.sync(), pollMs);
    this.timer.unref?.();
  }

  /** Reload from the store when its version moved (a write here moves it too; applying the same config again changes nothing). */
  sync(): Promise<void> {
    return (this.syncing ??= (async () => {
      try {
        const store = this.store;
        if (!store) return;
        const v = await store.version();
        if (v === this.seen) return;
        const stored = await store.load();
        this.seen = v;
        if (stored) await this.apply({ ...stored }, `${store.kind} config store`, false);
      } catch (e) {
        log.error("config store: could not apply the stored config; keeping the current one", { error: (e as Error).message });
      } finally {
        this.syncing = null;
      }
    })());
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.syncing;
    await this.store?.close();
    this.store = null;
  }
}

/** The part of config.json the store keeps (every key with an id and a name). */
export function storedPart(raw: BifrostConfig): StoredConfig {
  const mcp = raw.mcp && typeof raw.mcp === "object" ? { mcp: raw.mcp as Record<string, unknown> } : {};
  return { providers: identified(raw.providers ?? {}), client: raw.client ?? {}, plugins: (raw.plugins ?? []) as PluginEntry[], ...mcp };
}

/**
 * A key sent without a value keeps the value stored for the key of that id (else that name); so does
 * every masked string in it. A masked value that matches no stored key is refused: it stands for nothing.
 */
function keepStoredValue(k: any, oldKeys: ProviderConfig["keys"], i: number): any {
  if (!k || typeof k !== "object") return k;
  const same = (k.id && oldKeys?.find((o) => o.id === k.id)) || (k.name && oldKeys?.find((o) => o.name === k.name)) || undefined;
  if (k.value === MASKED && !same) {
    throw BifrostError.badRequest(`keys[${i}].value: "${MASKED}" keeps a stored key's value, but no stored key has this id or name; send the key's value`, `keys[${i}].value`, "invalid_request");
  }
  return unmask(k.value === undefined && same ? { ...k, value: same.value } : k, same);
}

/**
 * Every key with an id and a name, as Go Bifrost's keys have: the id lets a client rename a key and
 * send its value back masked; a key without a name gets the one it was already known by
 * (`<provider>-key-<i>`, or its id), so logs, circuits and x-bf-api-key-id see no change.
 */
export function withIdentity(provider: string, keys: NonNullable<ProviderConfig["keys"]>): NonNullable<ProviderConfig["keys"]> {
  return keys.map((k, i) => (k && typeof k === "object" && (!k.id || !k.name) ? { ...k, name: k.name || k.id || `${provider}-key-${i}`, id: k.id || crypto.randomUUID() } : k));
}

/** Every provider's keys with an id and a name (see withIdentity); the rest as it was. */
function identified(providers: Record<string, ProviderConfig>): Record<string, ProviderConfig> {
  const out: Record<string, ProviderConfig> = {};
  for (const [name, p] of Object.entries(providers)) out[name] = p && Array.isArray(p.keys) ? { ...p, keys: withIdentity(name, p.keys) } : p;
  return out;
}

/**
 * A base_url sent back as the API shows it (credentials masked, or an env.X reference or the default
 * shown resolved) keeps the stored one; any other value replaces it.
 */
function keepStoredBaseUrl(nc: NonNullable<ProviderConfig["network_config"]>, old: ProviderConfig["network_config"], resolvedOld: string | undefined) {
  if (nc.base_url === undefined || resolvedOld === undefined || nc.base_url === old?.base_url) return nc;
  if (nc.base_url.replace(/\/+$/, "") !== maskUrlCredentials(resolvedOld)) return nc;
  const { base_url: _, ...rest } = nc;
  return old?.base_url === undefined ? rest : { ...rest, base_url: old.base_url };
}

/** A proxy_config sent back as the API shows it (password "********", URL credentials "***") keeps the stored secrets. */
function keepStoredProxy(next: any, old: any): any {
  const out = unmask(next, old);
  if (typeof next.url === "string" && typeof old?.url === "string" && next.url !== old.url && maskUrlCredentials(old.url) === next.url) out.url = old.url;
  return out;
}

/** Every "********" in `next` (as the API shows secrets) replaced by what `old` holds at the same place. */
function unmask(next: any, old: any): any {
  if (next === MASKED) return typeof old === "string" ? old : undefined;
  if (Array.isArray(next)) return next.map((v, i) => unmask(v, Array.isArray(old) ? old[i] : undefined));
  if (next && typeof next === "object") return Object.fromEntries(Object.entries(next).map(([k, v]) => [k, unmask(v, old && typeof old === "object" ? old[k] : undefined)]));
  return next;
}

/** A ConfigError as a 400 naming the first bad field, relative to the request body. */
function asBadRequest(e: unknown, prefix: string): BifrostError {
  if (!(e instanceof ConfigError)) return BifrostError.from(e);
  const first = e.problems[0] ?? "invalid";
  const colon = first.indexOf(": ");
  let param = colon > 0 ? first.slice(0, colon) : null;
  if (param?.startsWith(prefix)) param = param.slice(prefix.length);
  else if (param === prefix.slice(0, -1)) param = null;
  if (param?.startsWith("client.")) param = param.slice("client.".length);
  return BifrostError.badRequest(e.problems.join("; "), param, "invalid_request");
}

function notFound(name: string): BifrostError {
  return new BifrostError({ status: 404, type: "not_found_error", code: "provider_not_found", message: `no provider named ${name} is configured` });
}
