/**
 * An in-memory FileStore (src/batches/types.ts) for tests: chunks kept as they arrived, the same contract as
 * the SQLite and PostgreSQL stores (a 413 "file_too_large" past maxBytes, nothing kept of a refused file).
 */
import type { FileMeta, FileQuery, FileStore } from "../../src/batches/types";
import { BifrostError } from "../../src/schemas/error";

export class MemoryFileStore implements FileStore {
  readonly metas = new Map<string, FileMeta>();
  readonly chunks = new Map<string, Uint8Array[]>();

  async put(meta: Omit<FileMeta, "bytes">, body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<FileMeta> {
    const parts: Uint8Array[] = [];
    let bytes = 0;
    for await (const chunk of body) {
      bytes += chunk.byteLength;
      if (bytes > maxBytes) throw new BifrostError({ status: 413, code: "file_too_large", message: `file is larger than ${maxBytes} bytes` });
      parts.push(chunk.slice());
    }
    const full: FileMeta = { ...meta, bytes };
    this.metas.set(meta.id, full);
    this.chunks.set(meta.id, parts);
    return full;
  }

  async get(id: string): Promise<FileMeta | null> {
    return this.metas.get(id) ?? null;
  }

  async list(q: FileQuery): Promise<FileMeta[]> {
    let all = [...this.metas.values()].filter(
      (m) => (q.owner === undefined || m.owner === q.owner) && (!q.purpose || m.purpose === q.purpose) && (!q.provider || m.provider === q.provider),
    );
    all.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    if (q.order === "desc") all.reverse();
    if (q.after) {
      const at = all.findIndex((m) => m.id === q.after);
      all = at === -1 ? [] : all.slice(at + 1);
    }
    return all.slice(0, q.limit);
  }

  async *read(id: string): AsyncIterable<Uint8Array> {
    const parts = this.chunks.get(id);
    if (!parts) throw new BifrostError({ status: 404, message: `no such file: ${id}` });
    for (const p of parts) yield p;
  }

  async delete(id: string): Promise<boolean> {
    this.chunks.delete(id);
    return this.metas.delete(id);
  }

  async deleteExpired(now: number): Promise<number> {
    let n = 0;
    for (const m of [...this.metas.values()]) if (m.expiresAt !== null && m.expiresAt <= now && (await this.delete(m.id))) n++;
    return n;
  }

  async close(): Promise<void> {}
}
