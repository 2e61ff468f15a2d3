/**
 * The SQLite log store's reader for the histograms, on its own thread (a Bun Worker): a week of rows
 * is scanned and ranked here, so the thread that serves requests is never held by a dashboard's
 * chart (bun:sqlite is synchronous). One query at a time; one message in, one reply out, by id.
 * In the worker this file answers; on the calling thread `SqliteReader` is its client.
 */
import { Database } from "bun:sqlite";
import type { Query } from "./sql";

type ReaderRequest = { id: number; op: "open"; path: string } | { id: number; op: "all"; query: Query } | { id: number; op: "close" };
type ReaderReply = { id: number; ok: true; rows?: Record<string, unknown>[] } | { id: number; ok: false; error: string };

/** The calling thread's side: starts the thread on first use, and ends it on close(). */
export class SqliteReader {
  private worker: Worker | null = null;
  private opened: Promise<unknown> | null = null;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve(rows: Record<string, unknown>[]): void; reject(e: Error): void }>();

  constructor(private readonly path: string) {}

  async all(query: Query): Promise<Record<string, unknown>[]> {
    this.opened ??= this.send({ op: "open", path: this.path }).catch((e) => {
      this.opened = null;
      throw e;
    });
    await this.opened;
    return this.send({ op: "all", query });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    await this.send({ op: "close" }).catch(() => {});
    this.worker = null;
    this.opened = null;
    worker.terminate();
    for (const p of this.pending.values()) p.reject(new Error("the log store is closed"));
    this.pending.clear();
  }

  private start(): Worker {
    const worker = new Worker(new URL("./sqlite-reader.ts", import.meta.url).href);
    worker.onmessage = (e: MessageEvent<ReaderReply>) => {
      const r = e.data;
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (r.ok) p.resolve(r.rows ?? []);
      else p.reject(new Error(r.error));
    };
    worker.onerror = (e) => {
      for (const p of this.pending.values()) p.reject(new Error(`the log reader thread failed: ${e.message}`));
      this.pending.clear();
      // A thread that failed answers nothing more: the next query starts a fresh one instead of waiting forever.
      if (this.worker === worker) {
        this.worker = null;
        this.opened = null;
        worker.terminate();
      }
    };
    // Like the writer thread, it must not keep the process alive on its own.
    worker.unref();
    return (this.worker = worker);
  }

  private send(m: { op: "open"; path: string } | { op: "all"; query: Query } | { op: "close" }): Promise<Record<string, unknown>[]> {
    const worker = this.worker ?? this.start();
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...m, id } satisfies ReaderRequest);
    });
  }
}

// ── the worker's side ──

declare const self: Worker;

if (!Bun.isMainThread) {
  let db: Database | null = null;
  self.onmessage = (e: MessageEvent<ReaderRequest>) => {
    const m = e.data;
    try {
      if (m.op === "open") {
        db = new Database(m.path);
        // Only reads here; a write in progress never blocks a WAL reader, the wait is for a checkpoint's lock.
        db.exec("PRAGMA query_only = 1");
        db.exec("PRAGMA busy_timeout = 2000");
        self.postMessage({ id: m.id, ok: true } satisfies ReaderReply);
      } else if (m.op === "all") {
        const rows = db!.query(m.query.sql).all(...(m.query.params as never[])) as Record<string, unknown>[];
        self.postMessage({ id: m.id, ok: true, rows } satisfies ReaderReply);
      } else {
        db?.close();
        db = null;
        self.postMessage({ id: m.id, ok: true } satisfies ReaderReply);
      }
    } catch (err) {
      self.postMessage({ id: m.id, ok: false, error: String((err as Error)?.message ?? err) } satisfies ReaderReply);
    }
  };
}
