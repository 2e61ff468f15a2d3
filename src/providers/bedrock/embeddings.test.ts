import { describe, expect, test } from "bun:test";
import { bedrockEmbeddingRequest, fromBedrockEmbedding } from "./embeddings";
import { fixtureJson, target } from "./__fixtures__";

const titan = target({ model: "amazon.titan-embed-text-v2:0" });
const cohere = target({ model: "cohere.embed-english-v3" });

describe("Titan", () => {
  test("one text → POST /model/{id}/invoke with {inputText}", () => {
    const wire = bedrockEmbeddingRequest({ model: "m", input: "hello world" }, titan);
    expect(wire.url).toBe("https://bedrock-runtime.us-west-2.amazonaws.com/model/amazon.titan-embed-text-v2%3A0/invoke");
    expect(wire.method).toBe("POST");
    expect(JSON.parse(wire.body as string)).toEqual({ inputText: "hello world" });
  });

  test("dimensions pass through; a one-element array is one text", () => {
    expect(JSON.parse(bedrockEmbeddingRequest({ model: "m", input: ["hi"], dimensions: 256 }, titan).body as string)).toEqual({ inputText: "hi", dimensions: 256 });
  });

  test("more than one input is a 400 naming input (Titan embeds one text per call)", () => {
    expect(() => bedrockEmbeddingRequest({ model: "m", input: ["a", "b"] }, titan)).toThrow(expect.objectContaining({ status: 400, param: "input" }));
  });

  test("{embedding, inputTextTokenCount} → one embedding and token usage", () => {
    expect(fromBedrockEmbedding(fixtureJson("titan-embedding.json"), titan)).toEqual({
      object: "list",
      data: [{ object: "embedding", index: 0, embedding: [0.0625, -0.015625, 0.125, 0.5] }],
      model: "amazon.titan-embed-text-v2:0",
      usage: { prompt_tokens: 7, total_tokens: 7 },
    });
  });
});

describe("Cohere", () => {
  test("texts with input_type search_document by default; the caller's input_type wins", () => {
    expect(JSON.parse(bedrockEmbeddingRequest({ model: "m", input: ["a", "b"] }, cohere).body as string)).toEqual({ texts: ["a", "b"], input_type: "search_document" });
    expect(JSON.parse(bedrockEmbeddingRequest({ model: "m", input: "q", input_type: "search_query" }, cohere).body as string)).toEqual({ texts: ["q"], input_type: "search_query" });
  });

  test("dimensions: output_dimension on Embed v4, a 400 on v3", () => {
    const v4 = target({ model: "cohere.embed-v4:0" });
    expect(JSON.parse(bedrockEmbeddingRequest({ model: "m", input: "a", dimensions: 512 }, v4).body as string)).toMatchObject({ output_dimension: 512 });
    expect(() => bedrockEmbeddingRequest({ model: "m", input: "a", dimensions: 512 }, cohere)).toThrow(expect.objectContaining({ param: "dimensions" }));
  });

  test("{embeddings: [[…]]} → one embedding per text, in order", () => {
    const r = fromBedrockEmbedding(fixtureJson("cohere-embedding.json"), cohere);
    expect(r.data).toEqual([
      { object: "embedding", index: 0, embedding: [0.0625, -0.015625, 0.125] },
      { object: "embedding", index: 1, embedding: [0.25, 0.5, -0.75] },
    ]);
    expect(r.usage).toEqual({ prompt_tokens: 0, total_tokens: 0 });
  });

  test("v4's {embeddings: {float: [[…]]}} is read too", () => {
    expect(fromBedrockEmbedding({ embeddings: { float: [[1, 2]] } }, target({ model: "cohere.embed-v4:0" })).data[0]!.embedding).toEqual([1, 2]);
  });
});

describe("other input", () => {
  test("token ids are a 400: Bedrock embeds text", () => {
    expect(() => bedrockEmbeddingRequest({ model: "m", input: [1, 2, 3] }, titan)).toThrow(expect.objectContaining({ param: "input" }));
  });

  test("a model that is neither Titan nor Cohere embed is a 400 naming model", () => {
    expect(() => bedrockEmbeddingRequest({ model: "m", input: "a" }, target())).toThrow(expect.objectContaining({ status: 400, param: "model" }));
  });

  test("a body without embeddings is a 502", () => {
    expect(() => fromBedrockEmbedding({} as any, titan)).toThrow(expect.objectContaining({ status: 502 }));
    expect(() => fromBedrockEmbedding({} as any, cohere)).toThrow(expect.objectContaining({ status: 502 }));
  });
});
