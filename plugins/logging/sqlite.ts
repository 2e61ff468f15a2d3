/**
 * The SQLite log store (bun:sqlite): a 0600 file in WAL mode. Writes go to a writer thread
 * (sqlite-writer.ts), one transaction per batch; reads (the /api/logs queries) use this thread's own
 * connection, which WAL lets read while the writer writes.
 */
import { openPrivateSqlite } from "bifrost/plugin";
import { Database } from "bun:sqlite";
import * as q from "./sql";
import { selectSeries, type HistogramSeries } from "./histograms";
import { SqliteReader } from "./sqlite-reader";
import type { WriterReply, WriterRequest } from "./sqlite-writer";
import { readFilterData } from "./filterdata";
import type { FilterData } from "./store";
import { migrateSqlite } from "./migrate";

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
import { COLUMNS, type HistogramBucket, type LogDraft, type LogFilters, type LogRow, type LogStats, type LogStore, type Page } from "./store";

export class SqliteLogStore implements LogStore {
  private readonly db: Database;
  private writer: Worker | null = null;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve(changes: number): void; reject(e: Error): void }>();

  constructor(private readonly path: string) {
    // The writer thread opens the file too: an in-memory database would be two databases.
    if (path === ":memory:") throw new Error('logs_store: SQLite needs a file path, not ":memory:"');
    // 0600 before SQLite opens it, so the logs are never readable by others, not even briefly. Opening may
    // meet the writer thread of an instance being replaced (a reconfigure): it waits that out, at set-up.
    this.db = openPrivateSqlite(path);
    this.db.exec("PRAGMA synchronous = NORMAL");
  }

  async init(): Promise<void> {
    for (const ddl of q.DDL) this.db.exec(ddl);
    migrateSqlite(this.db);
    // From here this connection only reads, on the request thread: it must never wait long for a lock.
    this.db.exec("PRAGMA busy_timeout = 100");
    const writer = new Worker(new URL("./sqlite-writer.ts", import.meta.url).href);
    writer.onmessage = (e: MessageEvent<WriterReply>) => {
      const r = e.data;
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (r.ok) p.resolve(r.changes ?? 0);
      else p.reject(new Error(r.error));
    };
    writer.onerror = (e) => {
      for (const p of this.pending.values()) p.reject(new Error(`the log writer thread failed: ${e.message}`));
      this.pending.clear();
    };
    // The writer thread must not keep the process alive on its own.
    writer.unref();
    this.writer = writer;
    await this.send({ op: "open", path: this.path });
  }

  /** One request to the writer thread; resolves with the rows it changed. */
  private send(m: DistributiveOmit<WriterRequest, "id">): Promise<number> {
    const writer = this.writer;
    if (!writer) return Promise.reject(new Error("the log store is closed"));
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      writer.postMessage({ ...m, id });
    });
  }

  async insertBatch(rows: LogDraft[]): Promise<void> {
    await this.send({ op: "insert", rows: JSON.stringify(rows) });
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

  filterData(limit: number): Promise<FilterData> {
    return readFilterData("sqlite", limit, (query) => this.all(query));
  }

  async stats(filters: LogFilters): Promise<LogStats> {
    return q.statsFrom(this.all(q.selectStats("sqlite", filters))[0]);
  }

  async histogram(filters: LogFilters, bucketSeconds: number): Promise<HistogramBucket[]> {
    return this.all(q.selectHistogram("sqlite", filters, bucketSeconds)).map(q.bucketFrom);
  }

  /** The histograms scan and rank a range's rows: on a thread of their own, started on first use. */
  private reader: SqliteReader | null = null;

  series(series: HistogramSeries, filters: LogFilters, bucketSeconds: number): Promise<Record<string, unknown>[]> {
    this.reader ??= new SqliteReader(this.path);
    return this.reader.all(selectSeries("sqlite", series, filters, bucketSeconds));
  }

  deleteIds(ids: string[]): Promise<number> {
    return this.send({ op: "deleteIds", ids });
  }

  deleteOlderThan(ms: number): Promise<number> {
    return this.send({ op: "deleteOlderThan", ms });
  }

  async close(): Promise<void> {
    await this.reader?.close();
    const writer = this.writer;
    if (writer) {
      await this.send({ op: "close" }).catch(() => {});
      this.writer = null;
      writer.terminate();
    }
    this.db.close();
  }
}
