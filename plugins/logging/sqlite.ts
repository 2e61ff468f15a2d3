/** The SQLite log store (bun:sqlite): a 0600 file in WAL mode. Writes are synchronous but short (one transaction per batch). */
import { Database } from "bun:sqlite";
import { chmodSync, closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import * as q from "./sql";
import { COLUMNS, type HistogramBucket, type LogFilters, type LogRow, type LogStats, type LogStore, type Page } from "./store";

export class SqliteLogStore implements LogStore {
  private readonly db: Database;
  private insertOne: ReturnType<Database["prepare"]> | null = null;

  constructor(path: string) {
    if (path !== ":memory:") {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      // Created 0600 before SQLite opens it, so the logs are never readable by others, not even briefly.
      closeSync(openSync(path, "a", 0o600));
      chmodSync(path, 0o600);
    }
    this.db = new Database(path, { create: true });
    this.db.exec("PRAGMA journal_mode = WAL");
    this.db.exec("PRAGMA synchronous = NORMAL");
    // A locked file must not stall the event loop: fail fast, the writer counts the batch as dropped.
    this.db.exec("PRAGMA busy_timeout = 100");
  }

  async init(): Promise<void> {
    for (const ddl of q.DDL) this.db.exec(ddl);
    this.insertOne = this.db.prepare(`INSERT INTO logs (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map((_, i) => `?${i + 1}`).join(", ")}) ON CONFLICT (id) DO NOTHING`);
  }

  async insertBatch(rows: LogRow[]): Promise<void> {
    const stmt = this.insertOne!;
    this.db.transaction((batch: LogRow[]) => {
      for (const r of batch) stmt.run(...(COLUMNS.map((c) => r[c]) as never[]));
    })(rows);
  }

  private all(query: q.Query): Record<string, unknown>[] {
    return this.db.query(query.sql).all(...(query.params as never[])) as Record<string, unknown>[];
  }

  async query(filters: LogFilters, page: Page): Promise<{ rows: LogRow[]; total: number }> {
    const rows = this.all(q.selectPage("sqlite", filters, page)).map(q.fromDb);
    const total = Number(this.all(q.selectCount("sqlite", filters))[0]?.n ?? 0);
    return { rows, total };
  }

  async get(id: string): Promise<LogRow | null> {
    const raw = this.db.query(`SELECT ${COLUMNS.join(", ")} FROM logs WHERE id = ?1`).get(id) as Record<string, unknown> | null;
    return raw ? q.fromDb(raw) : null;
  }

  async stats(filters: LogFilters): Promise<LogStats> {
    return q.statsFrom(this.all(q.selectStats("sqlite", filters))[0]);
  }

  async histogram(filters: LogFilters, bucketSeconds: number): Promise<HistogramBucket[]> {
    return this.all(q.selectHistogram("sqlite", filters, bucketSeconds)).map(q.bucketFrom);
  }

  async deleteIds(ids: string[]): Promise<number> {
    const d = q.deleteIds("sqlite", ids);
    return this.db.query(d.sql).run(...(d.params as never[])).changes;
  }

  async deleteOlderThan(ms: number): Promise<number> {
    const d = q.deleteOlderThan("sqlite", ms);
    return this.db.query(d.sql).run(...(d.params as never[])).changes;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
