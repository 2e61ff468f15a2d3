/**
 * A SQLite file only its owner may read, for plugins that keep data (request logs, governance, the
 * cache): the folder made 0700 and the file created 0600 before SQLite opens it (its -wal and -shm
 * files take the same mode), WAL mode, and a busy timeout. ":memory:" opens an in-memory database.
 */
import { Database } from "bun:sqlite";
import { chmodSync, closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";

export interface PrivateSqliteOptions {
  /** How long a statement waits for another connection's lock, ms (default 2000). */
  busyTimeoutMs?: number;
  /** bun:sqlite's strict mode (named parameters without their prefix). */
  strict?: boolean;
}

export function openPrivateSqlite(path: string, o: PrivateSqliteOptions = {}): Database {
  if (path !== ":memory:") {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    closeSync(openSync(path, "a", 0o600));
    chmodSync(path, 0o600);
  }
  const db = new Database(path, { create: true, ...(o.strict ? { strict: true } : {}) });
  // The timeout first: switching to WAL itself may meet another connection's lock.
  db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(o.busyTimeoutMs ?? 2000))}`);
  db.exec("PRAGMA journal_mode = WAL");
  return db;
}
