import { describe, expect, test } from "bun:test";
import type { ChatRequest } from "../../schemas/chat";
import { cohereChatRequest, toCohereRequest } from "./chat";
import { fixtureJson, target, TEST_KEY } from "./__fixtures__";

const req = (over: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "cohere/command-a-03-2025",
  messages: [{ role: "user", content: "Hello" }],
  ...over,
});
const body = (over: Partial<ChatRequest> = {}, stream = false) => toCohereRequest(req(over), target(), stream);

describe("wire request", () => {
  test("POSTs JSON to /v2/chat with a bearer token", () => {
    const wire = cohereChatRequest(req(), target(), false);
    expect(wire.url).toBe("https://api.cohere.com/v2/chat");
    expect(wire.method).toBe("POST");
    expect(wire.headers).toEqual({ "content-type": "application/json", authorization: `Bearer ${TEST_KEY}` });
    expect(JSON.parse(wire.body as string)).toEqual({ model: "command-a-03-2025", messages: [{ role: "user", content: "Hello" }] });
  });

  test("extra headers are added and override defaults, whatever their case", () => {
    const h = cohereChatRequest(req(), target({ extraHeaders: { "X-Client-Name": "bifrost", Authorization: "Bearer other" } }), false).headers;
    expect(h).toEqual({ "content-type": "application/json", authorization: "Bearer other", "x-client-name": "bifrost" });
  });

  test("a keyless target sends no empty bearer", () => {
    expect(cohereChatRequest(req(), target({ apiKey: "" }), false).headers).not.toHaveProperty("authorization");
  });

  test("stream: true only when streaming; stream_options never reaches Cohere", () => {
    expect(body({ stream: true, stream_options: { include_usage: true } }, true)).toEqual({
      model: "command-a-03-2025",
      messages: [{ role: "user", content: "Hello" }],
      stream: true,
    });
    expect(body({ stream: true }, false)).not.toHaveProperty("stream");
  });
});

describe("parameters", () => {
  test("OpenAI names map to Cohere's: top_p → p, top_k → k, stop → stop_sequences", () => {
    expect(
      body({ max_tokens: 100, temperature: 0.3, top_p: 0.9, top_k: 40, stop: ["END", "\n\n"], seed: 7, frequency_penalty: 0.2, presence_penalty: 0.1, logprobs: true }),
    ).toMatchObject({ max_tokens: 100, temperature: 0.3, p: 0.9, k: 40, stop_sequences: ["END", "\n\n"], seed: 7, frequency_penalty: 0.2, presence_penalty: 0.1, logprobs: true });
  });

  test("max_completion_tokens wins over max_tokens; a single stop string becomes a list", () => {
    expect(body({ max_tokens: 10, max_completion_tokens: 20, stop: "END" })).toMatchObject({ max_tokens: 20, stop_sequences: ["END"] });
  });

  test("OpenAI-only fields (user, n = 1, metadata, parallel_tool_calls, logit_bias) are not sent", () => {
    const b = body({ user: "u1", n: 1, metadata: { a: 1 }, parallel_tool_calls: false, logit_bias: { "1": 2 }, fallbacks: ["x/y"] });
    expect(Object.keys(b).sort()).toEqual(["messages", "model"]);
  });

  test("n > 1 is a 400", () => {
    expect(() => body({ n: 2 })).toThrow("n > 1 is not supported by cohere");
  });

  test("Cohere's own fields (safety_mode, documents, citation_options) pass through", () => {
    const documents = [{ id: "d1", data: { text: "Madrid is sunny." } }];
    expect(body({ safety_mode: "STRICT", documents, citation_options: { mode: "FAST" } })).toMatchObject({
      safety_mode: "STRICT",
      documents,
      citation_options: { mode: "FAST" },
    });
  });
});

describe("response_format", () => {
  test.each([
    [{ type: "text" }, { type: "text" }],
    [{ type: "json_object" }, { type: "json_object" }],
    [
      { type: "json_schema", json_schema: { name: "person", schema: { type: "object", properties: { name: { type: "string" } } } } },
      { type: "json_object", json_schema: { type: "object", properties: { name: { type: "string" } } } },
    ],
  ])("%j → %j", (rf, expected) => {
    expect(body({ response_format: rf }).response_format).toEqual(expected as any);
  });

  test("an unknown type is a 400 naming the field", () => {
    expect(() => body({ response_format: { type: "grammar" } })).toThrow('response_format type "grammar" is not supported by cohere');
  });
});

describe("thinking", () => {
  test.each([
    [{ reasoning: { max_tokens: 2048 } }, { type: "enabled", token_budget: 2048 }],
    [{ reasoning: { max_tokens: 0 } }, { type: "disabled" }],
    [{ reasoning: { effort: "high" } }, { type: "enabled" }],
    [{ reasoning_effort: "low" }, { type: "enabled" }],
    [{ reasoning_effort: "none" }, { type: "disabled" }],
  ])("%j → %j", (over, thinking) => {
    expect(body(over as Partial<ChatRequest>).thinking).toEqual(thinking as any);
  });

  test("no reasoning option leaves the model's default", () => {
    expect(body()).not.toHaveProperty("thinking");
  });
});

describe("recorded requests", () => {
  test("image input: text and image_url parts, http and data URLs, detail kept", () => {
    const wire = cohereChatRequest(fixtureJson("request-image.canonical.json"), target({ model: "command-a-vision-07-2025" }), false);
    expect(JSON.parse(wire.body as string)).toEqual(fixtureJson("request-image.cohere.json"));
  });

  test("a tool round trip: text beside tool calls becomes tool_plan, a JSON result a document, plain text stays text", () => {
    const wire = cohereChatRequest(fixtureJson("request-tool-turns.canonical.json"), target(), true);
    expect(JSON.parse(wire.body as string)).toEqual(fixtureJson("request-tool-turns.cohere.json"));
  });
});
