/**
 * The SQLite log store's writer, on its own thread (a Bun Worker): inserts and deletes run here, so
 * the thread that serves requests never waits on the disk or on SQLite's B-trees. The search text is
 * worked out here too. One message in, one reply out, matched by id.
 */
import { Database } from "bun:sqlite";
import { finishRow } from "./entry";
import * as q from "./sql";
import { COLUMNS, type LogDraft } from "./store";

export type WriterRequest =
  | { id: number; op: "open"; path: string }
  /** The drafts as one JSON string: the request's thread serialises each row once, and a string posts cheaper than objects. */
  | { id: number; op: "insert"; rows: string }
  | { id: number; op: "deleteIds"; ids: string[] }
  | { id: number; op: "deleteOlderThan"; ms: number }
  | { id: number; op: "close" };
export type WriterReply = { id: number; ok: true; changes?: number } | { id: number; ok: false; error: string };

declare const self: Worker;

let db: Database | null = null;
let insert: ReturnType<Database["prepare"]> | null = null;

function handle(m: WriterRequest): number | undefined {
  switch (m.op) {
    case "open": {
      db = new Database(m.path);
      db.exec("PRAGMA journal_mode = WAL");
      db.exec("PRAGMA synchronous = NORMAL");
      // On its own thread a busy file may be waited for (no request waits with it); past this the batch is
      // dropped and counted. Another process writing (a replica, a retention delete) is what it waits out.
      db.exec("PRAGMA busy_timeout = 2000");
      insert = db.prepare(`INSERT INTO logs (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map((_, i) => `?${i + 1}`).join(", ")}) ON CONFLICT (id) DO NOTHING`);
      return;
    }
    case "insert": {
      const stmt = insert!;
      const rows = (JSON.parse(m.rows) as LogDraft[]).map(finishRow);
      db!.transaction(() => {
        for (const r of rows) stmt.run(...(COLUMNS.map((c) => r[c]) as never[]));
      })();
      return;
    }
    case "deleteIds":
      return run(q.deleteIds("sqlite", m.ids));
    case "deleteOlderThan":
      return run(q.deleteOlderThan("sqlite", m.ms));
    case "close":
      db?.close();
      db = null;
      return;
  }
}

function run(d: q.Query): number {
  return db!.query(d.sql).run(...(d.params as never[])).changes;
}

self.onmessage = (e: MessageEvent<WriterRequest>) => {
  const m = e.data;
  try {
    const changes = handle(m);
    self.postMessage({ id: m.id, ok: true, changes } satisfies WriterReply);
  } catch (err) {
    self.postMessage({ id: m.id, ok: false, error: String((err as Error)?.message ?? err) } satisfies WriterReply);
  }
};
