import { expect, test } from "bun:test";
import { fromGeminiModels, geminiModelsRequest } from "./models";
import { fixtureJson, target, TEST_KEY } from "./__fixtures__";

test("lists with GET /v1beta/models?pageSize=1000 and the key in its header", () => {
  const wire = geminiModelsRequest(target());
  expect(wire).toEqual({ url: "https://generativelanguage.googleapis.com/v1beta/models?pageSize=1000", method: "GET", headers: { "content-type": "application/json", "x-goog-api-key": TEST_KEY } });
});

test("keeps models that generate or embed content, as provider/name without models/", () => {
  expect(fromGeminiModels(fixtureJson("models.json"), target({ provider: "google" })).map((m) => m.id)).toEqual([
    "google/gemini-2.5-flash",
    "google/gemini-2.0-flash",
    "google/gemini-embedding-001",
  ]);
});

test("entries are canonical model objects owned by google", () => {
  expect(fromGeminiModels(fixtureJson("models.json"), target())[0]).toEqual({ id: "gemini/gemini-2.5-flash", object: "model", created: 0, owned_by: "google" });
});

test("a body without models is an empty list", () => {
  expect(fromGeminiModels({} as any, target())).toEqual([]);
});
