/**
 * The database under the file and batch stores: one interface over SQLite (bun:sqlite, a private 0600
 * file) and PostgreSQL (Bun.SQL). Statements are written once with $1 placeholders; bytes go in and
 * come out as Uint8Array (BLOB / BYTEA); integers above 2^31 are BIGINT (PostgreSQL answers them as strings).
 */
import { SQL } from "bun";
import type { Database, Statement } from "bun:sqlite";
import { existsSync } from "node:fs";
import { openPrivateSqlite } from "../plugins/kit/sqlite";

export interface BatchDb {
  readonly kind: "sqlite" | "postgres";
  /** Tables to make: at once on PostgreSQL; on SQLite when the file is first opened. */
  prepare(statements: string[]): Promise<void>;
  /**
   * False while the SQLite file has not been made: a gateway that never stored a file or batch leaves
   * none behind, and its background rounds (resume, sweep) do not make one. Always true on PostgreSQL.
   */
  exists(): boolean;
  all(sql: string, params?: unknown[]): Promise<Record<string, any>[]>;
  run(sql: string, params?: unknown[]): Promise<void>;
  close(): Promise<void>;
}

export function openBatchDb(store: { type: "sqlite"; path: string } | { type: "postgres"; url: string }): BatchDb {
  return store.type === "postgres" ? postgresDb(store.url) : sqliteDb(store.path);
}

function sqliteDb(path: string): BatchDb {
  let db: Database | null = null;
  const schema: string[] = [];
  const open = (): Database => {
    if (closed) throw new Error("the batch store is closed");
    if (!db) {
      db = openPrivateSqlite(path, { busyTimeoutMs: 5000 });
      for (const s of schema) db.exec(s);
    }
    return db;
  };
  // bun:sqlite numbers its placeholders ?1, ?2, …; the stores write $1, $2, … as PostgreSQL does.
  const cache = new Map<string, Statement>();
  let closed = false;
  const q = (sql: string) => {
    let s = cache.get(sql);
    if (!s) cache.set(sql, (s = open().query(sql.replace(/\$(\d+)/g, "?$1"))));
    return s;
  };
  return {
    kind: "sqlite",
    prepare: async (statements) => {
      schema.push(...statements);
      if (db) for (const s of statements) db.exec(s);
    },
    exists: () => db !== null || path === ":memory:" || existsSync(path),
    all: async (sql, params = []) => q(sql).all(...(params as any[])) as Record<string, any>[],
    run: async (sql, params = []) => void q(sql).run(...(params as any[])),
    // Idempotent: the file and batch stores share one database, and each may close it.
    close: async () => {
      if (closed) return;
      closed = true;
      for (const s of cache.values()) s.finalize();
      cache.clear();
      db?.close();
    },
  };
}

function postgresDb(url: string): BatchDb {
  const sql = new SQL(url, { max: 4, connectionTimeout: 5 });
  let closing: Promise<void> | null = null;
  return {
    kind: "postgres",
    prepare: async (statements) => {
      for (const s of statements) await sql.unsafe(s);
    },
    exists: () => true,
    all: async (q, params = []) => (await sql.unsafe(q, params as any[])) as Record<string, any>[],
    run: async (q, params = []) => void (await sql.unsafe(q, params as any[])),
    close: () => (closing ??= sql.close()),
  };
}

/** A number column as a number (PostgreSQL's BIGINT arrives as a string); null stays null. */
export function num(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}
