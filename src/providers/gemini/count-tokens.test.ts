import { expect, test } from "bun:test";
import { fromGeminiCount, geminiCountTokensRequest } from "./count-tokens";

const target = { provider: "gemini", model: "gemini-2.0-flash", baseUrl: "https://generativelanguage.googleapis.com", apiKey: "g-key", extraHeaders: {} };

test("countTokens sends the whole prompt as generateContentRequest (system instruction and tools counted), no generation config", () => {
  const wire = geminiCountTokensRequest({ model: "gemini/gemini-2.0-flash", temperature: 0.2, messages: [{ role: "system", content: "sys" }, { role: "user", content: "hi" }] }, target);
  expect(wire.url).toBe("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:countTokens");
  const body = JSON.parse(wire.body as string);
  expect(Object.keys(body)).toEqual(["generateContentRequest"]);
  expect(body.generateContentRequest.model).toBe("models/gemini-2.0-flash");
  expect(body.generateContentRequest.systemInstruction.parts[0].text).toBe("sys");
  expect(body.generateContentRequest.generationConfig).toBeUndefined();
});

test("{totalTokens} → canonical count; a body without it is a 502", () => {
  expect(fromGeminiCount({ totalTokens: 7, promptTokensDetails: [] }, target)).toEqual({ object: "token_count", model: "gemini-2.0-flash", input_tokens: 7 });
  expect(() => fromGeminiCount({ error: 1 }, target)).toThrow("totalTokens");
});
