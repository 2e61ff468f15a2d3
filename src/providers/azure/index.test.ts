import { describe, expect, test } from "bun:test";
import type { ChatRequest } from "../../schemas/chat";
import { azureAdapter } from "./index";
import { ENTRA_TOKEN, fixtureJson, fixtureText, target, TEST_KEY } from "./__fixtures__";

const chat = (over: Partial<ChatRequest> = {}): ChatRequest => ({ model: "azure/gpt-4o", messages: [{ role: "user", content: "Hola" }], ...over });

test("kind azure with chat, streaming, embeddings and the native Responses API; no listModelsRequest (the core lists key-config deployments)", () => {
  expect(azureAdapter.kind).toBe("azure");
  expect([...azureAdapter.capabilities].sort()).toEqual(["chat", "chatStream", "embeddings", "responses", "responsesStream"]);
  expect(azureAdapter.listModelsRequest).toBeUndefined();
});

describe("chat request per config variant", () => {
  test("resource key: api-key header, deployments URL, OpenAI body with the deployment as model", () => {
    const wire = azureAdapter.chatRequest(chat({ temperature: 0.5, fallbacks: ["openai/gpt-4o"] }), target(), false);
    expect(wire).toEqual({
      url: "https://my-resource.openai.azure.com/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21",
      method: "POST",
      headers: { "content-type": "application/json", "api-key": TEST_KEY },
      body: JSON.stringify({ model: "gpt4o-prod", messages: [{ role: "user", content: "Hola" }], temperature: 0.5 }),
    });
  });

  test("Entra token: bearer, no api-key", () => {
    const headers = azureAdapter.chatRequest(chat(), target({ apiKey: ENTRA_TOKEN }), false).headers;
    expect(headers).toEqual({ "content-type": "application/json", authorization: `Bearer ${ENTRA_TOKEN}` });
  });

  test("auth_type bearer with any key", () => {
    const t = target({ keyConfig: { endpoint: "https://r.openai.azure.com", auth_type: "bearer" } });
    expect(azureAdapter.chatRequest(chat(), t, false).headers.authorization).toBe(`Bearer ${TEST_KEY}`);
  });

  test("v1 API: /openai/v1/chat/completions with model = deployment", () => {
    const t = target({ keyConfig: { endpoint: "https://r.openai.azure.com/openai/v1/", api_version: "v1", deployments: { "gpt-4o": "gpt4o-prod" } } });
    const wire = azureAdapter.chatRequest(chat(), t, false);
    expect(wire.url).toBe("https://r.openai.azure.com/openai/v1/chat/completions");
    expect(JSON.parse(wire.body as string).model).toBe("gpt4o-prod");
  });

  test("extra headers win, whatever their case", () => {
    const wire = azureAdapter.chatRequest(chat(), target({ extraHeaders: { "API-Key": "override", "X-Ms-Useragent": "bifrost" } }), false);
    expect(wire.headers).toEqual({ "content-type": "application/json", "api-key": "override", "x-ms-useragent": "bifrost" });
  });

  test("stream asks for usage on current api-versions, not on versions that reject stream_options", () => {
    const current = JSON.parse(azureAdapter.chatRequest(chat(), target(), true).body as string);
    expect(current).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    const old = JSON.parse(azureAdapter.chatRequest(chat(), target({ keyConfig: { endpoint: "https://r.openai.azure.com", api_version: "2024-02-01" } }), true).body as string);
    expect(old.stream).toBe(true);
    expect(old).not.toHaveProperty("stream_options");
  });
});

describe("embeddings", () => {
  test("deployments URL for the embedding model, OpenAI body", () => {
    const wire = azureAdapter.embeddingRequest!({ model: "azure/text-embedding-3-small", input: "hi", dimensions: 256 }, target({ model: "text-embedding-3-small" }));
    expect(wire.url).toBe("https://my-resource.openai.azure.com/openai/deployments/embed-small/embeddings?api-version=2024-10-21");
    expect(wire.headers["api-key"]).toBe(TEST_KEY);
    expect(JSON.parse(wire.body as string)).toEqual({ model: "embed-small", input: "hi", dimensions: 256 });
  });

  test("the response is OpenAI's", () => {
    expect(azureAdapter.embeddingResponse!(fixtureJson("embeddings.json"), target()).data[0]!.embedding).toHaveLength(3);
  });
});

describe("responses and errors", () => {
  test("a chat response passes through, content-filter annotations included", () => {
    const res = azureAdapter.chatResponse(fixtureJson("chat.json"), target());
    expect(res.choices[0]!.message.content).toBe("Hola, qué tal ☕");
    expect(res.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 5 });
  });

  test.each([
    [404, "error-deployment-not-found.json", "DeploymentNotFound", "The API deployment for this resource does not exist."],
    [401, "error-unauthorized.json", "401", "Access denied due to invalid subscription key"],
    [400, "error-content-filter.json", "content_filter", "The response was filtered"],
  ])("%i %s keeps status, code and message", (status, file, code, message) => {
    const e = azureAdapter.errorFromResponse(status, fixtureText(file), target());
    expect(e).toMatchObject({ status, code, isBifrostError: false });
    expect(e.message).toStartWith(message);
  });
});
