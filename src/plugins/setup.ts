/**
 * From a plugin definition to a loaded plugin: config validated against the definition's schema
 * (defaults applied) before `setup` runs, then `setup(ctx)`. The host and `testPlugin` both load
 * through here, so a plugin's tests see exactly what the gateway does.
 */
import { Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { createLogger } from "../log";
import { schemaProblems } from "../schemas/check";
import { BifrostError } from "../schemas/error";
import { DEFAULT_BUDGET_MS, within, type LoadedPlugin } from "./pipeline";
import { pluginPricing } from "../pricing/plugin-pricing";
import { PricingCatalog } from "../pricing/catalog";
import type { GatewayRuntime, KvStore, Placement, PluginContext, PluginDefinition, PluginGateway, PluginPricing } from "./types";

/** Outside a gateway (tests without one): there is nothing to send a request to. */
const NO_GATEWAY: PluginGateway = { request: () => Promise.reject(new BifrostError({ status: 503, message: "no gateway: this plugin runs outside one" })) };

/** The catalog's prices, without overrides (outside a gateway). */
let defaultPricing: PluginPricing | null = null;
const catalogPricing = () => (defaultPricing ??= pluginPricing(() => PricingCatalog.create(), (provider) => provider));

/** Throws unless `value` is what definePlugin returns; `where` names its source in the message. */
export function assertDefinition(value: unknown, where: string): asserts value is PluginDefinition {
  if (typeof value === "function") {
    throw new Error(`${where} is a function; a plugin now default-exports definePlugin({ name, config, setup }) from "bifrost/plugin"`);
  }
  const d = value as Partial<PluginDefinition> | null;
  if (!d || typeof d !== "object" || typeof d.name !== "string" || typeof d.setup !== "function") {
    throw new Error(`${where} is not a plugin definition (expected definePlugin({ name, config, setup }) from "bifrost/plugin")`);
  }
  if (d.fail !== undefined && d.fail !== "open" && d.fail !== "closed") throw new Error(`${where}: fail must be "open" or "closed", not ${JSON.stringify(d.fail)}`);
}

/** plugins[].config checked against the definition's schema, defaults applied; `at` is its JSON path for errors. */
export function pluginConfig(def: PluginDefinition, raw: unknown, at: string): unknown {
  if (!def.config) return raw ?? {};
  const config = Value.Default(def.config, structuredClone(raw ?? {}));
  const problems = schemaProblems(def.config, config, at);
  if (problems.length) throw new Error(`invalid config: ${problems.join("; ")}`);
  return config;
}

export interface SetupOptions {
  /** The configured name (plugins[].name): logs, errors and the kv store go by it. */
  name: string;
  config: unknown;
  /** The config's JSON path, e.g. "plugins[2].config". */
  at: string;
  kv: KvStore;
  /** The running gateway, for gauges (default: an idle one). */
  runtime?: GatewayRuntime;
  /** The live feed (GET /ws): default, nobody listens. */
  broadcast?(message: object | (() => object)): void;
  /** Prices (default: the catalog without overrides). */
  pricing?: PluginPricing;
  /** The gateway (default: none; a request rejects). */
  gateway?: PluginGateway;
  placement?: Placement;
  order?: number;
}

/** A plugin that fails closed could not load: like a required one, the gateway must not start without it. */
export class FailClosedLoadError extends Error {}

/** The plugin ready for a pipeline, and the config its setup saw. A fail-closed plugin's failure is a FailClosedLoadError. */
export async function setupPlugin(def: PluginDefinition, o: SetupOptions): Promise<{ loaded: LoadedPlugin; config: unknown }> {
  try {
    return await setupOnce(def, o);
  } catch (e) {
    throw failsClosed(def) ? new FailClosedLoadError((e as Error).message) : e;
  }
}

async function setupOnce(def: PluginDefinition, o: SetupOptions): Promise<{ loaded: LoadedPlugin; config: unknown }> {
  const ctx: PluginContext = {
    name: o.name,
    config: pluginConfig(def, o.config, o.at),
    logger: createLogger(`plugin:${o.name}`),
    t: Type,
    stores: { kv: o.kv },
    error: (init) => new BifrostError(init),
    runtime: o.runtime ?? IDLE_RUNTIME,
    broadcast: o.broadcast ?? (() => {}),
    pricing: o.pricing ?? catalogPricing(),
    gateway: o.gateway ?? NO_GATEWAY,
  };
  const plugin = await withinSetupBudget(def, ctx);
  if (!plugin || typeof plugin !== "object") throw new Error("setup did not return the plugin's hooks (an object)");
  const budget = plugin.timeoutMs ?? def.timeoutMs ?? DEFAULT_BUDGET_MS;
  const loaded: LoadedPlugin = { name: o.name, plugin, placement: o.placement ?? "builtin", order: o.order ?? 0, failClosed: failsClosed(def), timeoutMs: budget };
  return { loaded, config: ctx.config };
}

/** A gateway doing nothing: what plugins see outside a gateway (tests). */
export const IDLE_RUNTIME: GatewayRuntime = { providers: () => [], activeRequests: () => 0, queues: () => [], keys: () => [] };

export const DEFAULT_SETUP_TIMEOUT_MS = 10_000;

/** fail: "closed", or the older critical: true. */
export function failsClosed(def: PluginDefinition): boolean {
  return def.fail === "closed" || (def.fail === undefined && def.critical === true);
}

/** setup, bounded: one that never resolves fails the load with a clear error instead of hanging start-up or a reconfigure. */
function withinSetupBudget(def: PluginDefinition, ctx: PluginContext): Promise<Awaited<ReturnType<PluginDefinition["setup"]>>> {
  const budget = def.setupTimeoutMs ?? DEFAULT_SETUP_TIMEOUT_MS;
  return within(Promise.resolve().then(() => def.setup(ctx)), budget, () => new Error(`setup did not finish within ${budget} ms`));
}
