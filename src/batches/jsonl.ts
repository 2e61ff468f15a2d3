/** JSON Lines in and out of the file store, a line at a time (a batch's input is never whole in memory). */
import { BifrostError } from "../schemas/error";

export interface TextLine {
  /** 1-based line number in the file (what errors name). */
  line: number;
  text: string;
}

/** The longest line read (a request body with large inline images still fits). */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;
const NL = 0x0a;

/** The non-blank lines of a byte stream, CRLF or LF. */
export async function* textLines(body: AsyncIterable<Uint8Array>, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<TextLine> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 0;
  const emit = (bytes: Buffer): TextLine | null => {
    line++;
    let text = bytes.toString("utf8");
    if (text.endsWith("\r")) text = text.slice(0, -1);
    return text.trim() ? { line, text } : null;
  };
  for await (const chunk of body) {
    let b = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let nl = b.indexOf(NL); nl >= 0; nl = b.indexOf(NL)) {
      const head = b.subarray(0, nl);
      const whole = pendingBytes ? Buffer.concat([...pending, head], pendingBytes + head.byteLength) : head;
      pending = [];
      pendingBytes = 0;
      const l = emit(whole);
      if (l) yield l;
      b = b.subarray(nl + 1);
    }
    if (b.byteLength) {
      pending.push(b);
      pendingBytes += b.byteLength;
      if (pendingBytes > maxLineBytes) throw BifrostError.badRequest(`line ${line + 1} of the file is longer than ${maxLineBytes} bytes`, "input_file_id", "line_too_long");
    }
  }
  if (pendingBytes) {
    const l = emit(Buffer.concat(pending, pendingBytes));
    if (l) yield l;
  }
}

/** The non-blank lines' text, from the file store or an upstream's body (a ReadableStream is an AsyncIterable in Bun). */
export async function* jsonlTexts(body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | null, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<string> {
  if (!body) return;
  for await (const l of textLines(body as AsyncIterable<Uint8Array>, maxLineBytes)) yield l.text;
}

/** Each non-blank line parsed as JSON (null for a line that is not). */
export async function* jsonlValues(body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | null): AsyncGenerator<any> {
  for await (const text of jsonlTexts(body)) {
    try {
      yield JSON.parse(text);
    } catch {
      yield null;
    }
  }
}

/** Strings as JSONL bytes, gathered into pieces of about 256 KiB for the file store. */
export async function* jsonlBytes(lines: AsyncIterable<string> | Iterable<string>): AsyncGenerator<Uint8Array> {
  const enc = new TextEncoder();
  let buf = "";
  for await (const l of lines) {
    buf += l + "\n";
    if (buf.length >= 256 * 1024) {
      yield enc.encode(buf);
      buf = "";
    }
  }
  if (buf) yield enc.encode(buf);
}
