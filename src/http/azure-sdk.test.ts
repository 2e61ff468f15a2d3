/** Which provider and model an Azure OpenAI SDK deployment path goes to. */
import { describe, expect, test } from "bun:test";
import type { ResolvedProvider } from "../config/resolved";
import { deploymentModel } from "./azure-sdk";

const provider = (name: string, type: string, deployments?: Record<string, string>) =>
  ({ name, type, keys: [{ name: "k", value: "v", models: null, blacklistedModels: [], weight: 1, config: deployments ? { deployments } : null }] }) as unknown as ResolvedProvider;

describe("deploymentModel", () => {
  test("the provider named azure wins over an earlier azure-typed one; else the first azure-typed", () => {
    expect(deploymentModel([provider("azure-eu", "azure"), provider("azure", "azure")], "d")).toBe("azure/d");
    expect(deploymentModel([provider("openai", "openai"), provider("azure-eu", "azure"), provider("azure-us", "azure")], "d")).toBe("azure-eu/d");
  });
  test("a deployment the keys' map names goes as its model", () => {
    expect(deploymentModel([provider("azure", "azure", { "gpt-4o": "gpt4o-prod" })], "gpt4o-prod")).toBe("azure/gpt-4o");
  });
  test("{provider}/{deployment} names a configured provider; an unknown prefix is part of the azure deployment", () => {
    const providers = [provider("azure", "azure"), provider("openai", "openai")];
    expect(deploymentModel(providers, "openai/gpt-4o-mini")).toBe("openai/gpt-4o-mini");
    expect(deploymentModel(providers, "team/prod")).toBe("azure/team/prod");
  });
  test("no azure provider: a 400 naming the way out", () => {
    expect(() => deploymentModel([provider("openai", "openai")], "d")).toThrow("no azure provider is configured");
  });
});
