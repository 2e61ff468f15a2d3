/** config_store (Go Bifrost's shape): `{enabled, type: "sqlite" | "postgres", config}` → a ConfigStore, or null when off. */
import { isAbsolute, join } from "node:path";
import { SqlSessionStore, type SessionStore } from "../../auth/sessions";
import { ConfigError } from "../../config/load";
import { sealerFor } from "./crypto";
import { openPostgres, postgresUrl, type PostgresSettings } from "./postgres";
import { SqlConfigStore } from "./sql-store";
import { openSqlite } from "./sqlite";
import type { ConfigStore } from "./types";

export type { ConfigStore, StoredConfig } from "./types";

type Env = Record<string, string | undefined>;

export interface StoreSettings {
  /** How often a replica checks the store's version for changes made elsewhere. */
  pollMs: number;
  open(): Promise<ConfigStore>;
  /** Admin sessions in the same database (a connection of their own), so every replica sees logins and logouts. */
  openSessions(): Promise<SessionStore>;
}

export const DEFAULT_POLL_MS = 2000;

/** null when config_store is absent or not enabled. */
export function configStoreSettings(raw: unknown, appDir: string, env: Env): StoreSettings | null {
  if (!raw || typeof raw !== "object") return null;
  const cs = raw as { enabled?: unknown; type?: unknown; config?: Record<string, unknown> };
  if (cs.enabled !== true) return null;
  const c = resolveEnvRefs(cs.config ?? {}, env);
  const pollMs = typeof c.poll_interval_ms === "number" && c.poll_interval_ms > 0 ? c.poll_interval_ms : DEFAULT_POLL_MS;
  const secret = env.BIFROST_ENCRYPTION_KEY || undefined;
  if (cs.type === undefined || cs.type === "sqlite") {
    const p = typeof c.path === "string" && c.path ? c.path : "config.db";
    const path = isAbsolute(p) ? p : join(appDir, p);
    return { pollMs, open: async () => SqlConfigStore.open("sqlite", openSqlite(path), await sealerFor(secret)), openSessions: () => SqlSessionStore.open(openSqlite(path)) };
  }
  if (cs.type === "postgres") {
    const url = postgresUrl(c as PostgresSettings);
    return { pollMs, open: async () => SqlConfigStore.open("postgres", openPostgres(url), await sealerFor(secret)), openSessions: () => SqlSessionStore.open(openPostgres(url, 2)) };
  }
  throw new ConfigError([`config_store.type: expected "sqlite" or "postgres", got ${JSON.stringify(cs.type)}`]);
}

/** "env.X" strings (the password, say) read from the environment. */
function resolveEnvRefs(c: Record<string, unknown>, env: Env): Record<string, any> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) {
    if (typeof v !== "string" || !v.startsWith("env.")) out[k] = v;
    else if (env[v.slice(4)] === undefined) throw new ConfigError([`config_store.config.${k}: environment variable ${v.slice(4)} is not set`]);
    else out[k] = env[v.slice(4)];
  }
  return out;
}
