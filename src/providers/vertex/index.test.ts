import { expect, test } from "bun:test";
import { vertexAdapter } from "./index";

test("kind vertex with chat, streaming, embeddings and token counting, authenticated by authorize()", () => {
  expect(vertexAdapter.kind).toBe("vertex");
  expect([...vertexAdapter.capabilities].sort()).toEqual(["chat", "chatStream", "countTokens", "embeddings"]);
  expect(typeof vertexAdapter.authorize).toBe("function");
  expect(vertexAdapter.listModelsRequest).toBeUndefined();
});
