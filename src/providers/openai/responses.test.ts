/** The OpenAI adapter's native Responses API: the request as it is (model rewritten, gateway fields dropped), events unchanged. */
import { describe, expect, test } from "bun:test";
import { getAdapter } from "..";
import { BifrostError } from "../../schemas/error";
import type { ProviderTarget } from "../types";

const target: ProviderTarget = { provider: "openai", model: "gpt-4o", baseUrl: "https://api.openai.com", apiKey: "sk-test", extraHeaders: {} };
const openai = getAdapter("openai");

describe("openai adapter: Responses API", () => {
  test("capability flag: openai and azure serve it, OpenAI-compatible servers and others do not", () => {
    for (const p of ["openai", "azure"]) expect([p, getAdapter(p).capabilities.has("responses") && getAdapter(p).capabilities.has("responsesStream")]).toEqual([p, true]);
    for (const p of ["groq", "mistral", "anthropic", "gemini", "bedrock"]) expect([p, getAdapter(p).capabilities.has("responses")]).toEqual([p, false]);
  });

  test("request: /v1/responses, the upstream model, no fallbacks, stream as asked", () => {
    const req = { model: "openai/gpt-4o", input: "hi", tools: [{ type: "web_search" }], fallbacks: ["azure/gpt-4o"], stream: true };
    const unary = openai.responsesRequest!(req, target, false);
    expect(unary.url).toBe("https://api.openai.com/v1/responses");
    expect(unary.headers.authorization).toBe("Bearer sk-test");
    expect(JSON.parse(unary.body as string)).toEqual({ model: "gpt-4o", input: "hi", tools: [{ type: "web_search" }] });
    expect(JSON.parse(openai.responsesRequest!(req, target, true).body as string).stream).toBe(true);
  });

  test("response: a Response object passes; anything else is a 502", () => {
    const res = { id: "resp_1", object: "response", output: [] };
    expect(openai.responsesResponse!(res, target)).toBe(res);
    expect(() => openai.responsesResponse!({ choices: [] }, target)).toThrow(BifrostError);
  });

  test("stream: events unchanged, in any split, done at the terminal event; an error frame throws", () => {
    const text = ['event: response.created\ndata: {"type":"response.created","sequence_number":0}\n\n', 'event: response.completed\ndata: {"type":"response.completed","sequence_number":1,"response":{"output":[]}}\n\n'].join("");
    const dec = openai.responsesStreamDecoder!(target);
    const events = [...dec.push(text.slice(0, 30)), ...dec.push(text.slice(30))];
    expect(events).toEqual([{ type: "response.created", sequence_number: 0 }, { type: "response.completed", sequence_number: 1, response: { output: [] } }]);
    expect(dec.done).toBe(true);
    expect(() => openai.responsesStreamDecoder!(target).push('data: {"error":{"message":"boom","type":"server_error"}}\n\n')).toThrow(BifrostError);
  });
});
