import { describe, expect, test } from "bun:test";
import { cohereEmbedRequest, fromCohereEmbedResponse, toCohereEmbedRequest } from "./embed";
import { fixtureJson, target, TEST_KEY } from "./__fixtures__";

describe("embed request", () => {
  test("POSTs /v2/embed with texts, search_document and float vectors", () => {
    const wire = cohereEmbedRequest({ model: "cohere/embed-v4.0", input: ["hello", "goodbye"] }, target({ model: "embed-v4.0" }));
    expect(wire.url).toBe("https://api.cohere.com/v2/embed");
    expect(wire.headers.authorization).toBe(`Bearer ${TEST_KEY}`);
    expect(JSON.parse(wire.body as string)).toEqual({ model: "embed-v4.0", texts: ["hello", "goodbye"], input_type: "search_document", embedding_types: ["float"] });
  });

  test("a single string, dimensions, input_type and truncate", () => {
    expect(toCohereEmbedRequest({ model: "m", input: "hi", dimensions: 256, input_type: "search_query", truncate: "END" }, target())).toEqual({
      model: "command-a-03-2025",
      texts: ["hi"],
      input_type: "search_query",
      embedding_types: ["float"],
      output_dimension: 256,
      truncate: "END",
    });
  });

  test("base64 asks Cohere for base64 vectors", () => {
    expect(toCohereEmbedRequest({ model: "m", input: "hi", encoding_format: "base64" }, target()).embedding_types).toEqual(["base64"]);
  });

  test("token arrays are a 400: Cohere embeds text only", () => {
    expect(() => toCohereEmbedRequest({ model: "m", input: [1, 2, 3] }, target())).toThrow("cohere embeds text only");
  });
});

describe("embed response", () => {
  test("float vectors in order, billed input tokens as usage", () => {
    expect(fromCohereEmbedResponse(fixtureJson("embed.json"), target({ model: "embed-v4.0" }))).toEqual({
      object: "list",
      data: [
        { object: "embedding", index: 0, embedding: [0.016296387, -0.008354187, -0.04699707] },
        { object: "embedding", index: 1, embedding: [-0.018203735, 0.010681152, 0.026290894] },
      ],
      model: "embed-v4.0",
      usage: { prompt_tokens: 2, total_tokens: 2 },
    });
  });

  test("base64 vectors pass through as OpenAI's base64 (little-endian float32)", () => {
    const res = fromCohereEmbedResponse(fixtureJson("embed-base64.json"), target());
    const first = new Float32Array(Buffer.from(res.data[0]!.embedding as string, "base64").buffer.slice(0));
    expect([...first]).toEqual([1, -2]);
  });

  test("no vectors is a 502", () => {
    expect(() => fromCohereEmbedResponse({ embeddings: {} } as any, target())).toThrow("upstream answered without float or base64 embeddings");
  });
});
