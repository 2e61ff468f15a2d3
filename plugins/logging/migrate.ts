/**
 * Columns `logs` gained after its first release. A table made before gets them at start (ALTER TABLE …
 * ADD COLUMN when missing); a new table gets them the same way, so both take one path.
 */
import type { Database } from "bun:sqlite";
import type { SQL } from "bun";
import type { Dialect } from "./sql";

export const ADDED_COLUMNS = [
  { name: "virtual_key_id", type: "TEXT" },
  { name: "virtual_key_name", type: "TEXT" },
  { name: "batch_id", type: "TEXT" },
] as const;

/** Indexes on added columns, made once the columns exist. */
const ADDED_INDEXES = ["CREATE INDEX IF NOT EXISTS idx_logs_virtual_key ON logs (virtual_key_id)", "CREATE INDEX IF NOT EXISTS idx_logs_batch ON logs (batch_id)"];

/** The statements that bring a `logs` table with these columns up to date (only the indexes when it is). */
export function migrations(dialect: Dialect, existing: ReadonlySet<string>): string[] {
  // PostgreSQL's IF NOT EXISTS also covers two replicas starting at once; SQLite has no such clause.
  const add = dialect === "postgres" ? "ADD COLUMN IF NOT EXISTS" : "ADD COLUMN";
  return [...ADDED_COLUMNS.filter((c) => !existing.has(c.name)).map((c) => `ALTER TABLE logs ${add} ${c.name} ${c.type}`), ...ADDED_INDEXES];
}

export function migrateSqlite(db: Database): void {
  const existing = new Set((db.query("PRAGMA table_info(logs)").all() as Array<{ name: string }>).map((c) => c.name));
  for (const m of migrations("sqlite", existing)) db.exec(m);
}

export async function migratePostgres(sql: SQL): Promise<void> {
  const rows = (await sql.unsafe("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'logs'")) as Array<{ column_name: string }>;
  const existing = new Set(rows.map((r) => r.column_name));
  for (const m of migrations("postgres", existing)) await sql.unsafe(m);
}
