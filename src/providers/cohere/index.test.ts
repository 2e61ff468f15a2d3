import { expect, test } from "bun:test";
import { cohereAdapter } from "./index";
import { fixtureJson, fixtureText, target } from "./__fixtures__";

test("kind cohere with chat, streaming, embeddings, rerank and model listing", () => {
  expect(cohereAdapter.kind).toBe("cohere");
  expect([...cohereAdapter.capabilities].sort()).toEqual(["chat", "chatStream", "embeddings", "listModels", "rerank"]);
});

test("every method is wired", () => {
  const t = target();
  expect(cohereAdapter.chatRequest({ model: "m", messages: [{ role: "user", content: "hi" }] }, t, true).url).toEndWith("/v2/chat");
  expect(cohereAdapter.chatResponse(fixtureJson("text.json"), t).object).toBe("chat.completion");
  const decoder = cohereAdapter.chatStreamDecoder(t);
  if (decoder.binary) throw new Error("the Cohere decoder reads text");
  expect(decoder.push(fixtureText("text.chunks.txt")).length).toBeGreaterThan(0);
  expect(decoder.done).toBe(true);
  expect(cohereAdapter.embeddingRequest!({ model: "m", input: "x" }, t).url).toEndWith("/v2/embed");
  expect(cohereAdapter.embeddingResponse!(fixtureJson("embed.json"), t).data).toHaveLength(2);
  const rerank = { model: "m", query: "q", documents: ["a", "b", "c", "d", "e"], return_documents: true };
  expect(cohereAdapter.rerankRequest!(rerank, t).url).toEndWith("/v2/rerank");
  expect(cohereAdapter.rerankResponse(fixtureJson("rerank.json"), t, rerank).results[0]).toEqual({ index: 3, relevance_score: 0.999071, document: { text: "d" } });
  expect(cohereAdapter.listModelsRequest!(t).method).toBe("GET");
  expect(cohereAdapter.listModelsResponse!(fixtureJson("models.json"), t)).toHaveLength(3);
  expect(cohereAdapter.errorFromResponse(429, fixtureText("error-rate-limit.json"), t).status).toBe(429);
});
