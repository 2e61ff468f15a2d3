/** The embedded store: one SQLite file (WAL), created 0600 because provider keys may sit in it in clear. */
import { Database } from "bun:sqlite";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import type { Db } from "./sql-store";

export function openSqlite(path: string): Db {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    closeSync(openSync(path, "a", 0o600));
    chmodSync(path, 0o600); // openSync's mode is masked by the umask
  }
  const db = new Database(path, { create: true, strict: false });
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA busy_timeout = 5000");
  // bun:sqlite numbers its placeholders ?1, ?2, …; the store writes $1, $2, … as PostgreSQL does.
  const q = (sql: string) => db.query(sql.replace(/\$(\d+)/g, "?$1"));
  const self: Db = {
    all: async (sql, params = []) => q(sql).all(...(params as any[])) as Record<string, any>[],
    run: async (sql, params = []) => void q(sql).run(...(params as any[])),
    async tx(fn) {
      db.exec("BEGIN IMMEDIATE");
      try {
        await fn(self);
        db.exec("COMMIT");
      } catch (e) {
        db.exec("ROLLBACK");
        throw e;
      }
    },
    close: async () => db.close(),
  };
  return self;
}
