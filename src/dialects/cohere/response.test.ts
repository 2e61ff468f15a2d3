import { describe, expect, test } from "bun:test";
import type { ChatResponse } from "../../schemas/chat";
import { toCohereResponse } from "./response";
import { chatResponse } from "./__fixtures__";

const response = (message: ChatResponse["choices"][0]["message"], finish: ChatResponse["choices"][0]["finish_reason"] = "stop", usage?: ChatResponse["usage"]): ChatResponse => ({
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 1,
  model: "m",
  choices: [{ index: 0, message, finish_reason: finish }],
  ...(usage ? { usage } : {}),
});

describe("canonical → cohere v2 response", () => {
  test("text: content[0].text, COMPLETE, usage as tokens and billed_units, cached tokens", () => {
    expect(toCohereResponse(chatResponse("openai-text"))).toEqual({
      id: "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
      finish_reason: "COMPLETE",
      message: { role: "assistant", content: [{ type: "text", text: "Hello there, café ☕!" }] },
      usage: { billed_units: { input_tokens: 19, output_tokens: 4 }, tokens: { input_tokens: 19, output_tokens: 4 }, cached_tokens: 16 },
    });
  });

  test("tool call: text becomes tool_plan, no content, TOOL_CALL", () => {
    expect(toCohereResponse(chatResponse("openai-tool-call"))).toMatchObject({
      finish_reason: "TOOL_CALL",
      message: {
        role: "assistant",
        tool_plan: "Let me check.",
        tool_calls: [{ id: "call_weather_1", type: "function", function: { name: "get_weather", arguments: '{"location": "Toronto"}' } }],
      },
    });
    expect(toCohereResponse(chatResponse("openai-tool-call")).message).not.toHaveProperty("content");
  });

  test("reasoning is a thinking part before the text", () => {
    expect(toCohereResponse(response({ role: "assistant", content: "42", reasoning: "6*7" })).message.content).toEqual([
      { type: "thinking", thinking: "6*7" },
      { type: "text", text: "42" },
    ]);
  });

  test.each([
    ["length", "MAX_TOKENS"],
    ["content_filter", "COMPLETE"],
    [null, "COMPLETE"],
  ] as const)("finish %p → %p", (finish, expected) => {
    expect(toCohereResponse(response({ role: "assistant", content: "x" }, finish)).finish_reason).toBe(expected);
  });

  test("tool calls finished with stop are still TOOL_CALL; ids are invented when missing; empty arguments are {}", () => {
    const res = toCohereResponse(response({ role: "assistant", content: null, tool_calls: [{ id: "", type: "function", function: { name: "now", arguments: "" } }] }, "stop"));
    expect(res.finish_reason).toBe("TOOL_CALL");
    expect(res.message.tool_calls![0]!.id).toMatch(/^now_[0-9a-f]{12}$/);
    expect(res.message.tool_calls![0]!.function.arguments).toBe("{}");
  });

  test("a refusal is the text; null content is an empty text part; missing usage is zeros", () => {
    const res = toCohereResponse(response({ role: "assistant", content: null, refusal: "I can't help with that." }));
    expect(res.message.content).toEqual([{ type: "text", text: "I can't help with that." }]);
    expect(toCohereResponse(response({ role: "assistant", content: null })).message.content).toEqual([{ type: "text", text: "" }]);
    expect(res.usage).toEqual({ billed_units: { input_tokens: 0, output_tokens: 0 }, tokens: { input_tokens: 0, output_tokens: 0 } });
  });

  test("a Cohere upstream's billed_units are kept", () => {
    const usage = { prompt_tokens: 215, completion_tokens: 30, total_tokens: 245, billed_units: { input_tokens: 17, output_tokens: 30 } };
    expect(toCohereResponse(response({ role: "assistant", content: "x" }, "stop", usage)).usage).toEqual({
      billed_units: { input_tokens: 17, output_tokens: 30 },
      tokens: { input_tokens: 215, output_tokens: 30 },
    });
  });

  test("a missing id gets a UUID", () => {
    expect(toCohereResponse({ ...response({ role: "assistant", content: "x" }), id: "" }).id).toMatch(/^[0-9a-f-]{36}$/);
  });
});
