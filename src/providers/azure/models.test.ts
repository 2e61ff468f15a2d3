import { expect, test } from "bun:test";
import { azureModelsFromKeyConfig, modelForDeployment } from "./models";

test("a key's models are its deployments map's keys, provider-prefixed", () => {
  expect(azureModelsFromKeyConfig("azure-eu", { deployments: { "gpt-4o": "gpt4o-prod", "text-embedding-3-small": "embed" } })).toEqual([
    { id: "azure-eu/gpt-4o", object: "model", created: 0, owned_by: "azure" },
    { id: "azure-eu/text-embedding-3-small", object: "model", created: 0, owned_by: "azure" },
  ]);
});

test("no deployments map, no models", () => {
  expect(azureModelsFromKeyConfig("azure", {})).toEqual([]);
  expect(azureModelsFromKeyConfig("azure", null)).toEqual([]);
});

test("a deployment a key's map names is served as that map's model; any other name is its own deployment", () => {
  const keys = [{ config: null }, { config: { deployments: { "gpt-4o": "gpt4o-prod" } } }];
  expect(modelForDeployment(keys, "gpt4o-prod")).toBe("gpt-4o");
  expect(modelForDeployment(keys, "o3-mini")).toBe("o3-mini");
});
