import { describe, expect, test } from "bun:test";
import { fromGeminiEmbeddings, geminiEmbeddingRequest } from "./embeddings";
import { fixtureJson, target, TEST_KEY } from "./__fixtures__";

const t = () => target({ model: "gemini-embedding-001" });

describe("embedding request", () => {
  test("a string → one request to :batchEmbedContents with models/<m> and the text", () => {
    const wire = geminiEmbeddingRequest({ model: "gemini/gemini-embedding-001", input: "hello" }, t());
    expect(wire.url).toBe("https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:batchEmbedContents");
    expect(wire.headers["x-goog-api-key"]).toBe(TEST_KEY);
    expect(JSON.parse(wire.body as string)).toEqual({ requests: [{ model: "models/gemini-embedding-001", content: { parts: [{ text: "hello" }] } }] });
  });

  test("several strings → one request each, in order; dimensions → outputDimensionality", () => {
    const wire = geminiEmbeddingRequest({ model: "m", input: ["a", "b"], dimensions: 256 }, t());
    expect(JSON.parse(wire.body as string).requests).toEqual([
      { model: "models/gemini-embedding-001", content: { parts: [{ text: "a" }] }, outputDimensionality: 256 },
      { model: "models/gemini-embedding-001", content: { parts: [{ text: "b" }] }, outputDimensionality: 256 },
    ]);
  });

  test("token arrays are a 400 on input", () => {
    expect(() => geminiEmbeddingRequest({ model: "m", input: [1, 2, 3] }, t())).toThrow(expect.objectContaining({ status: 400, param: "input" }));
  });
});

describe("embedding response", () => {
  test("embeddings[].values → data[] in order; usage 0 when Gemini reports none", () => {
    expect(fromGeminiEmbeddings(fixtureJson("embeddings.json"), t())).toEqual({
      object: "list",
      data: [
        { object: "embedding", index: 0, embedding: [0.0123, -0.0456, 0.0789, 0.0012] },
        { object: "embedding", index: 1, embedding: [-0.0321, 0.0654, -0.0987, 0.021] },
      ],
      model: "gemini-embedding-001",
      usage: { prompt_tokens: 0, total_tokens: 0 },
    });
  });

  test("usageMetadata.promptTokenCount is used when present", () => {
    expect(fromGeminiEmbeddings({ embeddings: [{ values: [1] }], usageMetadata: { promptTokenCount: 4 } }, t()).usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
  });

  test("a body without embeddings is a 502", () => {
    expect(() => fromGeminiEmbeddings({} as any, t())).toThrow(expect.objectContaining({ status: 502 }));
  });
});
