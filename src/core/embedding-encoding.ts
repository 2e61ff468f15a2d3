/**
 * Embeddings in the encoding the client asked for, whoever answered: OpenAI's base64 is the vector's
 * little-endian float32 bytes. Providers that already answered in it (OpenAI-compatible ones are sent
 * the request's encoding_format) are left as they are.
 */
import type { EmbeddingResponse } from "../schemas/embeddings";

/** Re-encodes, in place, each vector answered in the other encoding; true when any changed. */
export function toRequestedEncoding(res: EmbeddingResponse, encodingFormat: unknown): boolean {
  const base64 = encodingFormat === "base64";
  let changed = false;
  for (const item of res?.data ?? []) {
    const v = item.embedding;
    if (base64 && Array.isArray(v)) item.embedding = floatsToBase64(v);
    else if (!base64 && typeof v === "string") item.embedding = base64ToFloats(v);
    else continue;
    changed = true;
  }
  return changed;
}

export function floatsToBase64(v: number[]): string {
  const bytes = new DataView(new ArrayBuffer(v.length * 4));
  for (let i = 0; i < v.length; i++) bytes.setFloat32(i * 4, v[i]!, true);
  return Buffer.from(bytes.buffer).toString("base64");
}

export function base64ToFloats(s: string): number[] {
  const b = Buffer.from(s, "base64");
  const bytes = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = new Array<number>(b.byteLength >> 2);
  for (let i = 0; i < out.length; i++) out[i] = bytes.getFloat32(i * 4, true);
  return out;
}
