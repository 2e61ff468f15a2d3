/**
 * AWS eventstream (application/vnd.amazon.eventstream) framing, both ways:
 * [total length u32][headers length u32][prelude CRC u32][headers][payload][message CRC u32], big-endian,
 * the message CRC covering everything before it. Bedrock's ConverseStream answers in it.
 */
import { crc32 } from "./crc32";
import { malformed } from "./eventstream-errors";
import { decodeHeaders, encodeHeaders, stringHeader, type Headers } from "./eventstream-headers";

export type { HeaderValue, Headers } from "./eventstream-headers";
export { stringHeader } from "./eventstream-headers";

export interface EventStreamMessage {
  headers: Headers;
  body: Uint8Array;
}

const PRELUDE = 12;
const OVERHEAD = 16;
/** AWS's limits: 16 MiB payload, 128 KiB headers; larger lengths are corruption, not data to wait for. */
const MAX_MESSAGE = 16 * 1024 * 1024 + 128 * 1024 + OVERHEAD;
export const EVENTSTREAM_CONTENT_TYPE = "application/vnd.amazon.eventstream";

const utf8 = new TextEncoder();

export function encodeMessage(m: EventStreamMessage): Uint8Array {
  const headers = encodeHeaders(m.headers);
  const total = OVERHEAD + headers.length + m.body.length;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, total);
  view.setUint32(4, headers.length);
  const preludeCrc = crc32(out.subarray(0, 8));
  view.setUint32(8, preludeCrc);
  out.set(headers, PRELUDE);
  out.set(m.body, PRELUDE + headers.length);
  view.setUint32(total - 4, crc32(out.subarray(8, total - 4), preludeCrc));
  return out;
}

/** One complete message; throws a 502 BifrostError on a bad length, checksum or header. */
export function decodeMessage(bytes: Uint8Array): EventStreamMessage {
  if (bytes.length < OVERHEAD) throw malformed("message shorter than 16 bytes");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkPrelude(view);
  const total = view.getUint32(0);
  if (total !== bytes.length) throw malformed("message length does not match its prelude");
  const headersLength = view.getUint32(4);
  if (crc32(bytes.subarray(0, total - 4)) !== view.getUint32(total - 4)) throw malformed("message checksum mismatch");
  return {
    headers: decodeHeaders(bytes.subarray(PRELUDE, PRELUDE + headersLength)),
    body: bytes.slice(PRELUDE + headersLength, total - 4),
  };
}

/** Validates the prelude as soon as its 12 bytes are in, so a corrupt length fails fast instead of stalling. */
function checkPrelude(view: DataView): void {
  if (crc32(new Uint8Array(view.buffer, view.byteOffset, 8)) !== view.getUint32(8)) throw malformed("prelude checksum mismatch");
  const total = view.getUint32(0);
  if (total < OVERHEAD || total > MAX_MESSAGE) throw malformed(`message length ${total} out of range`);
  if (view.getUint32(4) > total - OVERHEAD) throw malformed("headers length exceeds the message");
}

/** Incremental splitter: feed bytes as they arrive, in any pieces; get each message once it is complete. */
export class EventStreamDecoder {
  private buf = new Uint8Array(1024);
  private start = 0;
  private end = 0;
  private failure: unknown = null;

  /** Messages completed by these bytes. A bad frame after good ones: the good ones now, the error (for good) from the next call. */
  push(bytes: Uint8Array): EventStreamMessage[] {
    if (this.failure) throw this.failure;
    this.append(bytes);
    const out: EventStreamMessage[] = [];
    try {
      while (this.end - this.start >= PRELUDE) {
        const view = new DataView(this.buf.buffer, this.start, this.end - this.start);
        checkPrelude(view);
        const total = view.getUint32(0);
        if (this.end - this.start < total) break;
        out.push(decodeMessage(this.buf.subarray(this.start, this.start + total)));
        this.start += total;
      }
    } catch (e) {
      this.failure = e;
      if (out.length === 0) throw e;
    }
    if (this.start === this.end) this.start = this.end = 0;
    return out;
  }

  /** Bytes of an incomplete message still waiting for the rest. */
  get pending(): number {
    return this.end - this.start;
  }

  private append(bytes: Uint8Array): void {
    if (this.end + bytes.length > this.buf.length) {
      const live = this.end - this.start;
      if (live + bytes.length > this.buf.length) {
        const next = new Uint8Array(Math.max(this.buf.length * 2, live + bytes.length));
        next.set(this.buf.subarray(this.start, this.end));
        this.buf = next;
      } else this.buf.copyWithin(0, this.start, this.end);
      this.start = 0;
      this.end = live;
    }
    this.buf.set(bytes, this.end);
    this.end += bytes.length;
  }
}

/** A modeled event as AWS services send it: `:event-type`, `:content-type: application/json`, `:message-type: event`. */
export function encodeEvent(eventType: string, payload: unknown): Uint8Array {
  return encodeMessage({
    headers: {
      ":event-type": { type: "string", value: eventType },
      ":content-type": { type: "string", value: "application/json" },
      ":message-type": { type: "string", value: "event" },
    },
    body: utf8.encode(JSON.stringify(payload)),
  });
}

/** A modeled exception (e.g. throttlingException): the AWS SDKs throw it by `:exception-type`. */
export function encodeException(exceptionType: string, payload: unknown): Uint8Array {
  return encodeMessage({
    headers: {
      ":exception-type": { type: "string", value: exceptionType },
      ":content-type": { type: "string", value: "application/json" },
      ":message-type": { type: "string", value: "exception" },
    },
    body: utf8.encode(JSON.stringify(payload)),
  });
}

export function messageType(m: EventStreamMessage): string | undefined {
  return stringHeader(m.headers, ":message-type");
}
