import { expect, test } from "bun:test";
import { vertexAdapter } from "./index";
import { fixtureJson, target } from "./__fixtures__";

const t = () => target({ model: "text-embedding-005" });

test("POST .../publishers/google/models/{model}:predict with one instance per input and outputDimensionality", () => {
  const wire = vertexAdapter.embeddingRequest!({ model: "vertex/text-embedding-005", input: ["hello", "world"], dimensions: 256 }, t());
  expect(wire.url).toBe("https://us-central1-aiplatform.googleapis.com/v1/projects/acme-prod/locations/us-central1/publishers/google/models/text-embedding-005:predict");
  expect(JSON.parse(wire.body as string)).toEqual({ instances: [{ content: "hello" }, { content: "world" }], parameters: { outputDimensionality: 256 } });
});

test("no parameters unless dimensions are asked for; token arrays are a 400", () => {
  expect(JSON.parse(vertexAdapter.embeddingRequest!({ model: "m", input: "x" }, t()).body as string)).toEqual({ instances: [{ content: "x" }] });
  expect(() => vertexAdapter.embeddingRequest!({ model: "m", input: [[1, 2]] }, t())).toThrow(expect.objectContaining({ status: 400 }));
});

test("predictions[].embeddings.values → data in order; token counts add up to usage", () => {
  expect(vertexAdapter.embeddingResponse!(fixtureJson("embeddings.json"), t())).toEqual({
    object: "list",
    data: [
      { object: "embedding", index: 0, embedding: [0.0214, -0.0132, 0.0551] },
      { object: "embedding", index: 1, embedding: [-0.0071, 0.0412, -0.0303] },
    ],
    model: "text-embedding-005",
    usage: { prompt_tokens: 5, total_tokens: 5 },
  });
});

test("a body without predictions is a 502", () => {
  expect(() => vertexAdapter.embeddingResponse!({}, t())).toThrow(expect.objectContaining({ status: 502 }));
});
