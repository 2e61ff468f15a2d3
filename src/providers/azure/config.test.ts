import { describe, expect, test } from "bun:test";
import { resolveAzure } from "./config";
import { ENTRA_TOKEN, target } from "./__fixtures__";

describe("resolveAzure", () => {
  test("deployment from the map, default GA api-version, api-key auth, stream usage on", () => {
    expect(resolveAzure(target())).toEqual({
      endpoint: "https://my-resource.openai.azure.com",
      deployment: "gpt4o-prod",
      apiVersion: "2024-10-21",
      v1: false,
      bearer: false,
      streamUsage: true,
    });
  });

  test("a model missing from the map is its own deployment", () => {
    expect(resolveAzure(target({ model: "o3-mini" })).deployment).toBe("o3-mini");
    expect(resolveAzure(target({ keyConfig: { endpoint: "https://r.openai.azure.com" } })).deployment).toBe("gpt-4o");
  });

  test.each([
    ["https://r.openai.azure.com/", "https://r.openai.azure.com"],
    ["https://r.openai.azure.com/openai", "https://r.openai.azure.com"],
    ["https://r.openai.azure.com/openai/v1/", "https://r.openai.azure.com"],
    [" https://r.cognitiveservices.azure.com ", "https://r.cognitiveservices.azure.com"],
  ])("endpoint %p is normalised to %p", (endpoint, expected) => {
    expect(resolveAzure(target({ keyConfig: { endpoint } })).endpoint).toBe(expected);
  });

  test("target.baseUrl is the endpoint when the key config has none", () => {
    expect(resolveAzure(target({ baseUrl: "https://fallback.openai.azure.com", keyConfig: {} })).endpoint).toBe("https://fallback.openai.azure.com");
    expect(resolveAzure(target({ baseUrl: "https://fallback.openai.azure.com", keyConfig: undefined })).endpoint).toBe("https://fallback.openai.azure.com");
  });

  test("no endpoint anywhere is a configuration error naming both settings", () => {
    expect(() => resolveAzure(target({ keyConfig: {} }))).toThrow("set azure_key_config.endpoint or network_config.base_url");
  });

  test.each([
    ["v1", null, true],
    ["latest", null, true],
    ["preview", "preview", true],
    ["2025-04-01-preview", "2025-04-01-preview", false],
  ])("api_version %p → query %p, v1 %p", (api_version, apiVersion, v1) => {
    const route = resolveAzure(target({ keyConfig: { endpoint: "https://r.openai.azure.com", api_version } }));
    expect({ apiVersion: route.apiVersion, v1: route.v1 }).toEqual({ apiVersion, v1 });
  });

  test.each([
    ["2024-02-01", false],
    ["2024-06-01", false],
    ["2024-08-01-preview", false],
    ["2024-09-01-preview", true],
    ["2024-10-21", true],
    ["v1", true],
  ])("api_version %p: stream usage option %p (older versions reject stream_options)", (api_version, streamUsage) => {
    expect(resolveAzure(target({ keyConfig: { endpoint: "https://r.openai.azure.com", api_version } })).streamUsage).toBe(streamUsage);
  });

  test("bearer when auth_type says so or the key is an Entra token; auth_type api_key wins over the token shape", () => {
    const endpoint = "https://r.openai.azure.com";
    expect(resolveAzure(target({ keyConfig: { endpoint, auth_type: "bearer" } })).bearer).toBe(true);
    expect(resolveAzure(target({ apiKey: ENTRA_TOKEN, keyConfig: { endpoint } })).bearer).toBe(true);
    expect(resolveAzure(target({ apiKey: ENTRA_TOKEN, keyConfig: { endpoint, auth_type: "api_key" } })).bearer).toBe(false);
  });
});
