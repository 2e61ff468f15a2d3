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
    if (Array.isArray(next.keys)) next.keys = next.keys.map((k) => keepStoredValue(k, old?.keys));
    if (next.network_config?.extra_headers) next.network_config = { ...next.network_config, extra_headers: unmask(next.network_config.extra_headers, old?.network_config?.extra_headers) };
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

/** The part of config.json the store keeps. */
export function storedPart(raw: BifrostConfig): StoredConfig {
  const mcp = raw.mcp && typeof raw.mcp === "object" ? { mcp: raw.mcp as Record<string, unknown> } : {};
  return { providers: raw.providers ?? {}, client: raw.client ?? {}, plugins: (raw.plugins ?? []) as PluginEntry[], ...mcp };
}

/** A key sent without a value keeps the value stored for the key of that name (or id); so does every masked string in it. */
function keepStoredValue(k: any, oldKeys: ProviderConfig["keys"]): any {
  if (!k || typeof k !== "object") return k;
  const same = oldKeys?.find((o) => (k.id && o.id === k.id) || (k.name && o.name === k.name));
  return unmask(k.value === undefined && same ? { ...k, value: same.value } : k, same);
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
