import { expect, test } from "bun:test";
import { fromVertexCount, vertexCountTokensRequest } from "./count-tokens";

const target = (model: string) => ({ provider: "vertex", model, baseUrl: "", apiKey: "ya29.t", extraHeaders: {}, keyConfig: { project_id: "p", region: "us-east5" } });
const req = { model: "x", max_tokens: 10, messages: [{ role: "user" as const, content: "hi" }] };

test("Gemini on Vertex: :countTokens with contents itself (Vertex has no generateContentRequest wrapper)", () => {
  const wire = vertexCountTokensRequest(req, target("gemini-2.0-flash"));
  expect(wire.url).toBe("https://us-east5-aiplatform.googleapis.com/v1/projects/p/locations/us-east5/publishers/google/models/gemini-2.0-flash:countTokens");
  expect(Object.keys(JSON.parse(wire.body as string))).toEqual(["contents"]);
  expect(fromVertexCount({ totalTokens: 3, totalBillableCharacters: 2 }, target("gemini-2.0-flash")).input_tokens).toBe(3);
});

test("Claude on Vertex: count-tokens:rawPredict, the model in the body, no max_tokens", () => {
  const wire = vertexCountTokensRequest(req, target("claude-3-5-haiku@20241022"));
  expect(wire.url).toBe("https://us-east5-aiplatform.googleapis.com/v1/projects/p/locations/us-east5/publishers/anthropic/models/count-tokens:rawPredict");
  const body = JSON.parse(wire.body as string);
  expect(body.model).toBe("claude-3-5-haiku@20241022");
  expect(body.max_tokens).toBeUndefined();
  expect(fromVertexCount({ input_tokens: 9 }, target("claude-3-5-haiku@20241022")).input_tokens).toBe(9);
});
