import { expect, test } from "bun:test";
import { anthropicAdapter } from "./index";
import { fixtureJson, fixtureText, target } from "./__fixtures__";

test("kind anthropic with chat, streaming, model listing and token counting, and no embeddings", () => {
  expect(anthropicAdapter.kind).toBe("anthropic");
  expect([...anthropicAdapter.capabilities].sort()).toEqual(["chat", "chatStream", "countTokens", "listModels"]);
  expect(anthropicAdapter.embeddingRequest).toBeUndefined();
  expect(anthropicAdapter.embeddingResponse).toBeUndefined();
});

test("every method is wired", () => {
  const t = target();
  expect(anthropicAdapter.chatRequest({ model: "m", messages: [{ role: "user", content: "hi" }] }, t, true).url).toEndWith("/v1/messages");
  expect(anthropicAdapter.chatResponse(fixtureJson("text.json"), t).object).toBe("chat.completion");
  const decoder = anthropicAdapter.chatStreamDecoder(t);
  if (decoder.binary) throw new Error("the Anthropic decoder reads text");
  expect(decoder.push(fixtureText("text.chunks.txt")).length).toBeGreaterThan(0);
  expect(decoder.done).toBe(true);
  expect(anthropicAdapter.listModelsRequest!(t).method).toBe("GET");
  expect(anthropicAdapter.listModelsResponse!(fixtureJson("models.json"), t)).toHaveLength(2);
  expect(anthropicAdapter.errorFromResponse(529, fixtureText("error-overloaded.json"), t).status).toBe(529);
});
