import { describe, expect, test } from "bun:test";
import { cosine, dotAt, normalize, vectorFromBase64, vectorFromBytes, vectorToBase64, vectorToBytes } from "./vectors.ts";

describe("vector helpers", () => {
  test("dotAt equals the plain dot product for every length, including the tail past the last group of four", () => {
    for (let dim = 1; dim <= 11; dim++) {
      const q = Float32Array.from({ length: dim }, (_, i) => i + 1);
      const data = Float32Array.from({ length: dim * 3 }, (_, i) => (i % 5) - 2);
      for (let row = 0; row < 3; row++) {
        let plain = 0;
        for (let i = 0; i < dim; i++) plain += q[i]! * data[row * dim + i]!;
        expect(dotAt(q, data, row * dim)).toBeCloseTo(plain, 6);
      }
    }
  });

  test("normalize makes cosine a dot product; a zero vector stays zero", () => {
    const a = Float32Array.from([3, 4, 0]);
    const b = Float32Array.from([4, 3, 5]);
    expect(dotAt(normalize(a), normalize(b), 0)).toBeCloseTo(cosine(a, b), 6);
    expect([...normalize(new Float32Array(3))]).toEqual([0, 0, 0]);
    expect(cosine(a, Float32Array.from([1, 2]))).toBe(0);
  });

  test("bytes and base64 round-trip a vector exactly, from an unaligned view too", () => {
    const v = Float32Array.from([1.5, -2.25, 3.1415927, 1e-7]);
    expect([...vectorFromBytes(vectorToBytes(v))]).toEqual([...v]);
    expect([...vectorFromBase64(vectorToBase64(v))]).toEqual([...v]);
    const bytes = new Uint8Array(17);
    bytes.set(vectorToBytes(v), 1);
    expect([...vectorFromBytes(bytes.subarray(1))]).toEqual([...v]);
  });
});
