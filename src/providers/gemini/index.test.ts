import { expect, test } from "bun:test";
import { geminiAdapter } from "./index";
import { fixtureJson, fixtureText, target } from "./__fixtures__";

test("kind gemini with chat, streaming, embeddings, model listing and token counting", () => {
  expect(geminiAdapter.kind).toBe("gemini");
  expect([...geminiAdapter.capabilities].sort()).toEqual(["chat", "chatStream", "countTokens", "embeddings", "listModels"]);
  expect(geminiAdapter.authorize).toBeUndefined();
});

test("every method is wired", () => {
  const t = target();
  expect(geminiAdapter.chatRequest({ model: "m", messages: [{ role: "user", content: "hi" }] }, t, true).url).toEndWith(":streamGenerateContent?alt=sse");
  expect(geminiAdapter.chatResponse(fixtureJson("text.json"), t).object).toBe("chat.completion");
  const decoder = geminiAdapter.chatStreamDecoder(t);
  if (decoder.binary) throw new Error("the Gemini decoder reads text");
  expect(decoder.push(fixtureText("text.chunks.txt")).length).toBeGreaterThan(0);
  decoder.end();
  expect(decoder.done).toBe(true);
  expect(geminiAdapter.embeddingRequest!({ model: "m", input: "x" }, t).url).toEndWith(":batchEmbedContents");
  expect(geminiAdapter.embeddingResponse!(fixtureJson("embeddings.json"), t).data).toHaveLength(2);
  expect(geminiAdapter.listModelsRequest!(t).method).toBe("GET");
  expect(geminiAdapter.listModelsResponse!(fixtureJson("models.json"), t)).toHaveLength(3);
  expect(geminiAdapter.errorFromResponse(429, fixtureText("error-rate-limit.json"), t).status).toBe(429);
});
