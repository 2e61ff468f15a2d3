/**
 * Every way a recorded SSE transcript can reach a decoder: whole, per line, one UTF-16 unit at a time,
 * split at every offset, in random pieces, and split at every byte (decoded as the provider call does), with
 * LF and CRLF line endings. A decoder must give the same chunks for each.
 */

export const lines = (text: string) => text.match(/[^\n]*\n|[^\n]+$/g) ?? [];

/** Deterministic pseudo-random piece sizes (1–40 UTF-16 units). */
export function randomPieces(text: string, seed: number): string[] {
  const out: string[] = [];
  let s = seed;
  for (let i = 0; i < text.length; ) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const n = 1 + (s % 40);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

/** The bytes split at `at`, decoded the way the provider call does (streaming TextDecoder). */
function byteSplit(bytes: Uint8Array, at: number): string[] {
  const dec = new TextDecoder();
  return [dec.decode(bytes.subarray(0, at), { stream: true }), dec.decode(bytes.subarray(at), { stream: true }), dec.decode()];
}

export function* splits(transcript: string): Generator<[string, string[]]> {
  const lf = transcript.replace(/\r\n/g, "\n");
  for (const [eol, text] of [["LF", lf], ["CRLF", lf.replace(/\n/g, "\r\n")]] as const) {
    yield [`${eol} whole`, [text]];
    yield [`${eol} line by line`, lines(text)];
    yield [`${eol} one unit at a time`, text.split("")];
    for (let i = 1; i < text.length; i++) yield [`${eol} split at ${i}`, [text.slice(0, i), text.slice(i)]];
    for (let seed = 1; seed <= 25; seed++) yield [`${eol} random seed ${seed}`, randomPieces(text, seed)];
    const bytes = new TextEncoder().encode(text);
    for (let i = 1; i < bytes.length; i++) yield [`${eol} byte split at ${i}`, byteSplit(bytes, i)];
  }
}

// ── running a decoder over the pieces ─────────────────────────────────

import { expect } from "bun:test";
import type { ChatChunk } from "../../src/schemas/chat";

export interface DecodeRun {
  chunks: ChatChunk[];
  error?: unknown;
  done: boolean;
}

interface Decoder<P> {
  push(piece: P): ChatChunk[];
  end(): ChatChunk[];
  readonly done: boolean;
}

/** Feed the pieces to a fresh decoder, then end it; an error is reported beside the chunks that came before it. */
export function decodePieces<P>(decoder: Decoder<P>, pieces: Iterable<P>): DecodeRun {
  const chunks: ChatChunk[] = [];
  try {
    for (const piece of pieces) chunks.push(...decoder.push(piece));
    chunks.push(...decoder.end());
  } catch (error) {
    return { chunks, error, done: decoder.done };
  }
  return { chunks, done: decoder.done };
}

/** Every split of the transcript must yield exactly `expected`, then a clean end. */
export function expectSameForEverySplit(transcript: string, run: (pieces: string[]) => DecodeRun, expected: ChatChunk[], atLeast = 500): void {
  let count = 0;
  for (const [split, pieces] of splits(transcript)) {
    // The label rides along so a failing diff names the split.
    expect({ split, ...run(pieces) }).toEqual({ split, chunks: expected, done: true });
    count++;
  }
  expect(count).toBeGreaterThan(atLeast);
}
