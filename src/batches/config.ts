/** The `batches` section (src/config/schema.ts) with its defaults applied and its secrets read. */
import { isAbsolute, resolve } from "node:path";
import { ConfigError, readSecret } from "../config/load";
import type { BatchesConfig } from "../config/schema";

export interface BatchSettings {
  enabled: boolean;
  maxUploadBytes: number;
  /** How long uploaded files and generated outputs are kept, ms. */
  retentionMs: number;
  /** Lines of one gateway-run batch in flight at once. */
  concurrency: number;
  /** How often native batches are refreshed in the background (and orphaned gateway-run batches picked up), ms. */
  pollIntervalMs: number;
  store: { type: "sqlite"; path: string } | { type: "postgres"; url: string };
}

export const BATCH_DEFAULTS = {
  maxUploadBytes: 200 * 1024 * 1024,
  retentionDays: 30,
  concurrency: 8,
  pollIntervalSeconds: 30,
  sqliteFile: "batches.db",
} as const;

const DAY_MS = 86_400_000;

/** `appDir` anchors a relative SQLite path; a PostgreSQL url may be "env.VAR". */
export function batchSettings(section: BatchesConfig | undefined, appDir: string, env: Record<string, string | undefined> = process.env): BatchSettings {
  const c = section ?? {};
  let store: BatchSettings["store"];
  if (c.store?.type === "postgres") {
    const errors: string[] = [];
    const url = readSecret(c.store.url, "batches.store.url", env, errors);
    if (errors.length) throw new ConfigError(errors);
    store = { type: "postgres", url };
  } else {
    const path = c.store?.path ?? BATCH_DEFAULTS.sqliteFile;
    store = { type: "sqlite", path: path === ":memory:" || isAbsolute(path) ? path : resolve(appDir, path) };
  }
  return {
    enabled: c.enabled ?? true,
    maxUploadBytes: c.max_upload_bytes ?? BATCH_DEFAULTS.maxUploadBytes,
    retentionMs: (c.retention_days ?? BATCH_DEFAULTS.retentionDays) * DAY_MS,
    concurrency: c.concurrency ?? BATCH_DEFAULTS.concurrency,
    pollIntervalMs: (c.poll_interval_seconds ?? BATCH_DEFAULTS.pollIntervalSeconds) * 1000,
    store,
  };
}
