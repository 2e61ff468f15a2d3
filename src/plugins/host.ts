/**
 * The plugin host: loads the enabled plugins at start-up (each config validated against the plugin's
 * own schema), compiles them into one pipeline, and swaps in a rebuilt pipeline when a plugin is
 * reconfigured, so in-flight requests finish on the pipeline they started with.
 */
import { log } from "../log";
import { BifrostError } from "../schemas/error";
import { MemoryKv } from "./kv";
import { describeDirs, discoverPlugins, packageDirOf, readPluginPackage, type PluginPackage } from "./manifest";
import { Pipeline, type LoadedPlugin } from "./pipeline";
import { provideContractModule } from "./provide-module";
import { assertDefinition, FailClosedLoadError, setupPlugin } from "./setup";
import { HOOK_NAMES, type GatewayRuntime, type HookName, type PluginGateway, type PluginPricing, type Placement, type Plugin, type PluginDefinition, type PluginEntry } from "./types";

export type PluginState = "active" | "failed" | "disabled";

export interface PluginInfo {
  name: string;
  state: PluginState;
  version: string | null;
  description: string | null;
  hooks: HookName[];
  placement: Placement;
  order: number;
  path: string | null;
  error: string | null;
  /** The plugin's config schema (its TypeBox `config`, which is JSON Schema) as plain JSON; null when it has none or was never loaded. */
  config_schema: Record<string, unknown> | null;
}

/** A plugin package found in the plugin folders that no plugins[] entry names yet (POST /api/plugins adds it). */
export interface AvailablePlugin {
  name: string;
  version: string;
  description: string | null;
  path: string;
}

interface Record_ {
  entry: PluginEntry;
  /** Position in config plugins[], for error paths. */
  index: number;
  pkg: PluginPackage | null;
  /** The definition's description, once it was imported. */
  description: string | null;
  /** The definition's config schema as plain JSON, once it was imported. */
  schema: Record<string, unknown> | null;
  state: PluginState;
  error: string | null;
  loaded: LoadedPlugin | null;
}

/** A required plugin could not load: the server must not start. */
export class PluginLoadError extends Error {}

export interface HostOptions {
  /** Where plugin packages live, searched in order (the app's plugins/, then the built-in one). */
  pluginsDir: string | readonly string[];
  /** What relative plugins[].path values are relative to. */
  baseDir: string;
  onSwap(p: Pipeline): void;
  /** Plugins given as code (library use, tests), by name: no package needed. */
  inline?: Map<string, PluginDefinition>;
  /** What plugins see of the running gateway (ctx.runtime). */
  runtime?: GatewayRuntime;
  /** The live feed plugins send to (ctx.broadcast). */
  broadcast?(message: object | (() => object)): void;
  /** Prices for plugins (ctx.pricing). */
  pricing?: PluginPricing;
  /** The gateway for plugins' own requests (ctx.gateway). */
  gateway?: PluginGateway;
}

export class PluginHost {
  private records: Record_[] = [];
  private readonly kvs = new Map<string, MemoryKv>();

  constructor(private readonly opts: HostOptions) {}

  /** Load every enabled entry; a failure is reported and skipped, unless the entry is required. */
  async load(entries: PluginEntry[]): Promise<void> {
    const { found, problems, shadowed } = discoverPlugins(this.opts.pluginsDir);
    for (const p of problems) log.warn(`plugins: ${p}`);
    for (const s of shadowed) log.warn(`plugins: ${s}`);
    this.records = entries.map((entry, index) => ({ entry, index, pkg: null, description: null, schema: null, state: "disabled" as PluginState, error: null, loaded: null }));
    for (const rec of this.records) {
      try {
        const inline = this.opts.inline?.has(rec.entry.name);
        rec.pkg = inline ? null : rec.entry.path ? readPluginPackage(packageDirOf(rec.entry.path, this.opts.baseDir)) : (found.get(rec.entry.name) ?? null);
        if (!rec.pkg && !inline) throw new Error(`no plugin package named "${rec.entry.name}" in ${describeDirs(this.opts.pluginsDir)} (install it with: bifrost plugin add <npm-name|path>)`);
        if (rec.entry.enabled === false) {
          await this.describe(rec);
          continue;
        }
        rec.loaded = await this.instantiate(rec);
        rec.state = "active";
        log.info(`plugin ${rec.entry.name} loaded`, { version: rec.pkg?.version ?? "inline", hooks: hooksOf(rec.loaded.plugin).join(",") || "none" });
      } catch (e) {
        rec.state = "failed";
        rec.error = (e as Error).message;
        if (rec.entry.required) throw new PluginLoadError(`plugin ${rec.entry.name} is required and failed to load: ${rec.error}`);
        if (e instanceof FailClosedLoadError) throw new PluginLoadError(`plugin ${rec.entry.name} fails closed and failed to load: ${rec.error}`);
        log.error(`plugin ${rec.entry.name} failed to load; starting without it`, { error: rec.error });
      }
    }
    this.swap();
  }

  list(): PluginInfo[] {
    return this.records.map((r) => ({
      name: r.entry.name,
      state: r.state,
      version: r.pkg?.version ?? null,
      description: r.pkg?.manifest.description ?? r.description,
      hooks: r.loaded ? hooksOf(r.loaded.plugin) : [],
      placement: r.entry.placement ?? "builtin",
      order: r.entry.order ?? r.index,
      path: r.pkg?.dir ?? null,
      error: r.error,
      config_schema: r.schema,
    }));
  }

  /** Plugin packages in the plugin folders that no entry names (what POST /api/plugins could add). */
  available(): AvailablePlugin[] {
    const configured = new Set(this.records.map((r) => r.entry.name));
    const { found } = discoverPlugins(this.opts.pluginsDir);
    return [...found.values()]
      .filter((p) => !configured.has(p.manifest.name))
      .map((p) => ({ name: p.manifest.name, version: p.version, description: p.manifest.description ?? null, path: p.dir }));
  }

  /** New config and/or enabled state for one plugin: a fresh instance replaces the old one; in-flight requests keep the old. */
  async reconfigure(name: string, change: { config?: unknown; enabled?: boolean }): Promise<PluginInfo> {
    const rec = this.records.find((r) => r.entry.name === name);
    if (!rec) throw new BifrostError({ status: 404, type: "not_found_error", message: `no plugin named ${name} is configured` });
    if (!rec.pkg && !this.opts.inline?.has(name)) throw new BifrostError({ status: 409, message: `plugin ${name} has no package to load: ${rec.error}` });
    const old = rec.loaded;
    const entry = { ...rec.entry, ...(change.config !== undefined ? { config: change.config } : {}), ...(change.enabled !== undefined ? { enabled: change.enabled } : {}) };
    if (entry.enabled === false) {
      Object.assign(rec, { entry, loaded: null, state: "disabled", error: null });
    } else {
      let loaded: LoadedPlugin;
      const next = { ...rec, entry };
      try {
        loaded = await this.instantiate(next);
      } catch (e) {
        // The old instance keeps serving: a bad config must not take a working plugin down.
        const msg = (e as Error).message;
        throw BifrostError.badRequest(`plugin ${name}: ${msg}`, configParam(msg), "invalid_plugin_config");
      }
      Object.assign(rec, { entry, loaded, state: "active", error: null, description: next.description, schema: next.schema });
    }
    this.swap();
    laterCleanup(old);
    return this.list().find((p) => p.name === name)!;
  }

  /** The entries as configured now (what the config store keeps). */
  entries(): PluginEntry[] {
    return this.records.map((r) => r.entry);
  }

  /** A new plugin, loaded and in the pipeline for the next request; a plugin that fails to load is a 400 and nothing changes. */
  async add(entry: PluginEntry): Promise<PluginInfo> {
    if (this.records.some((r) => r.entry.name === entry.name)) throw new BifrostError({ status: 409, message: `plugin ${entry.name} is already configured; PUT /api/plugins/${entry.name} changes it` });
    const { found } = discoverPlugins(this.opts.pluginsDir);
    const inline = this.opts.inline?.has(entry.name);
    const rec: Record_ = { entry, index: this.records.length, pkg: null, description: null, schema: null, state: "disabled", error: null, loaded: null };
    try {
      rec.pkg = inline ? null : entry.path ? readPluginPackage(packageDirOf(entry.path, this.opts.baseDir)) : (found.get(entry.name) ?? null);
      if (!rec.pkg && !inline) throw new Error(`no plugin package named "${entry.name}" in ${describeDirs(this.opts.pluginsDir)}`);
      if (entry.enabled !== false) (rec.loaded = await this.instantiate(rec)), (rec.state = "active");
      else await this.describe(rec);
    } catch (e) {
      throw BifrostError.badRequest(`plugin ${entry.name}: ${(e as Error).message}`, "name", "invalid_plugin");
    }
    this.records.push(rec);
    this.swap();
    return this.list().find((p) => p.name === entry.name)!;
  }

  /** Out of the pipeline for the next request; its cleanup runs once requests in flight had time to finish. */
  remove(name: string): void {
    const rec = this.records.find((r) => r.entry.name === name);
    if (!rec) throw new BifrostError({ status: 404, type: "not_found_error", message: `no plugin named ${name} is configured` });
    this.records = this.records.filter((r) => r !== rec);
    this.swap();
    laterCleanup(rec.loaded);
  }

  /** Every entry anew (SIGHUP, a change from another replica): the old instances are cleaned up later. */
  async replace(entries: PluginEntry[]): Promise<void> {
    const old = this.records;
    await this.load(entries);
    for (const r of old) laterCleanup(r.loaded);
  }

  async cleanup(): Promise<void> {
    await new Pipeline(this.records.flatMap((r) => (r.loaded ? [r.loaded] : []))).cleanup();
  }

  private swap() {
    this.opts.onSwap(new Pipeline(this.records.flatMap((r) => (r.loaded ? [r.loaded] : []))));
  }

  /** The plugin's definition (imported, not set up). */
  private async definition(rec: Record_): Promise<PluginDefinition> {
    const inline = this.opts.inline?.get(rec.entry.name);
    const def: unknown = inline ?? (await importPlugin(rec.pkg!)).default;
    assertDefinition(def, inline ? `inline plugin ${rec.entry.name}` : `the default export of ${rec.pkg!.entryPath}`);
    rec.description = def.description ?? null;
    rec.schema = def.config ? plainSchema(def.config) : null;
    return def;
  }

  /** A disabled plugin's description and config schema (for the dashboard's form): its definition imported, never set up; a failure leaves them unknown. */
  private async describe(rec: Record_): Promise<void> {
    if (!rec.pkg && !this.opts.inline?.has(rec.entry.name)) return;
    try {
      await this.definition(rec);
    } catch {
      /* it is reported when someone enables it */
    }
  }

  /** The definition, its config validated (before setup), then setup: a plugin ready for the pipeline. */
  private async instantiate(rec: Record_): Promise<LoadedPlugin> {
    const { name, placement, order, config } = rec.entry;
    const def = await this.definition(rec);
    const { loaded } = await setupPlugin(def, { name, config, at: `plugins[${rec.index}].config`, kv: this.kv(name), runtime: this.opts.runtime, broadcast: this.opts.broadcast, pricing: this.opts.pricing, gateway: this.opts.gateway, placement, order: order ?? rec.index });
    return loaded;
  }

  private kv(name: string): MemoryKv {
    let kv = this.kvs.get(name);
    if (!kv) this.kvs.set(name, (kv = new MemoryKv()));
    return kv;
  }
}

/** An instance taken out of the pipeline is cleaned up after requests that hold it had time to finish. */
function laterCleanup(old: LoadedPlugin | null) {
  if (old?.plugin.cleanup) setTimeout(() => void Promise.resolve(old.plugin.cleanup!()).catch(() => {}), 30_000).unref();
}

async function importPlugin(pkg: PluginPackage): Promise<{ default?: unknown }> {
  provideContractModule();
  return import(pkg.entryPath);
}

/** The request field a config error is about: "config.default.latency_ms" from "invalid config: plugins[2].config.default.latency_ms: …"; else "config". */
export function configParam(message: string): string {
  const m = /plugins\[\d+\]\.(config(?:\.[A-Za-z0-9_$-]+|\[\d+\])*)(?::|\s)/.exec(message);
  return m ? m[1]! : "config";
}

/** A TypeBox schema as plain JSON Schema (its symbol-keyed markers dropped). */
function plainSchema(schema: unknown): Record<string, unknown> | null {
  try {
    const plain = JSON.parse(JSON.stringify(schema));
    return plain && typeof plain === "object" && !Array.isArray(plain) ? plain : null;
  } catch {
    return null;
  }
}

function hooksOf(p: Plugin): HookName[] {
  return HOOK_NAMES.filter((h) => typeof p[h] === "function");
}
