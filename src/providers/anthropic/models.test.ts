import { expect, test } from "bun:test";
import { anthropicModelsRequest, fromAnthropicModels } from "./models";
import { fixtureJson, target, TEST_KEY } from "./__fixtures__";

test("lists models with one GET of up to 1000 entries, authenticated like chat", () => {
  const wire = anthropicModelsRequest(target({ extraHeaders: { "anthropic-beta": "x" } }));
  expect(wire).toEqual({
    url: "https://api.anthropic.com/v1/models?limit=1000",
    method: "GET",
    headers: { "content-type": "application/json", "anthropic-version": "2023-06-01", "x-api-key": TEST_KEY, "anthropic-beta": "x" },
  });
});

test("model entries are provider-prefixed, with created in unix seconds", () => {
  expect(fromAnthropicModels(fixtureJson("models.json"), target({ provider: "claude" }))).toEqual([
    { id: "claude/claude-sonnet-4-5-20250929", object: "model", created: 1759104000, owned_by: "anthropic" },
    { id: "claude/claude-3-5-haiku-20241022", object: "model", created: 1729555200, owned_by: "anthropic" },
  ]);
});

test("entries without an id are skipped and a bad created_at is 0", () => {
  const body = { data: [{ type: "model" }, { id: "m", created_at: "soon" }] } as any;
  expect(fromAnthropicModels(body, target())).toEqual([{ id: "anthropic/m", object: "model", created: 0, owned_by: "anthropic" }]);
});

test("a body without data lists nothing", () => {
  expect(fromAnthropicModels({} as any, target())).toEqual([]);
});
