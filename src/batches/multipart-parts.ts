/**
 * multipart/form-data read as it arrives: each part's body is handed on chunk by chunk, so an uploaded
 * file streams into the store and is never whole in memory. The consumer reads (or skips) each part's
 * body before asking for the next part, as with busboy.
 */
import { BifrostError } from "../schemas/error";

export interface FormPart {
  /** The form field's name. */
  name: string;
  /** Set for a file part (maybe ""). */
  filename: string | undefined;
  contentType: string | undefined;
  body: AsyncIterable<Uint8Array>;
}

/** Largest header block of one part; a plain field's value is capped by the caller (textOfPart). */
const MAX_PART_HEADER = 16 * 1024;

const HEADER_END = new Uint8Array([13, 10, 13, 10]);

export function boundaryOf(contentType: string | null): string {
  const m = /^multipart\/form-data\s*;(?:.*;)?\s*boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(contentType ?? "");
  const b = m?.[1] ?? m?.[2];
  if (!b || b.length > 70) throw BifrostError.badRequest("expected a multipart/form-data body with a boundary", null, "invalid_multipart");
  return b;
}

export async function* formParts(body: ReadableStream<Uint8Array> | null, boundary: string): AsyncGenerator<FormPart> {
  if (!body) throw malformed("the body is empty");
  const enc = new TextEncoder();
  const opening = enc.encode(`--${boundary}`);
  const delimiter = enc.encode(`\r\n--${boundary}`);
  const reader = body.getReader();
  let buf: Uint8Array = new Uint8Array(0);
  let done = false;

  async function more(): Promise<boolean> {
    if (done) return false;
    let r: Awaited<ReturnType<typeof reader.read>>;
    try {
      r = await reader.read();
    } catch (e) {
      throw unreadable(e);
    }
    if (r.done) return !(done = true);
    buf = buf.length ? concat(buf, r.value) : r.value;
    return true;
  }
  /** Waits until buf holds at least n bytes; false at the end of the body. */
  async function need(n: number): Promise<boolean> {
    while (buf.length < n) if (!(await more())) return false;
    return true;
  }

  try {
    // The preamble before the first boundary is ignored, as RFC 2046 says.
    let at: number;
    while ((at = indexOf(buf, opening)) === -1) {
      if (buf.length > opening.length) buf = buf.subarray(buf.length - opening.length);
      if (!(await more())) throw malformed("no boundary found");
    }
    buf = buf.subarray(at + opening.length);
    for (;;) {
      if (!(await need(2))) throw malformed("the body ended early");
      if (buf[0] === 45 && buf[1] === 45) return; // "--": the closing boundary
      if (buf[0] !== 13 || buf[1] !== 10) throw malformed("a boundary is not followed by CRLF");
      buf = buf.subarray(2);

      let end: number;
      while ((end = indexOf(buf, HEADER_END)) === -1) {
        if (buf.length > MAX_PART_HEADER) throw malformed("a part's headers are too long");
        if (!(await more())) throw malformed("the body ended in a part's headers");
      }
      const headers = new TextDecoder().decode(buf.subarray(0, end));
      buf = buf.subarray(end + HEADER_END.length);
      const part = parseHeaders(headers);

      let finished = false;
      const partBody = async function* (): AsyncGenerator<Uint8Array> {
        for (;;) {
          const hit = indexOf(buf, delimiter);
          if (hit !== -1) {
            if (hit > 0) yield buf.slice(0, hit);
            buf = buf.subarray(hit + delimiter.length);
            finished = true;
            return;
          }
          // Keep what could be the start of a delimiter split across chunks.
          const safe = buf.length - (delimiter.length - 1);
          if (safe > 0) {
            yield buf.slice(0, safe);
            buf = buf.subarray(safe);
          }
          if (!(await more())) throw malformed("the body ended inside a part");
        }
      };
      yield { ...part, body: partBody() };
      // Whatever the consumer left unread of this part is skipped.
      if (!finished) for await (const _ of partBody()) void _;
    }
  } finally {
    reader.releaseLock();
  }
}

/** A plain field's value as text, at most maxBytes. */
export async function textOfPart(part: FormPart, maxBytes = 64 * 1024): Promise<string> {
  const chunks: Uint8Array[] = [];
  let n = 0;
  for await (const c of part.body) {
    n += c.byteLength;
    if (n > maxBytes) throw BifrostError.badRequest(`${part.name}: the value is too long`, part.name);
    chunks.push(c);
  }
  return new TextDecoder().decode(chunks.length === 1 ? chunks[0] : concat(...chunks));
}

function parseHeaders(block: string): Omit<FormPart, "body"> {
  let name: string | undefined;
  let filename: string | undefined;
  let contentType: string | undefined;
  for (const line of block.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon === -1) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === "content-type") contentType = value;
    else if (key === "content-disposition") {
      name = param(value, "name");
      filename = param(value, "filename*") ?? param(value, "filename");
    }
  }
  if (name === undefined) throw malformed("a part has no content-disposition name");
  return { name, filename, contentType };
}

/** A content-disposition parameter: quoted (with \" escapes), bare, or RFC 5987 (filename*=UTF-8''…). */
function param(value: string, key: string): string | undefined {
  const re = new RegExp(`(?:^|;)\\s*${key.replace("*", "\\*")}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, "i");
  const m = re.exec(value);
  if (!m) return undefined;
  if (m[1] !== undefined) return m[1].replace(/\\(.)/g, "$1");
  const bare = m[2]!.trim();
  if (key.endsWith("*")) {
    const ext = /^([^']*)'[^']*'(.*)$/.exec(bare);
    try {
      return ext ? decodeURIComponent(ext[2]!) : bare;
    } catch {
      return bare;
    }
  }
  return bare;
}

function indexOf(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0]!;
  const last = hay.length - needle.length;
  for (let i = hay.indexOf(first, from); i !== -1 && i <= last; i = hay.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) out.set(p, at), (at += p.byteLength);
  return out;
}

/** The body could not be read: Bun's own size cap (maxRequestBodySize), or the client went away. */
function unreadable(e: unknown): BifrostError {
  if (e instanceof BifrostError) return e;
  if (/maxRequestBodySize/i.test(String((e as Error)?.message))) {
    return new BifrostError({ status: 413, type: "request_too_large", code: "request_too_large", message: "the upload exceeds the gateway's request size limit (client.max_request_body_size_mb)" });
  }
  return BifrostError.badRequest("could not read the request body");
}

function malformed(why: string): BifrostError {
  return BifrostError.badRequest(`malformed multipart body: ${why}`, null, "invalid_multipart");
}
