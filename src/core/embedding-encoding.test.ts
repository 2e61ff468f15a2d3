import { describe, expect, test } from "bun:test";
import type { EmbeddingResponse } from "../schemas/embeddings";
import { base64ToFloats, floatsToBase64, toRequestedEncoding } from "./embedding-encoding";

const answer = (embedding: number[] | string): EmbeddingResponse => ({
  object: "list",
  data: [{ object: "embedding", index: 0, embedding }],
  model: "m",
  usage: { prompt_tokens: 1, total_tokens: 1 },
});

describe("embeddings in the requested encoding", () => {
  test("base64 is OpenAI's: little-endian float32 bytes", () => {
    expect(floatsToBase64([1, -0.5])).toBe(Buffer.from(new Float32Array([1, -0.5]).buffer).toString("base64"));
    expect(base64ToFloats(floatsToBase64([0.25, -1, 0.1]))).toEqual([0.25, -1, Math.fround(0.1)]);
  });

  test("floats asked for as base64 are encoded; a base64 answer is not encoded twice", () => {
    const floats = answer([0.5, 0.25]);
    expect(toRequestedEncoding(floats, "base64")).toBe(true);
    expect(floats.data[0]!.embedding).toBe(floatsToBase64([0.5, 0.25]));
    const already = answer(floatsToBase64([0.5]));
    expect(toRequestedEncoding(already, "base64")).toBe(false);
    expect(already.data[0]!.embedding).toBe(floatsToBase64([0.5]));
  });

  test("a base64 answer to a float (or default) request is decoded; floats stay", () => {
    const b64 = answer(floatsToBase64([0.5, -2]));
    expect(toRequestedEncoding(b64, undefined)).toBe(true);
    expect(b64.data[0]!.embedding).toEqual([0.5, -2]);
    expect(toRequestedEncoding(answer([1]), "float")).toBe(false);
  });
});
