/**
 * Where the governance definitions live: three tables of the same shape (id, name, value_hash,
 * doc JSON, from_config, updated_at) in SQLite (bun:sqlite; a 0600 file in a 0700 directory, WAL)
 * or PostgreSQL (Bun.SQL). Each entity is one row whose `doc` holds it whole (its budgets and rate
 * limits nested, as Go's API answers show them); the store keeps them all in memory and writes
 * through.
 */
import { openPrivateSqlite } from "bifrost/plugin";
import { Database } from "bun:sqlite";
import { SQL } from "bun";


export type Kind = "virtual_keys" | "teams" | "customers";
export const KINDS: readonly Kind[] = ["virtual_keys", "teams", "customers"];

export interface Row {
  kind: Kind;
  id: string;
  name: string;
  /** Virtual keys only. */
  valueHash: string | null;
  doc: string;
  fromConfig: boolean;
}

export interface DefinitionBackend {
  readonly kind: "sqlite" | "postgres";
  load(): Promise<Row[]>;
  /** Insert or replace rows by id, all in one transaction. */
  put(rows: Row[]): Promise<void>;
  remove(kind: Kind, id: string): Promise<void>;
  close(): Promise<void>;
}

const table = (kind: Kind) => `governance_${kind}`;

function schema(kind: Kind): string {
  return `CREATE TABLE IF NOT EXISTS ${table(kind)} (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    value_hash TEXT UNIQUE,
    doc TEXT NOT NULL,
    from_config INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
  )`;
}

const UPSERT = (kind: Kind, p: (n: number) => string) =>
  `INSERT INTO ${table(kind)} (id, name, value_hash, doc, from_config, updated_at) VALUES (${[1, 2, 3, 4, 5, 6].map(p).join(", ")})
   ON CONFLICT (id) DO UPDATE SET name = excluded.name, value_hash = excluded.value_hash, doc = excluded.doc, from_config = excluded.from_config, updated_at = excluded.updated_at`;

const params = (r: Row) => [r.id, r.name, r.valueHash, r.doc, r.fromConfig ? 1 : 0, new Date().toISOString()];

interface Stored {
  id: string;
  name: string;
  value_hash: string | null;
  doc: string;
  from_config: number;
}

const toRow = (kind: Kind, s: Stored): Row => ({ kind, id: s.id, name: s.name, valueHash: s.value_hash, doc: s.doc, fromConfig: Number(s.from_config) === 1 });

export class SqliteDefinitionBackend implements DefinitionBackend {
  readonly kind = "sqlite";
  private db: Database;

  constructor(path: string) {
    this.db = openPrivateSqlite(path, { strict: true, busyTimeoutMs: 5000 });
    for (const k of KINDS) this.db.exec(schema(k));
  }

  async load(): Promise<Row[]> {
    return KINDS.flatMap((k) => this.db.query<Stored, []>(`SELECT id, name, value_hash, doc, from_config FROM ${table(k)}`).all().map((s) => toRow(k, s)));
  }

  async put(rows: Row[]): Promise<void> {
    this.db.transaction(() => {
      for (const r of rows) this.db.query(UPSERT(r.kind, () => "?")).run(...(params(r) as [string]));
    })();
  }

  async remove(kind: Kind, id: string): Promise<void> {
    this.db.query(`DELETE FROM ${table(kind)} WHERE id = ?`).run(id);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

export class PostgresDefinitionBackend implements DefinitionBackend {
  readonly kind = "postgres";
  private constructor(private sql: SQL) {}

  static async open(url: string): Promise<PostgresDefinitionBackend> {
    const sql = new SQL(url, { max: 4 });
    for (const k of KINDS) await sql.unsafe(schema(k));
    return new PostgresDefinitionBackend(sql);
  }

  async load(): Promise<Row[]> {
    const out: Row[] = [];
    for (const k of KINDS) {
      const rows: Stored[] = await this.sql.unsafe(`SELECT id, name, value_hash, doc, from_config FROM ${table(k)}`);
      for (const s of rows) out.push(toRow(k, s));
    }
    return out;
  }

  async put(rows: Row[]): Promise<void> {
    await this.sql.begin(async (tx) => {
      for (const r of rows) await tx.unsafe(UPSERT(r.kind, (n) => `$${n}`), params(r));
    });
  }

  async remove(kind: Kind, id: string): Promise<void> {
    await this.sql.unsafe(`DELETE FROM ${table(kind)} WHERE id = $1`, [id]);
  }

  async close(): Promise<void> {
    await this.sql.close();
  }
}
