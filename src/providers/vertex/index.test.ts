import { expect, test } from "bun:test";
import { vertexAdapter } from "./index";

test("kind vertex with chat, streaming and embeddings, authenticated by authorize()", () => {
  expect(vertexAdapter.kind).toBe("vertex");
  expect([...vertexAdapter.capabilities].sort()).toEqual(["chat", "chatStream", "embeddings"]);
  expect(typeof vertexAdapter.authorize).toBe("function");
  expect(vertexAdapter.listModelsRequest).toBeUndefined();
});
