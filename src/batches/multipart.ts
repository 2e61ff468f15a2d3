/**
 * A streaming multipart/form-data reader (RFC 7578): parts one after another, each part's content as it
 * arrives, so a 500 MB file goes from the socket to the file store without ever being whole in memory
 * (Request.formData() buffers the whole body). What is held at once is one network chunk and the few
 * bytes of a delimiter that may straddle two chunks.
 */
import { BifrostError } from "../schemas/error";

export interface FormPart {
  name: string;
  /** Set for a file part. */
  filename: string | null;
  contentType: string | null;
  /** The content as it arrives; what is left unread is skipped by the next `next()`. */
  body: AsyncIterable<Uint8Array>;
  /** The whole content as text (a field): a 400 past `maxBytes`. */
  text(maxBytes?: number): Promise<string>;
}

export interface MultipartOptions {
  /** The most the whole body may be (a 413 past it). */
  maxTotalBytes?: number;
  /** The most one part's header block may be (default 16 KiB). */
  maxHeaderBytes?: number;
}

const CRLF = Buffer.from("\r\n");
const HEADER_END = Buffer.from("\r\n\r\n");
const FIELD_MAX_BYTES = 64 * 1024;

/** The boundary of a multipart/form-data content type, or null when it is not one. */
export function boundaryOf(contentType: string | null): string | null {
  if (!contentType || !/^\s*multipart\/form-data\s*(;|$)/i.test(contentType)) return null;
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2])! : null;
}

export function malformed(message: string): BifrostError {
  return BifrostError.badRequest(`invalid multipart body: ${message}`, null, "invalid_multipart");
}

export class MultipartReader {
  private readonly src: AsyncIterator<Uint8Array>;
  /** Bytes read and not yet consumed. Starts with CRLF so the first delimiter looks like every other. */
  private buf: Buffer = Buffer.from(CRLF);
  private eof = false;
  private total = 0;
  private readonly delimiter: Buffer;
  /** The part whose body is being read (skipped on the next `next()`); null once the closing delimiter was read. */
  private current: AsyncIterator<Uint8Array> | null = null;
  private started = false;
  private finished = false;

  constructor(
    source: AsyncIterable<Uint8Array>,
    boundary: string,
    private readonly opts: MultipartOptions = {},
  ) {
    this.src = source[Symbol.asyncIterator]();
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
  }

  /** The next part, or null after the last. */
  async next(): Promise<FormPart | null> {
    if (this.finished) return null;
    if (this.current) {
      // Skip what the caller left of the previous part.
      while (!(await this.current.next()).done);
      this.current = null;
    } else if (!this.started) {
      this.started = true;
      await this.skipPast(this.delimiter, "no boundary found");
    }
    // After a delimiter: "--" closes the body; otherwise optional padding, then CRLF and the part's headers.
    await this.need(2, "the body ends after a boundary");
    if (this.buf[0] === 0x2d && this.buf[1] === 0x2d) {
      this.finished = true;
      void this.src.return?.();
      return null;
    }
    for (;;) {
      let i = 0;
      while (i < this.buf.length && (this.buf[i] === 0x20 || this.buf[i] === 0x09)) i++;
      if (i + 2 <= this.buf.length) {
        if (this.buf[i] !== 0x0d || this.buf[i + 1] !== 0x0a) throw malformed("expected a line break after a boundary");
        this.buf = this.buf.subarray(i + 2);
        break;
      }
      if (!(await this.fill())) throw malformed("the body ends after a boundary");
    }
    const headers = await this.headers();
    const disposition = headers.get("content-disposition") ?? "";
    if (!/^\s*form-data\b/i.test(disposition)) throw malformed("a part without Content-Disposition: form-data");
    const name = param(disposition, "name");
    if (name === null) throw malformed("a part without a name");
    const body = this.body();
    this.current = body;
    // No return(): a reader that stops early leaves the rest for next() to skip, instead of losing its place.
    const iterable: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => ({ next: () => body.next() }) };
    return {
      name,
      filename: param(disposition, "filename*") ?? param(disposition, "filename"),
      contentType: headers.get("content-type") ?? null,
      body: iterable,
      text: async (max = FIELD_MAX_BYTES) => {
        const parts: Uint8Array[] = [];
        let n = 0;
        for await (const p of iterable) {
          n += p.byteLength;
          if (n > max) throw BifrostError.badRequest(`multipart field ${name}: longer than ${max} bytes`, name);
          parts.push(p);
        }
        return Buffer.concat(parts).toString("utf8");
      },
    };
  }

  /** A part's content up to the next delimiter; afterwards `buf` starts right after that delimiter. */
  private async *body(): AsyncGenerator<Uint8Array> {
    const d = this.delimiter;
    for (;;) {
      const at = this.buf.indexOf(d);
      if (at >= 0) {
        if (at > 0) yield this.buf.subarray(0, at);
        this.buf = this.buf.subarray(at + d.length);
        return;
      }
      // Everything but a tail that could be the start of the delimiter is content.
      const safe = this.buf.length - (d.length - 1);
      if (safe > 0) {
        const out = this.buf.subarray(0, safe);
        this.buf = this.buf.subarray(safe);
        yield out;
      }
      if (!(await this.fill())) throw malformed("the body ends inside a part (no closing boundary)");
    }
  }

  private async headers(): Promise<Map<string, string>> {
    const max = this.opts.maxHeaderBytes ?? 16 * 1024;
    const out = new Map<string, string>();
    // No headers at all: the blank line comes at once.
    await this.need(2, "the body ends in a part's headers");
    let block: string;
    if (this.buf[0] === 0x0d && this.buf[1] === 0x0a) {
      this.buf = this.buf.subarray(2);
      return out;
    }
    for (;;) {
      const end = this.buf.indexOf(HEADER_END);
      if (end >= 0) {
        block = this.buf.subarray(0, end).toString("utf8");
        this.buf = this.buf.subarray(end + HEADER_END.length);
        break;
      }
      if (this.buf.length > max) throw malformed(`a part's headers are longer than ${max} bytes`);
      if (!(await this.fill())) throw malformed("the body ends in a part's headers");
    }
    for (const line of block.split("\r\n")) {
      const colon = line.indexOf(":");
      if (colon <= 0) throw malformed("a header line without a colon");
      out.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    return out;
  }

  private async skipPast(marker: Buffer, missing: string): Promise<void> {
    for (;;) {
      const at = this.buf.indexOf(marker);
      if (at >= 0) {
        this.buf = this.buf.subarray(at + marker.length);
        return;
      }
      if (this.buf.length >= marker.length) this.buf = this.buf.subarray(this.buf.length - marker.length + 1);
      if (!(await this.fill())) throw malformed(missing);
    }
  }

  private async need(n: number, missing: string): Promise<void> {
    while (this.buf.length < n) if (!(await this.fill())) throw malformed(missing);
  }

  /** Reads one more chunk from the source onto `buf`; false at its end. */
  private async fill(): Promise<boolean> {
    if (this.eof) return false;
    for (;;) {
      const r = await this.src.next();
      if (r.done) {
        this.eof = true;
        return false;
      }
      const chunk = r.value;
      if (!chunk.byteLength) continue;
      this.total += chunk.byteLength;
      const max = this.opts.maxTotalBytes;
      if (max !== undefined && this.total > max) {
        throw new BifrostError({ status: 413, type: "request_too_large", code: "file_too_large", message: `the upload is larger than the limit of ${max} bytes (batches.max_upload_bytes)` });
      }
      const b = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      this.buf = this.buf.length ? Buffer.concat([this.buf, b]) : b;
      return true;
    }
  }
}

/** A Content-Disposition parameter: quoted (with \-escapes), a token, or RFC 5987's charset''value (filename*). */
function param(header: string, name: string): string | null {
  const re = new RegExp(`(?:^|;)\\s*${name.replace("*", "\\*")}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, "i");
  const m = re.exec(header);
  if (!m) return null;
  if (m[1] !== undefined) return m[1].replace(/\\(.)/g, "$1");
  const v = m[2]!;
  if (name.endsWith("*")) {
    const q = /^([^']*)'[^']*'(.*)$/.exec(v);
    if (!q) return null;
    try {
      return decodeURIComponent(q[2]!);
    } catch {
      return null;
    }
  }
  return v;
}
