import { describe, expect, test } from "bun:test";
import type { ChatRequest } from "../../schemas/chat";
import { geminiChatRequest, toGeminiRequest } from "./chat";
import { target, TEST_KEY } from "./__fixtures__";

const req = (over: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "gemini/gemini-2.0-flash",
  messages: [{ role: "user", content: "Hello" }],
  ...over,
});
const body = (over: Partial<ChatRequest> = {}) => toGeminiRequest(req(over));
const config = (over: Partial<ChatRequest>) => body(over).generationConfig;

describe("wire request", () => {
  test("POSTs JSON to /v1beta/models/{model}:generateContent with the key in x-goog-api-key, never in the URL", () => {
    const wire = geminiChatRequest(req(), target(), false);
    expect(wire.url).toBe("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent");
    expect(wire.url).not.toContain(TEST_KEY);
    expect(wire.method).toBe("POST");
    expect(wire.headers).toEqual({ "content-type": "application/json", "x-goog-api-key": TEST_KEY });
    expect(JSON.parse(wire.body as string)).toEqual({ contents: [{ role: "user", parts: [{ text: "Hello" }] }] });
  });

  test("streaming uses :streamGenerateContent?alt=sse (without alt=sse the answer is a JSON array)", () => {
    expect(geminiChatRequest(req(), target(), true).url).toBe("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse");
  });

  test("the body is the same whether streaming or not (no stream field)", () => {
    expect(geminiChatRequest(req({ stream: true }), target(), true).body).toBe(geminiChatRequest(req(), target(), false).body);
  });

  test("tuned models keep their tunedModels/ path", () => {
    expect(geminiChatRequest(req(), target({ model: "tunedModels/my-tune-42" }), false).url).toEndWith("/v1beta/tunedModels/my-tune-42:generateContent");
  });

  test("extra headers are added and override defaults, whatever their case; a keyless target sends no key", () => {
    expect(geminiChatRequest(req(), target({ extraHeaders: { "X-Goog-Api-Key": "other", "X-Trace": "1" } }), false).headers).toEqual({
      "content-type": "application/json",
      "x-goog-api-key": "other",
      "x-trace": "1",
    });
    expect(geminiChatRequest(req(), target({ apiKey: "" }), false).headers).not.toHaveProperty("x-goog-api-key");
  });

  test("a conversation without user or assistant messages is a 400", () => {
    expect(() => body({ messages: [{ role: "system", content: "Only a system prompt" }] })).toThrow(expect.objectContaining({ status: 400, param: "messages" }));
  });
});

describe("generationConfig", () => {
  test("no generationConfig when nothing is set", () => {
    expect(body()).not.toHaveProperty("generationConfig");
  });

  test("sampling, length, stop, n, seed and penalties map to their Gemini names", () => {
    expect(config({ temperature: 0, top_p: 0.9, top_k: 40, max_tokens: 100, stop: "END", n: 2, seed: 7, presence_penalty: 0.5, frequency_penalty: -0.5 })).toEqual({
      temperature: 0,
      topP: 0.9,
      topK: 40,
      maxOutputTokens: 100,
      stopSequences: ["END"],
      candidateCount: 2,
      seed: 7,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
    });
  });

  test("max_completion_tokens wins over max_tokens; stop arrays pass, null and [] are omitted", () => {
    expect(config({ max_tokens: 100, max_completion_tokens: 200 })!.maxOutputTokens).toBe(200);
    expect(config({ stop: ["a", "b"] })!.stopSequences).toEqual(["a", "b"]);
    expect(body({ stop: null })).not.toHaveProperty("generationConfig");
    expect(body({ stop: [] })).not.toHaveProperty("generationConfig");
  });

  test("response_format json_object → responseMimeType; json_schema also sends the cleaned schema", () => {
    expect(config({ response_format: { type: "json_object" } })).toEqual({ responseMimeType: "application/json" });
    const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"], additionalProperties: false };
    expect(config({ response_format: { type: "json_schema", json_schema: { name: "a", strict: true, schema } } as any })).toEqual({
      responseMimeType: "application/json",
      responseSchema: { type: "object", properties: { answer: { type: "string" } }, required: ["answer"] },
    });
    expect(body({ response_format: { type: "text" } })).not.toHaveProperty("generationConfig");
  });

  test("fields Gemini does not know are not forwarded", () => {
    const b = body({ user: "u", metadata: { a: 1 }, fallbacks: ["x/y"], logit_bias: { "1": 1 }, parallel_tool_calls: true, stream_options: { include_usage: true }, vendor: 1 } as any);
    expect(Object.keys(b)).toEqual(["contents"]);
  });
});

describe("thinking", () => {
  test.each([
    ["minimal", 512],
    ["low", 1024],
    ["medium", 8192],
    ["high", 24576],
  ])("reasoning_effort %s → thinkingBudget %d with includeThoughts", (effort, budget) => {
    expect(config({ reasoning_effort: effort })).toEqual({ thinkingConfig: { thinkingBudget: budget, includeThoughts: true } });
  });

  test("reasoning_effort none turns thinking off (budget 0, no thoughts)", () => {
    expect(config({ reasoning_effort: "none" })).toEqual({ thinkingConfig: { thinkingBudget: 0 } });
  });

  test("reasoning.max_tokens sets the budget and wins over effort; reasoning.effort works like reasoning_effort", () => {
    expect(config({ reasoning: { max_tokens: 2000, effort: "high" } })!.thinkingConfig).toEqual({ thinkingBudget: 2000, includeThoughts: true });
    expect(config({ reasoning: { effort: "low" } })!.thinkingConfig).toEqual({ thinkingBudget: 1024, includeThoughts: true });
    expect(config({ reasoning: { max_tokens: 0 }, reasoning_effort: "high" })!.thinkingConfig).toEqual({ thinkingBudget: 0 });
  });

  test("an unknown effort leaves thinking at the model's default", () => {
    expect(body({ reasoning_effort: "turbo" })).not.toHaveProperty("generationConfig");
  });
});

describe("tools in the request", () => {
  const tools = [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }];

  test("tools and tool_choice are translated", () => {
    const b = body({ tools, tool_choice: "required" });
    expect(b.tools).toEqual([{ functionDeclarations: [{ name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } }] }]);
    expect(b.toolConfig).toEqual({ functionCallingConfig: { mode: "ANY" } });
  });

  test("no toolConfig unless asked for; tool_choice without tools is dropped", () => {
    expect(body({ tools })).not.toHaveProperty("toolConfig");
    const b = body({ tool_choice: "auto" });
    expect(b).not.toHaveProperty("toolConfig");
    expect(b).not.toHaveProperty("tools");
  });
});
