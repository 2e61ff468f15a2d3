/** The typed headers of an AWS eventstream message: 1-byte name length, name, 1-byte type tag, value. */
import { malformed } from "./eventstream-errors";

export type HeaderValue =
  | { type: "boolean"; value: boolean }
  | { type: "byte"; value: number }
  | { type: "short"; value: number }
  | { type: "integer"; value: number }
  | { type: "long"; value: bigint }
  | { type: "binary"; value: Uint8Array }
  | { type: "string"; value: string }
  | { type: "timestamp"; value: Date }
  | { type: "uuid"; value: string };

export type Headers = Record<string, HeaderValue>;

const TRUE = 0, FALSE = 1, BYTE = 2, SHORT = 3, INTEGER = 4, LONG = 5, BINARY = 6, STRING = 7, TIMESTAMP = 8, UUID = 9;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder("utf-8", { fatal: true });

export function encodeHeaders(headers: Headers): Uint8Array {
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const [name, h] of Object.entries(headers)) {
    const n = utf8.encode(name);
    if (n.length === 0 || n.length > 255) throw new Error(`eventstream header name must be 1-255 bytes: ${name}`);
    const v = encodeValue(h);
    const part = new Uint8Array(1 + n.length + v.length);
    part[0] = n.length;
    part.set(n, 1);
    part.set(v, 1 + n.length);
    parts.push(part);
    size += part.length;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function encodeValue(h: HeaderValue): Uint8Array {
  switch (h.type) {
    case "boolean":
      return Uint8Array.of(h.value ? TRUE : FALSE);
    case "byte":
      return fixed(BYTE, 1, (v) => v.setInt8(1, h.value));
    case "short":
      return fixed(SHORT, 2, (v) => v.setInt16(1, h.value));
    case "integer":
      return fixed(INTEGER, 4, (v) => v.setInt32(1, h.value));
    case "long":
      return fixed(LONG, 8, (v) => v.setBigInt64(1, h.value));
    case "timestamp":
      return fixed(TIMESTAMP, 8, (v) => v.setBigInt64(1, BigInt(h.value.getTime())));
    case "binary":
      return sized(BINARY, h.value);
    case "string":
      return sized(STRING, utf8.encode(h.value));
    case "uuid": {
      const hex = h.value.replace(/-/g, "");
      if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`not a uuid: ${h.value}`);
      const out = new Uint8Array(17);
      out[0] = UUID;
      for (let i = 0; i < 16; i++) out[1 + i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
      return out;
    }
  }
}

function fixed(tag: number, size: number, write: (v: DataView) => void): Uint8Array {
  const out = new Uint8Array(1 + size);
  out[0] = tag;
  write(new DataView(out.buffer));
  return out;
}

function sized(tag: number, bytes: Uint8Array): Uint8Array {
  if (bytes.length > 0xffff) throw new Error("eventstream header value exceeds 65535 bytes");
  const out = new Uint8Array(3 + bytes.length);
  out[0] = tag;
  new DataView(out.buffer).setUint16(1, bytes.length);
  out.set(bytes, 3);
  return out;
}

/** Parses the header section; any read past its end or unknown type tag is a malformed message. */
export function decodeHeaders(bytes: Uint8Array): Headers {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Headers = {};
  let at = 0;
  const need = (n: number) => {
    if (at + n > bytes.length) throw malformed("header runs past the header section");
  };
  while (at < bytes.length) {
    const nameLen = bytes[at++]!;
    need(nameLen + 1);
    const name = text(bytes.subarray(at, at + nameLen));
    at += nameLen;
    const tag = bytes[at++]!;
    switch (tag) {
      case TRUE:
      case FALSE:
        out[name] = { type: "boolean", value: tag === TRUE };
        break;
      case BYTE:
        need(1);
        out[name] = { type: "byte", value: view.getInt8(at) };
        at += 1;
        break;
      case SHORT:
        need(2);
        out[name] = { type: "short", value: view.getInt16(at) };
        at += 2;
        break;
      case INTEGER:
        need(4);
        out[name] = { type: "integer", value: view.getInt32(at) };
        at += 4;
        break;
      case LONG:
      case TIMESTAMP: {
        need(8);
        const v = view.getBigInt64(at);
        out[name] = tag === LONG ? { type: "long", value: v } : { type: "timestamp", value: new Date(Number(v)) };
        at += 8;
        break;
      }
      case BINARY:
      case STRING: {
        need(2);
        const len = view.getUint16(at);
        at += 2;
        need(len);
        const value = bytes.slice(at, at + len);
        out[name] = tag === BINARY ? { type: "binary", value } : { type: "string", value: text(value) };
        at += len;
        break;
      }
      case UUID: {
        need(16);
        const hex = Array.from(bytes.subarray(at, at + 16), (b) => b.toString(16).padStart(2, "0")).join("");
        out[name] = { type: "uuid", value: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` };
        at += 16;
        break;
      }
      default:
        throw malformed(`unknown header type ${tag}`);
    }
  }
  return out;
}

function text(bytes: Uint8Array): string {
  try {
    return fromUtf8.decode(bytes);
  } catch {
    throw malformed("header is not valid UTF-8");
  }
}

/** A string header's value, or undefined when absent or of another type. */
export function stringHeader(headers: Headers, name: string): string | undefined {
  const h = headers[name];
  return h?.type === "string" ? h.value : undefined;
}
