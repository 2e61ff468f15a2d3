/**
 * The first-party plugins a server runs without being asked, where Go Bifrost runs them: `telemetry`
 * always (GET /metrics), `logging` when `logs_store.enabled` (and `client.enable_logging` is not false),
 * `governance` when `client.enable_governance` or a `governance` section with entities is there (first
 * in order: nothing reaches another plugin or a provider before it decided).
 * Go keeps their settings outside `plugins` (`client.prometheus_labels`, `logs_store`,
 * `client.disable_content_logging`, `client.log_retention_days`); they are carried into each plugin's
 * config here. An entry the user wrote wins: `{"name": "telemetry", "enabled": false}` turns metrics off,
 * and config given there is kept over what is carried in. Idempotent.
 */
import { isAbsolute, resolve } from "node:path";
import type { BifrostConfig } from "./schema";

type Entry = NonNullable<BifrostConfig["plugins"]>[number];

/** A governance section with any of these turns governance on. */
const GOVERNED = ["virtual_keys", "teams", "customers", "budgets", "rate_limits"];
type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});

/** `raw` with the default plugins in its `plugins` list; `appDir` anchors a relative SQLite path. */
export function withDefaultPlugins(raw: BifrostConfig, appDir: string): BifrostConfig {
  const entries: Entry[] = [...(raw.plugins ?? [])];
  const client = obj(raw.client);
  const at = (name: string) => entries.findIndex((e) => e.name === name);

  const telemetry: Obj = client.prometheus_labels !== undefined ? { custom_labels: client.prometheus_labels } : {};
  mergeInto(entries, at("telemetry"), { name: "telemetry", enabled: true, config: telemetry });

  const store = obj(raw.logs_store);
  const loggingListed = at("logging") >= 0;
  if ((store.enabled === true && client.enable_logging !== false) || loggingListed) {
    // Without logs_store, the SQLite file is the app directory's logs.db (never the current directory's).
    const config: Obj = { store: storeConfig(store, appDir) };
    if (client.disable_content_logging !== undefined) config.disable_content_logging = client.disable_content_logging;
    if (client.log_retention_days !== undefined) config.log_retention_days = client.log_retention_days;
    mergeInto(entries, at("logging"), { name: "logging", enabled: true, config });
  }

  const gov = obj(raw.governance);
  // With admin auth on, the admin guard enforces auth on inference (a virtual key is one credential it
  // accepts); without it, only governance can: a virtual key is then required.
  const adminAuth = obj(raw.auth_config).is_enabled === true || obj(gov.auth_config).is_enabled === true;
  const keyRequired = client.enforce_governance_header === true || (client.enforce_auth_on_inference === true && !adminAuth);
  if (client.enable_governance === true || keyRequired || at("governance") >= 0 || GOVERNED.some((k) => Array.isArray(gov[k]) && (gov[k] as unknown[]).length > 0)) {
    const { auth_config: _admin, ...section } = gov;
    // Keys, teams and customers live in the app directory's governance.db unless definitions says otherwise.
    const defs = obj(section.definitions);
    const path = typeof defs.path === "string" && defs.path ? defs.path : "governance.db";
    const config: Obj = { ...section, definitions: { ...defs, path: isAbsolute(path) ? path : resolve(appDir, path) } };
    if (keyRequired) config.enforce_auth_on_inference = true;
    mergeInto(entries, at("governance"), { name: "governance", enabled: client.enable_governance !== false, placement: "pre_builtin", order: -1000, config });
  }
  // semantic_cache is on only when listed (as in Go); Go's vector_store says where its entries live.
  const cache = at("semantic_cache");
  if (cache >= 0) {
    const vs = obj(raw.vector_store);
    const vsConfig = obj(vs.config);
    const store: Obj =
      vs.enabled !== false && vs.type === "redis"
        ? { type: "redis", url: typeof vsConfig.url === "string" ? vsConfig.url : `redis://${typeof vsConfig.addr === "string" ? vsConfig.addr : "127.0.0.1:6379"}` }
        : { type: "memory", path: resolve(appDir, "cache.db") };
    mergeInto(entries, cache, { name: "semantic_cache", enabled: true, config: { store } });
  }
  return { ...raw, plugins: entries };
}

/** Go's logs_store → the logging plugin's store; a relative SQLite path is the app directory's. */
function storeConfig(store: Obj, appDir: string): Obj {
  const type = store.type ?? "sqlite";
  const config = { ...obj(store.config) };
  if (type === "sqlite") {
    const path = typeof config.path === "string" && config.path ? config.path : "logs.db";
    config.path = isAbsolute(path) ? path : resolve(appDir, path);
  }
  return { type, config };
}

/** Add the default entry, or fill in an entry the user wrote with what it leaves out (its own config wins). */
function mergeInto(entries: Entry[], index: number, def: Entry): void {
  if (index < 0) return void entries.push(def);
  const mine = entries[index]!;
  entries[index] = { ...mine, config: { ...obj(def.config), ...obj(mine.config) } };
}
