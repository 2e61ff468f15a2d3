import { expect, test } from "bun:test";
import { cohereModelsRequest, fromCohereModels } from "./models";
import { fixtureJson, target, TEST_KEY } from "./__fixtures__";

test("GET /v1/models with the page maximum and a bearer token, no content-type", () => {
  expect(cohereModelsRequest(target())).toEqual({ url: "https://api.cohere.com/v1/models?page_size=1000", method: "GET", headers: { authorization: `Bearer ${TEST_KEY}` } });
});

test("models become provider-prefixed entries that keep their endpoints and context length", () => {
  expect(fromCohereModels(fixtureJson("models.json"), target({ provider: "co" }))).toEqual([
    { id: "co/command-a-03-2025", object: "model", created: 0, owned_by: "cohere", endpoints: ["generate", "chat", "summarize"], context_length: 256000 },
    { id: "co/embed-v4.0", object: "model", created: 0, owned_by: "cohere", endpoints: ["embed", "embed_image"], context_length: 128000 },
    { id: "co/rerank-v3.5", object: "model", created: 0, owned_by: "cohere", endpoints: ["rerank"], context_length: 4096 },
  ]);
});

test("a body without models lists nothing", () => {
  expect(fromCohereModels({} as any, target())).toEqual([]);
});
