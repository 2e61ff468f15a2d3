import { expect, test } from "bun:test";
import { bedrockAdapter } from "./index";
import { fixtureJson, fixtureStream, fixtureText, target } from "./__fixtures__";

test("kind bedrock with chat, streaming, embeddings and model listing", () => {
  expect(bedrockAdapter.kind).toBe("bedrock");
  expect([...bedrockAdapter.capabilities].sort()).toEqual(["chat", "chatStream", "embeddings", "listModels"]);
});

test("every method is wired", async () => {
  const t = target();
  const wire = bedrockAdapter.chatRequest({ model: "m", messages: [{ role: "user", content: "hi" }] }, t, true);
  expect(wire.url).toEndWith("/converse-stream");
  expect((await bedrockAdapter.authorize!(wire, t, new Date())).headers.authorization).toStartWith("AWS4-HMAC-SHA256 ");
  expect(bedrockAdapter.chatResponse(fixtureJson("text.json"), t).object).toBe("chat.completion");
  const decoder = bedrockAdapter.chatStreamDecoder(t);
  if (!decoder.binary) throw new Error("the Bedrock decoder reads bytes");
  expect(decoder.push(fixtureStream("text.events.txt")).length).toBeGreaterThan(0);
  expect(decoder.done).toBe(true);
  const titan = target({ model: "amazon.titan-embed-text-v2:0" });
  expect(bedrockAdapter.embeddingRequest!({ model: "m", input: "x" }, titan).url).toEndWith("/invoke");
  expect(bedrockAdapter.embeddingResponse!(fixtureJson("titan-embedding.json"), titan).data).toHaveLength(1);
  expect(bedrockAdapter.listModelsRequest!(t).method).toBe("GET");
  expect(bedrockAdapter.listModelsResponse!(fixtureJson("models.json"), t)).toHaveLength(2);
  expect(bedrockAdapter.errorFromResponse(429, fixtureText("error-throttling.json"), t).status).toBe(429);
});
