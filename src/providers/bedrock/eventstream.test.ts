import { describe, expect, test } from "bun:test";
import { BifrostError } from "../../schemas/error";
import { decodeMessage, encodeEvent, encodeException, encodeMessage, EventStreamDecoder, stringHeader, type EventStreamMessage } from "./eventstream";
import { negative, positive } from "./__fixtures__/aws-eventstream-vectors";

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** Every message the incremental decoder yields when the bytes arrive in these pieces, then whether bytes were left over. */
function feed(pieces: Uint8Array[]): { messages: EventStreamMessage[]; pending: number } {
  const d = new EventStreamDecoder();
  const messages = pieces.flatMap((p) => d.push(p));
  return { messages, pending: d.pending };
}

describe("AWS test vectors (aws-c-event-stream via aws-sdk-js-v3)", () => {
  for (const [name, v] of Object.entries(positive)) {
    test(`${name}: decodes to AWS's headers and body`, () => {
      expect(decodeMessage(v.encoded)).toEqual({ headers: v.headers, body: v.body });
    });

    test(`${name}: encodes back to the same bytes`, () => {
      expect(encodeMessage({ headers: v.headers, body: v.body })).toEqual(v.encoded);
    });

    test(`${name}: the incremental decoder yields it for every split point and byte by byte`, () => {
      const expected = { messages: [{ headers: v.headers, body: v.body }], pending: 0 };
      for (let i = 0; i <= v.encoded.length; i++) expect(feed([v.encoded.subarray(0, i), v.encoded.subarray(i)])).toEqual(expected);
      expect(feed(Array.from(v.encoded, (b) => Uint8Array.of(b)))).toEqual(expected);
    });
  }

  for (const [name, bytes] of Object.entries(negative)) {
    test(`${name}: rejected with a 502`, () => {
      expect(() => decodeMessage(bytes)).toThrow(BifrostError);
      try {
        new EventStreamDecoder().push(bytes);
        throw new Error("accepted");
      } catch (e) {
        expect(e).toMatchObject({ status: 502, type: "upstream_error", code: "malformed_event_stream" });
      }
    });
  }
});

describe("Bedrock-shaped events", () => {
  test("encodeEvent writes :event-type, :content-type application/json and :message-type event, payload as JSON", () => {
    const m = decodeMessage(encodeEvent("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "Hello" } }));
    expect(Object.keys(m.headers)).toEqual([":event-type", ":content-type", ":message-type"]);
    expect(stringHeader(m.headers, ":event-type")).toBe("contentBlockDelta");
    expect(stringHeader(m.headers, ":content-type")).toBe("application/json");
    expect(stringHeader(m.headers, ":message-type")).toBe("event");
    expect(JSON.parse(new TextDecoder().decode(m.body))).toEqual({ contentBlockIndex: 0, delta: { text: "Hello" } });
  });

  test("encodeException writes :exception-type and :message-type exception", () => {
    const m = decodeMessage(encodeException("throttlingException", { message: "Too many requests" }));
    expect(stringHeader(m.headers, ":exception-type")).toBe("throttlingException");
    expect(stringHeader(m.headers, ":message-type")).toBe("exception");
  });

  test("both checksums agree with an independent zlib CRC-32 (Bun.hash.crc32)", () => {
    const bytes = encodeEvent("messageStop", { stopReason: "end_turn" });
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(8)).toBe(Bun.hash.crc32(bytes.subarray(0, 8)));
    expect(view.getUint32(bytes.length - 4)).toBe(Bun.hash.crc32(bytes.subarray(0, bytes.length - 4)));
  });
});

describe("incremental decoding", () => {
  const stream = concat(
    encodeEvent("messageStart", { role: "assistant" }),
    encodeEvent("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "héllo ☕" } }),
    encodeEvent("messageStop", { stopReason: "end_turn" }),
  );
  const whole = feed([stream]);

  test("three messages from one buffer", () => {
    expect(whole.messages.map((m) => stringHeader(m.headers, ":event-type"))).toEqual(["messageStart", "contentBlockDelta", "messageStop"]);
    expect(whole.pending).toBe(0);
  });

  test("the same messages for every two-way and three-way split, including inside preludes, headers, payloads and CRCs", () => {
    for (let i = 0; i <= stream.length; i++) {
      expect(feed([stream.subarray(0, i), stream.subarray(i)])).toEqual(whole);
      const j = Math.min(stream.length, i + 7);
      expect(feed([stream.subarray(0, i), stream.subarray(i, j), stream.subarray(j)])).toEqual(whole);
    }
  });

  test("a message cut short stays pending (the caller decides it is truncated); only message boundaries leave nothing", () => {
    const boundaries = new Set<number>();
    for (let at = 0, i = 0; i < whole.messages.length; i++) boundaries.add((at += new DataView(stream.buffer, at).getUint32(0)));
    for (let i = 1; i < stream.length; i++) expect({ i, pending: feed([stream.subarray(0, i)]).pending > 0 }).toEqual({ i, pending: !boundaries.has(i) });
  });

  test("a corrupted prelude fails once its 12 bytes are in, without waiting for the claimed length", () => {
    const bad = encodeEvent("messageStop", {});
    bad[2] ^= 0xff; // length now claims ~16 MB
    const d = new EventStreamDecoder();
    expect(d.push(bad.subarray(0, 11))).toEqual([]);
    expect(() => d.push(bad.subarray(11, 12))).toThrow("prelude checksum mismatch");
  });

  test("a flipped payload byte is a message checksum mismatch", () => {
    const bad = encodeEvent("messageStop", { stopReason: "end_turn" });
    bad[bad.length - 6] ^= 0x20;
    expect(() => feed([bad])).toThrow("message checksum mismatch");
  });

  test("messages before a corrupt one are still delivered by the pushes that completed them", () => {
    const good = encodeEvent("messageStart", { role: "assistant" });
    const bad = encodeEvent("messageStop", {});
    bad[bad.length - 1] ^= 1;
    const d = new EventStreamDecoder();
    expect(d.push(good)).toHaveLength(1);
    expect(() => d.push(bad)).toThrow(BifrostError);
  });

  test("good and bad frames in one push: the good message now, the error on the next push, and from then on", () => {
    const good = encodeEvent("messageStart", { role: "assistant" });
    const bad = encodeEvent("messageStop", {});
    bad[bad.length - 1] ^= 1;
    const d = new EventStreamDecoder();
    expect(d.push(concat(good, bad))).toHaveLength(1);
    expect(() => d.push(new Uint8Array(0))).toThrow("message checksum mismatch");
    expect(() => d.push(good)).toThrow("message checksum mismatch");
  });

  test("an unknown header type tag is malformed", () => {
    const m = encodeMessage({ headers: { x: { type: "string", value: "y" } }, body: new Uint8Array(0) });
    // Rewrite the type tag (after 1-byte name length and 1-byte name), then fix both CRCs so only the tag is wrong.
    m[12 + 2] = 42;
    const view = new DataView(m.buffer);
    view.setUint32(m.length - 4, Bun.hash.crc32(m.subarray(0, m.length - 4)));
    expect(() => decodeMessage(m)).toThrow("unknown header type 42");
  });

  test("a length below 16 is malformed", () => {
    const m = new Uint8Array(16);
    const view = new DataView(m.buffer);
    view.setUint32(0, 12);
    view.setUint32(8, Bun.hash.crc32(m.subarray(0, 8)));
    expect(() => feed([m])).toThrow("out of range");
  });

  test("large messages grow the buffer and still decode", () => {
    const payload = { contentBlockIndex: 0, delta: { text: "x".repeat(100_000) } };
    const big = encodeEvent("contentBlockDelta", payload);
    const pieces = [];
    for (let i = 0; i < big.length; i += 4093) pieces.push(big.subarray(i, i + 4093));
    const r = feed(pieces);
    expect(r.messages).toHaveLength(1);
    expect(JSON.parse(new TextDecoder().decode(r.messages[0]!.body))).toEqual(payload);
  });
});
