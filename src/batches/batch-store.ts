/**
 * The BatchStore over SQL (SQLite or PostgreSQL): a batch per row, one column per field (an update writes
 * only the fields it changes, so the runner's counts and a cancel never overwrite each other), a lease
 * so replicas never run one batch twice, and a row per finished line of a gateway-run batch.
 */
import { num, type BatchDb } from "./sql";
import { ENDED, type BatchRecord, type BatchStore, type Owner } from "./types";

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS bf_batches (
    id TEXT PRIMARY KEY, owner TEXT, provider TEXT NOT NULL, endpoint TEXT NOT NULL, input_file_id TEXT NOT NULL,
    completion_window TEXT NOT NULL, metadata TEXT, status TEXT NOT NULL, mode TEXT NOT NULL, upstream_id TEXT, upstream_state TEXT,
    count_total INTEGER NOT NULL, count_completed INTEGER NOT NULL, count_failed INTEGER NOT NULL,
    output_file_id TEXT, error_file_id TEXT, errors TEXT, cost DOUBLE PRECISION,
    created_at BIGINT NOT NULL, in_progress_at BIGINT, finalizing_at BIGINT, completed_at BIGINT, failed_at BIGINT,
    expired_at BIGINT, cancelling_at BIGINT, cancelled_at BIGINT, expires_at BIGINT, key_name TEXT,
    lease_holder TEXT, lease_until BIGINT)`,
  "CREATE INDEX IF NOT EXISTS bf_batches_listing ON bf_batches (owner, created_at)",
  "CREATE INDEX IF NOT EXISTS bf_batches_status ON bf_batches (status)",
  `CREATE TABLE IF NOT EXISTS bf_batch_lines (batch_id TEXT NOT NULL, idx INTEGER NOT NULL, ok INTEGER NOT NULL, output TEXT NOT NULL, cost DOUBLE PRECISION, PRIMARY KEY (batch_id, idx))`,
];

type Field = Exclude<keyof BatchRecord, "counts">;
/** Each field's column and how it is written (JSON for objects). */
const FIELDS: Array<[Field, string, "json" | "plain"]> = [
  ["id", "id", "plain"],
  ["owner", "owner", "plain"],
  ["provider", "provider", "plain"],
  ["endpoint", "endpoint", "plain"],
  ["inputFileId", "input_file_id", "plain"],
  ["completionWindow", "completion_window", "plain"],
  ["metadata", "metadata", "json"],
  ["status", "status", "plain"],
  ["mode", "mode", "plain"],
  ["upstreamId", "upstream_id", "plain"],
  ["upstreamState", "upstream_state", "json"],
  ["outputFileId", "output_file_id", "plain"],
  ["errorFileId", "error_file_id", "plain"],
  ["errors", "errors", "json"],
  ["cost", "cost", "plain"],
  ["createdAt", "created_at", "plain"],
  ["inProgressAt", "in_progress_at", "plain"],
  ["finalizingAt", "finalizing_at", "plain"],
  ["completedAt", "completed_at", "plain"],
  ["failedAt", "failed_at", "plain"],
  ["expiredAt", "expired_at", "plain"],
  ["cancellingAt", "cancelling_at", "plain"],
  ["cancelledAt", "cancelled_at", "plain"],
  ["expiresAt", "expires_at", "plain"],
  ["keyName", "key_name", "plain"],
];
const NUMERIC = new Set<Field>(["cost", "createdAt", "inProgressAt", "finalizingAt", "completedAt", "failedAt", "expiredAt", "cancellingAt", "cancelledAt", "expiresAt"]);
const COLUMNS = [...FIELDS.map(([, c]) => c), "count_total", "count_completed", "count_failed"].join(", ");

const toDb = (kind: "json" | "plain", v: unknown) => (v === undefined ? null : kind === "json" ? (v === null ? null : JSON.stringify(v)) : v);

function recordOf(r: Record<string, any>): BatchRecord {
  const out: Record<string, unknown> = {};
  for (const [field, col, kind] of FIELDS) {
    const v = r[col];
    out[field] = v === null || v === undefined ? null : kind === "json" ? JSON.parse(v) : NUMERIC.has(field) ? Number(v) : v;
  }
  out.counts = { total: num(r.count_total) ?? 0, completed: num(r.count_completed) ?? 0, failed: num(r.count_failed) ?? 0 };
  return out as unknown as BatchRecord;
}

const UNFINISHED = ["validating", "in_progress", "finalizing", "cancelling"];
const ENDED_LIST = [...ENDED];
const PAGE = 500;

export class SqlBatchStore implements BatchStore {
  private constructor(private readonly db: BatchDb) {}

  static async open(db: BatchDb): Promise<SqlBatchStore> {
    await db.prepare(SCHEMA);
    return new SqlBatchStore(db);
  }

  async create(r: BatchRecord): Promise<void> {
    const values = [...FIELDS.map(([f, , kind]) => toDb(kind, r[f])), r.counts.total, r.counts.completed, r.counts.failed];
    await this.db.run(`INSERT INTO bf_batches (${COLUMNS}) VALUES (${values.map((_, i) => `$${i + 1}`).join(", ")})`, values);
  }

  async get(id: string): Promise<BatchRecord | null> {
    const rows = await this.db.all(`SELECT ${COLUMNS} FROM bf_batches WHERE id = $1`, [id]);
    return rows[0] ? recordOf(rows[0]) : null;
  }

  /** Newest first, as OpenAI lists batches; `after` is the last id of the previous page. */
  async list(q: { owner?: Owner; after?: string; limit: number }): Promise<BatchRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => (params.push(v), `$${params.length}`);
    if (q.owner === null) where.push("owner IS NULL");
    else if (q.owner !== undefined) where.push(`owner = ${p(q.owner)}`);
    if (q.after) {
      const cursor = await this.db.all("SELECT created_at FROM bf_batches WHERE id = $1", [q.after]);
      if (cursor[0]) {
        const c = p(num(cursor[0].created_at));
        where.push(`(created_at < ${c} OR (created_at = ${c} AND id < ${p(q.after)}))`);
      }
    }
    const sql = `SELECT ${COLUMNS} FROM bf_batches ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC, id DESC LIMIT ${p(q.limit)}`;
    return (await this.db.all(sql, params)).map(recordOf);
  }

  async update(id: string, patch: Partial<BatchRecord>): Promise<BatchRecord> {
    const sets: string[] = [];
    const params: unknown[] = [id];
    const set = (col: string, v: unknown) => (params.push(v), sets.push(`${col} = $${params.length}`));
    for (const [f, col, kind] of FIELDS) if (f !== "id" && f in patch) set(col, toDb(kind, patch[f]));
    if (patch.counts) {
      set("count_total", patch.counts.total);
      set("count_completed", patch.counts.completed);
      set("count_failed", patch.counts.failed);
    }
    if (sets.length) await this.db.run(`UPDATE bf_batches SET ${sets.join(", ")} WHERE id = $1`, params);
    const r = await this.get(id);
    if (!r) throw new Error(`batch ${id} not found`);
    return r;
  }

  async unfinished(): Promise<BatchRecord[]> {
    if (!this.db.exists()) return [];
    const rows = await this.db.all(`SELECT ${COLUMNS} FROM bf_batches WHERE status IN (${UNFINISHED.map((_, i) => `$${i + 1}`).join(", ")}) ORDER BY created_at`, UNFINISHED);
    return rows.map(recordOf);
  }

  async recordLine(batchId: string, index: number, ok: boolean, output: string, cost: number | null): Promise<boolean> {
    const rows = await this.db.all("INSERT INTO bf_batch_lines (batch_id, idx, ok, output, cost) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (batch_id, idx) DO NOTHING RETURNING idx", [batchId, index, ok ? 1 : 0, output, cost]);
    return rows.length > 0;
  }

  async doneLines(batchId: string): Promise<Set<number>> {
    const rows = await this.db.all("SELECT idx FROM bf_batch_lines WHERE batch_id = $1", [batchId]);
    return new Set(rows.map((r) => Number(r.idx)));
  }

  async *lineOutputs(batchId: string, ok?: boolean): AsyncIterable<string> {
    const filter = ok === undefined ? "" : `AND ok = ${ok ? 1 : 0}`;
    for (let after = -1; ; ) {
      const rows = await this.db.all(`SELECT idx, output FROM bf_batch_lines WHERE batch_id = $1 AND idx > $2 ${filter} ORDER BY idx LIMIT ${PAGE}`, [batchId, after]);
      for (const r of rows) yield r.output as string;
      if (rows.length < PAGE) return;
      after = Number(rows[rows.length - 1]!.idx);
    }
  }

  async lineCounts(batchId: string): Promise<{ completed: number; failed: number; cost: number | null }> {
    const rows = await this.db.all("SELECT ok, COUNT(*) AS n, SUM(cost) AS c FROM bf_batch_lines WHERE batch_id = $1 GROUP BY ok", [batchId]);
    const row = (ok: number) => rows.find((r) => Number(r.ok) === ok);
    const costs = rows.map((r) => num(r.c)).filter((c): c is number => c !== null);
    return { completed: Number(row(1)?.n ?? 0), failed: Number(row(0)?.n ?? 0), cost: costs.length ? costs.reduce((x, y) => x + y, 0) : null };
  }

  async claim(batchId: string, holder: string, until: number, now: number): Promise<boolean> {
    const rows = await this.db.all(
      "UPDATE bf_batches SET lease_holder = $2, lease_until = $3 WHERE id = $1 AND (lease_holder IS NULL OR lease_holder = $2 OR lease_until IS NULL OR lease_until < $4) RETURNING id",
      [batchId, holder, until, now],
    );
    return rows.length > 0;
  }

  async release(batchId: string, holder: string): Promise<void> {
    await this.db.run("UPDATE bf_batches SET lease_holder = NULL, lease_until = NULL WHERE id = $1 AND lease_holder = $2", [batchId, holder]);
  }

  async deleteEndedBefore(before: number): Promise<number> {
    if (!this.db.exists()) return 0;
    const rows = await this.db.all(`SELECT id FROM bf_batches WHERE created_at < $1 AND status IN (${ENDED_LIST.map((_, i) => `$${i + 2}`).join(", ")})`, [before, ...ENDED_LIST]);
    for (const r of rows) {
      await this.db.run("DELETE FROM bf_batch_lines WHERE batch_id = $1", [r.id]);
      await this.db.run("DELETE FROM bf_batches WHERE id = $1", [r.id]);
    }
    return rows.length;
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
