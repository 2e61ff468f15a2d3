import { expect, test } from "bun:test";
import { bedrockModelsRequest, fromBedrockModels } from "./models";
import { fixtureJson, target } from "./__fixtures__";

test("GET /foundation-models on the control-plane host (bedrock., not bedrock-runtime.)", () => {
  const wire = bedrockModelsRequest(target());
  expect(wire).toEqual({ url: "https://bedrock.us-west-2.amazonaws.com/foundation-models", method: "GET", headers: { accept: "application/json" } });
});

test("a literal AWS runtime host is switched to its control plane; a custom base URL serves both", () => {
  expect(bedrockModelsRequest(target({ baseUrl: "https://bedrock-runtime.eu-central-1.amazonaws.com" })).url).toBe("https://bedrock.eu-central-1.amazonaws.com/foundation-models");
  expect(bedrockModelsRequest(target({ baseUrl: "http://127.0.0.1:9100" })).url).toBe("http://127.0.0.1:9100/foundation-models");
});

test("modelSummaries → provider-prefixed ids owned by their provider", () => {
  expect(fromBedrockModels(fixtureJson("models.json"), target())).toEqual([
    { id: "bedrock/anthropic.claude-3-7-sonnet-20250219-v1:0", object: "model", created: 0, owned_by: "anthropic" },
    { id: "bedrock/amazon.titan-embed-text-v2:0", object: "model", created: 0, owned_by: "amazon" },
  ]);
});

test("entries without a modelId and bodies without modelSummaries are skipped, not fatal", () => {
  expect(fromBedrockModels({ modelSummaries: [{ modelName: "x" } as any] }, target())).toEqual([]);
  expect(fromBedrockModels({} as any, target())).toEqual([]);
});
