/**
 * AWS's own eventstream test vectors, byte for byte: the encoded/positive and encoded/negative cases of
 * awslabs/aws-c-event-stream, as carried by aws-sdk-js-v3 (packages/eventstream-codec/src/TestVectors.fixture.ts).
 * They pin our framing, header types and both CRCs to what the AWS SDKs read and write.
 */
import type { Headers } from "../eventstream";

const hex = (s: string) => Uint8Array.from(s.match(/../g)!, (b) => parseInt(b, 16));
const utf8 = (s: string) => new TextEncoder().encode(s);
const FOO_BAR = utf8("{'foo':'bar'}");

export interface PositiveVector {
  encoded: Uint8Array;
  headers: Headers;
  body: Uint8Array;
}

export const positive: Record<string, PositiveVector> = {
  all_headers: {
    encoded: hex(
      "000000cc000000af0fae64ca0a6576656e742d74797065040000a00c0c636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e" +
        "0a626f6f6c2066616c73650109626f6f6c207472756500046279746502cf08627974652062756606001449276d2061206c6974746c6520746561706f7421" +
        "0974696d657374616d70080000000000845fed05696e74313603002a05696e7436340500000000028757b20475756964090102030405060708090a0b0c0d" +
        "0e0f107b27666f6f273a27626172277daba5f10c",
    ),
    headers: {
      "event-type": { type: "integer", value: 40972 },
      "content-type": { type: "string", value: "application/json" },
      "bool false": { type: "boolean", value: false },
      "bool true": { type: "boolean", value: true },
      byte: { type: "byte", value: -49 },
      "byte buf": { type: "binary", value: utf8("I'm a little teapot!") },
      timestamp: { type: "timestamp", value: new Date(8675309) },
      int16: { type: "short", value: 42 },
      int64: { type: "long", value: 42424242n },
      uuid: { type: "uuid", value: "01020304-0506-0708-090a-0b0c0d0e0f10" },
    },
    body: FOO_BAR,
  },
  empty_message: { encoded: hex("000000100000000005c248eb7d98c8ff"), headers: {}, body: new Uint8Array(0) },
  int32_header: {
    encoded: hex("0000002d0000001041c424b80a6576656e742d74797065040000a00c7b27666f6f273a27626172277d36f480a0"),
    headers: { "event-type": { type: "integer", value: 40972 } },
    body: FOO_BAR,
  },
  payload_no_headers: { encoded: hex("0000001d00000000fd528c5a7b27666f6f273a27626172277dc3653936"), headers: {}, body: FOO_BAR },
  payload_one_str_header: {
    encoded: hex("0000003d0000002007fd83960c636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e7b27666f6f273a27626172277d8d9c08b1"),
    headers: { "content-type": { type: "string", value: "application/json" } },
    body: FOO_BAR,
  },
};

/** Each must be rejected: a flipped payload or header byte breaks the message CRC, a changed length the prelude CRC. */
export const negative: Record<string, Uint8Array> = {
  corrupted_headers: hex("0000003d0000002007fd83960c636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e7b61666f6f273a27626172277d8d9c08b1"),
  corrupted_header_len: hex("0000003d0000002107fd83960c636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e7b27666f6f273a27626172277d8d9c08b1"),
  corrupted_length: hex("0000003e0000002007fd83960c636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e7b27666f6f273a27626172277d8d9c08b1"),
  corrupted_payload: hex("0000001d00000000fd528c5a5b27666f6f273a27626172277dc3653936"),
};
