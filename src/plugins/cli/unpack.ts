/**
 * Unpacking a plugin's .tgz without `tar`: regular files and folders only, each inside the destination,
 * mode 0644 or 0755 (no setuid/setgid), and a cap on the unpacked bytes and entries counted from the
 * headers before anything is written, so a small .tgz cannot fill the disk.
 */
import { closeSync, createReadStream, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname, isAbsolute, resolve, sep } from "node:path";
import { createGunzip } from "node:zlib";
import { CliError } from "./output";

export interface UnpackLimits {
  maxBytes: number;
  maxEntries: number;
}

/** Where an entry's data goes: a file, a pax/GNU long-name buffer, or nowhere. */
interface Entry {
  left: number;
  pad: number;
  sink(b: Uint8Array): void;
  done(): void;
}

const BLOCK = 512;
/** pax and GNU long-name records are small; anything bigger is not a plugin package. */
const MAX_META = 64 * 1024;

export async function unpackTgz(tgz: string, out: string, limits: UnpackLimits): Promise<void> {
  const root = resolve(out);
  let bytes = 0;
  let entries = 0;
  let ended = false;
  let entry: Entry | null = null;
  /** From a pax 'x' header or a GNU 'L' entry, for the next entry only. */
  let next: { path?: string; size?: number } = {};

  const fail = (why: string): never => {
    throw new CliError(`${tgz}: ${why}; nothing was installed`);
  };
  const pathIn = (name: string): string => {
    const clean = name.replace(/^(\.\/)+/, "").replace(/\/+$/, "");
    const abs = resolve(root, clean);
    if (!clean || isAbsolute(name) || clean.split("/").includes("..") || !abs.startsWith(root + sep)) fail(`entry "${name}" would be written outside the package folder`);
    return abs;
  };
  const collect = (size: number, then: (data: Buffer) => void): Entry => {
    if (size > MAX_META) fail(`an extended header of ${size} bytes`);
    const parts: Uint8Array[] = [];
    return { left: size, pad: padOf(size), sink: (b) => void parts.push(b), done: () => then(Buffer.concat(parts)) };
  };

  const header = (h: Buffer): Entry | null => {
    if (h.every((b) => b === 0)) return (ended = true), null;
    if (checksum(h) !== octal(h, 148, 8)) fail("not a tar archive (bad header checksum)");
    const type = String.fromCharCode(h[156]!);
    const size = next.size ?? sizeOf(h);
    const name = next.path ?? joinUstar(cstr(h, 345, 155), cstr(h, 0, 100));
    if (type === "x") return collect(size, (d) => (next = { ...next, ...parsePax(d.toString("utf8")) }));
    next = {};
    if (type === "g") return collect(size, () => {});
    if (type === "L") return collect(size, (d) => (next.path = cstr(d, 0, d.length)));
    if (++entries > limits.maxEntries) fail(`more than ${limits.maxEntries} entries`);
    if (type === "1" || type === "2") fail(`"${name}" is a ${type === "1" ? "hard" : "symbolic"} link; plugin packages may hold only files and folders`);
    if (type === "5") return mkdirSync(pathIn(name), { recursive: true }), null;
    if (type !== "0" && type !== "\0" && type !== "7") fail(`"${name}" is a special file (tar type ${JSON.stringify(type)})`);
    bytes += size;
    if (bytes > limits.maxBytes) fail(`unpacks to more than ${limits.maxBytes} bytes (the limit; set BIFROST_PLUGIN_MAX_UNPACKED_MB to change it)`);
    const path = pathIn(name);
    mkdirSync(dirname(path), { recursive: true });
    // Executable bits are kept, setuid/setgid/sticky and write-for-others never.
    const fd = openSync(path, "w", octal(h, 100, 8) & 0o111 ? 0o755 : 0o644);
    return { left: size, pad: padOf(size), sink: (b) => void writeSync(fd, b), done: () => closeSync(fd) };
  };

  let pending: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of createReadStream(tgz).pipe(createGunzip()) as AsyncIterable<Buffer>) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let off = 0;
      while (!ended) {
        if (entry) {
          const n = Math.min(entry.left, pending.length - off);
          if (n > 0) entry.sink(pending.subarray(off, off + n));
          (off += n), (entry.left -= n);
          if (entry.left > 0) break;
          const skip = Math.min(entry.pad, pending.length - off);
          (off += skip), (entry.pad -= skip);
          if (entry.pad > 0) break;
          entry.done();
          entry = null;
        } else {
          if (pending.length - off < BLOCK) break;
          entry = header(pending.subarray(off, off + BLOCK));
          off += BLOCK;
        }
      }
      if (ended) break;
      pending = pending.subarray(off);
    }
  } catch (e) {
    if (e instanceof CliError) throw e;
    fail(`could not unpack (${(e as Error).message})`);
  }
  if (entry || !entries) fail(entry ? "the archive ends in the middle of a file" : "an empty archive");
}

const padOf = (size: number) => (BLOCK - (size % BLOCK)) % BLOCK;

function cstr(b: Uint8Array, at: number, len: number): string {
  const s = Buffer.from(b.subarray(at, at + len));
  const end = s.indexOf(0);
  return s.subarray(0, end < 0 ? len : end).toString("utf8");
}

function octal(b: Uint8Array, at: number, len: number): number {
  const s = cstr(b, at, len).trim();
  return s ? parseInt(s, 8) : 0;
}

/** Octal, or GNU base-256 for big sizes (high bit set). */
function sizeOf(h: Uint8Array): number {
  if (!(h[124]! & 0x80)) return octal(h, 124, 12);
  let n = h[124]! & 0x7f;
  for (let i = 125; i < 136; i++) n = n * 256 + h[i]!;
  return n;
}

function checksum(h: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return sum;
}

function joinUstar(prefix: string, name: string): string {
  return prefix ? `${prefix}/${name}` : name;
}

/** "len key=value\n" records; only path and size matter here. */
function parsePax(text: string): { path?: string; size?: number } {
  const out: { path?: string; size?: number } = {};
  for (const rec of text.split("\n")) {
    const m = /^\d+ ([^=]+)=(.*)$/s.exec(rec);
    if (m?.[1] === "path") out.path = m[2];
    if (m?.[1] === "size" && /^\d+$/.test(m[2]!)) out.size = Number(m[2]);
  }
  return out;
}
