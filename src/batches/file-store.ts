/**
 * The FileStore over SQL (SQLite or PostgreSQL, src/batches/sql.ts): a file's row, then its content in
 * chunks of at most 1 MiB written as they arrive and read back one at a time, so no file is ever whole in
 * memory. A file becomes visible when its last chunk is written; an upload that fails (too large, the
 * client left) removes what it wrote, and one cut short by a crash is swept with the expired files.
 */
import { BifrostError } from "../schemas/error";
import { num, type BatchDb } from "./sql";
import type { FileMeta, FileQuery, FileStore } from "./types";

export const CHUNK_BYTES = 1024 * 1024;
/** An upload still unfinished after this long was cut short by a crash: swept. */
const STALE_UPLOAD_MS = 24 * 3600_000;

const SCHEMA = (db: BatchDb) => {
  const bytes = db.kind === "postgres" ? "BYTEA" : "BLOB";
  return [
    `CREATE TABLE IF NOT EXISTS bf_files (
      id TEXT PRIMARY KEY, owner TEXT, provider TEXT NOT NULL, filename TEXT NOT NULL, purpose TEXT NOT NULL,
      bytes BIGINT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT, generated INTEGER NOT NULL, complete INTEGER NOT NULL)`,
    "CREATE INDEX IF NOT EXISTS bf_files_listing ON bf_files (owner, created_at)",
    "CREATE INDEX IF NOT EXISTS bf_files_expiry ON bf_files (expires_at)",
    `CREATE TABLE IF NOT EXISTS bf_file_chunks (file_id TEXT NOT NULL, seq INTEGER NOT NULL, data ${bytes} NOT NULL, PRIMARY KEY (file_id, seq))`,
  ];
};

const COLUMNS = "id, owner, provider, filename, purpose, bytes, created_at, expires_at, generated";

function metaOf(r: Record<string, any>): FileMeta {
  return {
    id: r.id,
    owner: r.owner ?? null,
    provider: r.provider,
    filename: r.filename,
    purpose: r.purpose,
    bytes: num(r.bytes)!,
    createdAt: num(r.created_at)!,
    expiresAt: num(r.expires_at),
    generated: Number(r.generated) === 1,
  };
}

export function tooLarge(maxBytes: number): BifrostError {
  return new BifrostError({ status: 413, type: "request_too_large", code: "file_too_large", message: `the file is larger than the limit of ${maxBytes} bytes (batches.max_upload_bytes)`, param: "file" });
}

export class SqlFileStore implements FileStore {
  private constructor(private readonly db: BatchDb) {}

  static async open(db: BatchDb): Promise<SqlFileStore> {
    await db.prepare(SCHEMA(db));
    return new SqlFileStore(db);
  }

  async put(meta: Omit<FileMeta, "bytes">, body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<FileMeta> {
    await this.db.run(`INSERT INTO bf_files (${COLUMNS}, complete) VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8, 0)`, [
      meta.id,
      meta.owner,
      meta.provider,
      meta.filename,
      meta.purpose,
      meta.createdAt,
      meta.expiresAt,
      meta.generated ? 1 : 0,
    ]);
    let total = 0;
    let seq = 0;
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const write = async (chunk: Uint8Array) => this.db.run("INSERT INTO bf_file_chunks (file_id, seq, data) VALUES ($1, $2, $3)", [meta.id, seq++, chunk]);
    try {
      for await (const piece of body) {
        if (!piece.byteLength) continue;
        total += piece.byteLength;
        if (total > maxBytes) throw tooLarge(maxBytes);
        pending.push(piece);
        pendingBytes += piece.byteLength;
        if (pendingBytes < CHUNK_BYTES) continue;
        const joined = Buffer.concat(pending, pendingBytes);
        let at = 0;
        for (; joined.byteLength - at >= CHUNK_BYTES; at += CHUNK_BYTES) await write(joined.subarray(at, at + CHUNK_BYTES));
        pending = at < joined.byteLength ? [joined.subarray(at)] : [];
        pendingBytes = joined.byteLength - at;
      }
      if (pendingBytes) await write(Buffer.concat(pending, pendingBytes));
      await this.db.run("UPDATE bf_files SET bytes = $2, complete = 1 WHERE id = $1", [meta.id, total]);
    } catch (e) {
      await this.remove(meta.id).catch(() => {});
      throw e;
    }
    return { ...meta, bytes: total };
  }

  async get(id: string): Promise<FileMeta | null> {
    const rows = await this.db.all(`SELECT ${COLUMNS} FROM bf_files WHERE id = $1 AND complete = 1`, [id]);
    return rows[0] ? metaOf(rows[0]) : null;
  }

  async list(q: FileQuery): Promise<FileMeta[]> {
    const where = ["complete = 1", "(expires_at IS NULL OR expires_at > $1)"];
    const params: unknown[] = [Date.now()];
    const p = (v: unknown) => (params.push(v), `$${params.length}`);
    if (q.owner === null) where.push("owner IS NULL");
    else if (q.owner !== undefined) where.push(`owner = ${p(q.owner)}`);
    if (q.purpose) where.push(`purpose = ${p(q.purpose)}`);
    if (q.provider) where.push(`provider = ${p(q.provider)}`);
    const desc = q.order === "desc";
    if (q.after) {
      const cursor = await this.db.all("SELECT created_at FROM bf_files WHERE id = $1", [q.after]);
      if (cursor[0]) {
        const c = p(num(cursor[0].created_at));
        const id = p(q.after);
        where.push(desc ? `(created_at < ${c} OR (created_at = ${c} AND id < ${id}))` : `(created_at > ${c} OR (created_at = ${c} AND id > ${id}))`);
      }
    }
    const dir = desc ? "DESC" : "ASC";
    const rows = await this.db.all(`SELECT ${COLUMNS} FROM bf_files WHERE ${where.join(" AND ")} ORDER BY created_at ${dir}, id ${dir} LIMIT ${p(q.limit)}`, params);
    return rows.map(metaOf);
  }

  async *read(id: string): AsyncIterable<Uint8Array> {
    for (let seq = 0; ; seq++) {
      const rows = await this.db.all("SELECT data FROM bf_file_chunks WHERE file_id = $1 AND seq = $2", [id, seq]);
      if (!rows[0]) return;
      yield rows[0].data as Uint8Array;
    }
  }

  async update(id: string, patch: Partial<Pick<FileMeta, "purpose" | "provider" | "filename" | "expiresAt">>): Promise<FileMeta | null> {
    const sets: string[] = [];
    const params: unknown[] = [id];
    const set = (col: string, v: unknown) => (params.push(v), sets.push(`${col} = $${params.length}`));
    if (patch.purpose !== undefined) set("purpose", patch.purpose);
    if (patch.provider !== undefined) set("provider", patch.provider);
    if (patch.filename !== undefined) set("filename", patch.filename);
    if (patch.expiresAt !== undefined) set("expires_at", patch.expiresAt);
    if (sets.length) await this.db.run(`UPDATE bf_files SET ${sets.join(", ")} WHERE id = $1`, params);
    return this.get(id);
  }

  async delete(id: string): Promise<boolean> {
    const found = await this.db.all("SELECT id FROM bf_files WHERE id = $1 AND complete = 1", [id]);
    if (!found.length) return false;
    await this.remove(id);
    return true;
  }

  async deleteExpired(now: number, keep?: ReadonlySet<string>): Promise<number> {
    if (!this.db.exists()) return 0;
    const rows = await this.db.all("SELECT id FROM bf_files WHERE (expires_at IS NOT NULL AND expires_at <= $1) OR (complete = 0 AND created_at <= $2)", [now, now - STALE_UPLOAD_MS]);
    const gone = rows.filter((r) => !keep?.has(r.id));
    for (const r of gone) await this.remove(r.id);
    return gone.length;
  }

  close(): Promise<void> {
    return this.db.close();
  }

  /** The row first: a reader never sees a file whose chunks are half gone. */
  private async remove(id: string): Promise<void> {
    await this.db.run("DELETE FROM bf_files WHERE id = $1", [id]);
    await this.db.run("DELETE FROM bf_file_chunks WHERE file_id = $1", [id]);
  }
}
