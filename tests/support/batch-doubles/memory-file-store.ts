/**
 * TEST DOUBLE: an in-memory FileStore (src/batches/types.ts) for tests that run without the real
 * SQLite/PostgreSQL store. Content is kept as the chunks that arrived; `put` honours maxBytes (413,
 * "file_too_large", nothing kept) and keeps nothing when the body fails. `largestChunk` lets a test
 * check that content was streamed in pieces, not handed over whole.
 */
import type { FileMeta, FileQuery, FileStore } from "../../../src/batches/types";
import { BifrostError } from "../../../src/schemas/error";

export class MemoryFileStore implements FileStore {
  readonly metas = new Map<string, FileMeta>();
  readonly contents = new Map<string, Uint8Array[]>();
  largestChunk = 0;
  /** Every put, in order (the backend's staging files show up here). */
  readonly puts: FileMeta[] = [];

  async put(meta: Omit<FileMeta, "bytes">, body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<FileMeta> {
    const chunks: Uint8Array[] = [];
    let bytes = 0;
    for await (const chunk of body) {
      bytes += chunk.byteLength;
      if (bytes > maxBytes) throw new BifrostError({ status: 413, type: "request_too_large", code: "file_too_large", message: `the file is larger than ${maxBytes} bytes` });
      this.largestChunk = Math.max(this.largestChunk, chunk.byteLength);
      chunks.push(chunk.slice());
    }
    const full: FileMeta = { ...meta, bytes };
    this.metas.set(meta.id, full);
    this.contents.set(meta.id, chunks);
    this.puts.push(full);
    return full;
  }

  async get(id: string): Promise<FileMeta | null> {
    return this.metas.get(id) ?? null;
  }

  async update(id: string, patch: Partial<Pick<FileMeta, "purpose" | "provider" | "filename" | "expiresAt">>): Promise<FileMeta | null> {
    const m = this.metas.get(id);
    if (!m) return null;
    const next = { ...m, ...patch };
    this.metas.set(id, next);
    return next;
  }

  async list(q: FileQuery): Promise<FileMeta[]> {
    let all = [...this.metas.values()].filter(
      (m) => (q.owner === undefined || m.owner === q.owner) && (!q.purpose || m.purpose === q.purpose) && (!q.provider || m.provider === q.provider),
    );
    all.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    if (q.order === "desc") all.reverse();
    if (q.after) {
      const at = all.findIndex((m) => m.id === q.after);
      all = at === -1 ? [] : all.slice(at + 1);
    }
    return all.slice(0, q.limit);
  }

  async *read(id: string): AsyncIterable<Uint8Array> {
    const chunks = this.contents.get(id);
    if (!chunks) throw new BifrostError({ status: 404, type: "not_found_error", message: `no such file: ${id}` });
    for (const c of chunks) yield c;
  }

  async delete(id: string): Promise<boolean> {
    this.contents.delete(id);
    return this.metas.delete(id);
  }

  async deleteExpired(now: number, keep?: ReadonlySet<string>): Promise<number> {
    let n = 0;
    for (const m of [...this.metas.values()]) if (m.expiresAt !== null && m.expiresAt <= now && !keep?.has(m.id) && (await this.delete(m.id))) n++;
    return n;
  }

  async close(): Promise<void> {}

  /** A stored file's content as text (assertions). */
  text(id: string): string {
    return Buffer.concat(this.contents.get(id) ?? []).toString("utf8");
  }
}

export async function* bytesOf(text: string): AsyncIterable<Uint8Array> {
  yield new TextEncoder().encode(text);
}

export async function textOf(body: AsyncIterable<Uint8Array>): Promise<string> {
  const dec = new TextDecoder();
  let out = "";
  for await (const c of body) out += dec.decode(c, { stream: true });
  return out + dec.decode();
}
