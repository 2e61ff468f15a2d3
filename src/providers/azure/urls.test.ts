import { expect, test } from "bun:test";
import { resolveAzure } from "./config";
import { azureUrl, type AzureOperation } from "./urls";
import { target } from "./__fixtures__";

const url = (keyConfig: Record<string, any>, op: AzureOperation = "chat/completions", model = "gpt-4o") =>
  azureUrl(resolveAzure(target({ model, keyConfig: { endpoint: "https://r.openai.azure.com", deployments: { "gpt-4o": "gpt4o-prod" }, ...keyConfig } })), op);

test("deployments API: deployment in the path, api-version in the query", () => {
  expect(url({})).toBe("https://r.openai.azure.com/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21");
  expect(url({ api_version: "2025-04-01-preview" }, "embeddings", "embed-small")).toBe(
    "https://r.openai.azure.com/openai/deployments/embed-small/embeddings?api-version=2025-04-01-preview",
  );
});

test("v1 API: no deployment in the path, no api-version (preview keeps api-version=preview)", () => {
  expect(url({ api_version: "v1" })).toBe("https://r.openai.azure.com/openai/v1/chat/completions");
  expect(url({ api_version: "preview" }, "embeddings")).toBe("https://r.openai.azure.com/openai/v1/embeddings?api-version=preview");
});

test("deployment names are escaped in the path", () => {
  expect(url({ deployments: { "gpt-4o": "team a/prod" } })).toBe("https://r.openai.azure.com/openai/deployments/team%20a%2Fprod/chat/completions?api-version=2024-10-21");
});

test("Responses API: no deployment in the path on either API (the body's model names it)", () => {
  expect(url({}, "responses")).toBe("https://r.openai.azure.com/openai/responses?api-version=2024-10-21");
  expect(url({ api_version: "v1" }, "responses")).toBe("https://r.openai.azure.com/openai/v1/responses");
});
