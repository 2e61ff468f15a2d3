/** The logging plugin's config schema, with its defaults (Go Bifrost's `logs_store` and `client` fields, mapped in by the host). */
import { t, type Static } from "bifrost/plugin";

const sqliteStore = t.Object({
  type: t.Literal("sqlite"),
  /** Go's `logs_store.config` for SQLite: `path` (default ./logs.db, relative to the working directory). */
  config: t.Object({ path: t.String({ minLength: 1, default: "./logs.db" }) }, { default: {} }),
});

/** Go's `logs_store.config` for PostgreSQL; `url` is ours, for a connection string instead of the fields. */
const postgresStore = t.Object({
  type: t.Literal("postgres"),
  config: t.Object({
    url: t.Optional(t.String({ minLength: 1 })),
    host: t.String({ default: "localhost" }),
    port: t.Union([t.Integer({ minimum: 1, maximum: 65535 }), t.String({ pattern: "^[0-9]+$" })], { default: 5432 }),
    user: t.String({ default: "postgres" }),
    password: t.String({ default: "" }),
    db_name: t.String({ default: "bifrost" }),
    ssl_mode: t.String({ default: "disable" }),
    max_open_conns: t.Integer({ minimum: 1, default: 5 }),
  }),
});

export const configSchema = t.Object({
  store: t.Union([sqliteStore, postgresStore], { default: { type: "sqlite", config: { path: "./logs.db" } } }),
  /** Go's client.disable_content_logging: keep metadata, drop input and output. */
  disable_content_logging: t.Boolean({ default: false }),
  /** Go's client.log_retention_days: rows older than this are deleted hourly; 0 keeps them forever. */
  log_retention_days: t.Integer({ minimum: 0, default: 365 }),
  /** Rows written per transaction. */
  batch_size: t.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  /** How often queued rows are written, ms. */
  flush_interval_ms: t.Integer({ minimum: 10, default: 1000 }),
  /** Rows waiting to be written at most; beyond it new rows are dropped (and counted). */
  max_queue: t.Integer({ minimum: 1, default: 10000 }),
  /** A batch write that takes longer is counted as dropped; no other write starts until it settles. */
  write_timeout_ms: t.Integer({ minimum: 1, default: 5000 }),
});

export type LoggingConfig = Static<typeof configSchema>;
export type StoreConfig = LoggingConfig["store"];
