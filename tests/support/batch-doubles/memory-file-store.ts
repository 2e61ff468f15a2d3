/**
 * A FileStore in memory, for tests of backends and surfaces without the real store (SQLite/PostgreSQL).
 * A test double: content is kept as the chunks that arrived; nothing survives the process.
 */
import { BifrostError } from "../../../src/schemas/error";
import type { FileMeta, FileQuery, FileStore } from "../../../src/batches/types";

export class MemoryFileStore implements FileStore {
  readonly files = new Map<string, { meta: FileMeta; chunks: Uint8Array[] }>();

  async put(meta: Omit<FileMeta, "bytes">, body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<FileMeta> {
    const chunks: Uint8Array[] = [];
    let bytes = 0;
    for await (const chunk of body) {
      bytes += chunk.byteLength;
      if (bytes > maxBytes) throw new BifrostError({ status: 413, type: "request_too_large", code: "file_too_large", message: `file exceeds ${maxBytes} bytes` });
      chunks.push(chunk.slice());
    }
    const stored: FileMeta = { ...meta, bytes };
    this.files.set(meta.id, { meta: stored, chunks });
    return stored;
  }

  async get(id: string): Promise<FileMeta | null> {
    return this.files.get(id)?.meta ?? null;
  }

  async update(id: string, patch: Partial<Pick<FileMeta, "purpose" | "provider" | "filename" | "expiresAt">>): Promise<FileMeta | null> {
    const f = this.files.get(id);
    if (!f) return null;
    f.meta = { ...f.meta, ...patch };
    return f.meta;
  }

  async list(q: FileQuery): Promise<FileMeta[]> {
    let all = [...this.files.values()].map((f) => f.meta);
    if (q.owner !== undefined) all = all.filter((m) => m.owner === q.owner);
    if (q.purpose) all = all.filter((m) => m.purpose === q.purpose);
    if (q.provider) all = all.filter((m) => m.provider === q.provider);
    if (q.order === "desc") all.reverse();
    const start = q.after ? all.findIndex((m) => m.id === q.after) + 1 : 0;
    return all.slice(start, start + q.limit);
  }

  async *read(id: string): AsyncIterable<Uint8Array> {
    const f = this.files.get(id);
    if (!f) throw new BifrostError({ status: 404, type: "not_found_error", message: `no file ${id}` });
    for (const c of f.chunks) yield c;
  }

  async delete(id: string): Promise<boolean> {
    return this.files.delete(id);
  }

  async deleteExpired(now: number): Promise<number> {
    let n = 0;
    for (const [id, f] of this.files) if (f.meta.expiresAt !== null && f.meta.expiresAt <= now) this.files.delete(id), n++;
    return n;
  }

  async close(): Promise<void> {}
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
