/** The shared store for replicas: PostgreSQL through Bun.SQL (no driver package). */
import { SQL } from "bun";
import type { Db } from "./sql-store";

/** Go Bifrost's config_store.config fields for postgres. */
export interface PostgresSettings {
  host?: string;
  port?: number | string;
  user?: string;
  password?: string;
  db_name?: string;
  ssl_mode?: string;
}

export function postgresUrl(s: PostgresSettings): string {
  const auth = s.user ? `${encodeURIComponent(s.user)}${s.password ? `:${encodeURIComponent(s.password)}` : ""}@` : "";
  const ssl = s.ssl_mode ? `?sslmode=${encodeURIComponent(s.ssl_mode)}` : "";
  return `postgres://${auth}${s.host ?? "127.0.0.1"}:${s.port ?? 5432}/${encodeURIComponent(s.db_name ?? "bifrost")}${ssl}`;
}

export function openPostgres(url: string, max = 4): Db {
  const sql = new SQL(url, { max });
  const over = (conn: SQL): Db => ({
    all: async (q, params = []) => (await conn.unsafe(q, params as any[])) as Record<string, any>[],
    run: async (q, params = []) => void (await conn.unsafe(q, params as any[])),
    tx: (fn) => conn.begin((tx) => fn(over(tx as unknown as SQL))) as Promise<void>,
    listen: async (channel, cb) => void (await conn.listen(channel, cb)),
    close: () => conn.close(),
  });
  return over(sql);
}
