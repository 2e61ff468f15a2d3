import { expect, test } from "bun:test";
import { crc32 } from "./crc32";

const utf8 = (s: string) => new TextEncoder().encode(s);

test("the CRC-32 check value: crc32('123456789') = 0xCBF43926", () => {
  expect(crc32(utf8("123456789"))).toBe(0xcbf43926);
  expect(crc32(new Uint8Array(0))).toBe(0);
});

test("agrees with Bun's own zlib-compatible crc32 on assorted inputs", () => {
  const inputs = [utf8("a"), utf8("The quick brown fox jumps over the lazy dog"), Uint8Array.from({ length: 1000 }, (_, i) => (i * 31) & 0xff)];
  for (const bytes of inputs) expect(crc32(bytes)).toBe(Bun.hash.crc32(bytes));
});

test("a running CRC continued with a seed equals the CRC of the whole", () => {
  const whole = utf8("prelude and then the rest of the message");
  expect(crc32(whole.subarray(12), crc32(whole.subarray(0, 12)))).toBe(crc32(whole));
});
