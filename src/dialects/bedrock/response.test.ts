import { describe, expect, test } from "bun:test";
import type { ChatResponse } from "../../schemas/chat";
import { toConverseResponse } from "./response";
import { fixtureJson } from "./__fixtures__";

const base = (message: ChatResponse["choices"][0]["message"], finish: ChatResponse["choices"][0]["finish_reason"] = "stop", usage?: ChatResponse["usage"]): ChatResponse => ({
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 1,
  model: "m",
  choices: [{ index: 0, message, finish_reason: finish }],
  ...(usage ? { usage } : {}),
});

describe("toConverseResponse", () => {
  test("tool calls → text then toolUse blocks with object inputs; usage without cached tokens in inputTokens; latency rounded", () => {
    expect(toConverseResponse(fixtureJson("chat-tool-call.json"))).toEqual({
      output: {
        message: {
          role: "assistant",
          content: [
            { text: "Let me check." },
            { toolUse: { toolUseId: "call_abc123", name: "get_weather", input: { city: "Paris" } } },
            { toolUse: { toolUseId: "call_def456", name: "get_time", input: {} } },
          ],
        },
      },
      stopReason: "tool_use",
      usage: { inputTokens: 18, outputTokens: 17, totalTokens: 99, cacheReadInputTokens: 64 },
      metrics: { latencyMs: 812 },
    });
  });

  test.each([
    ["stop", "end_turn"],
    ["length", "max_tokens"],
    ["content_filter", "content_filtered"],
    [null, "end_turn"],
  ] as const)("finish_reason %s → stopReason %s", (finish, stopReason) => {
    expect(toConverseResponse(base({ role: "assistant", content: "x" }, finish)).stopReason).toBe(stopReason);
  });

  test('tool calls finished with "stop" still say tool_use (clients loop on it)', () => {
    const r = toConverseResponse(base({ role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }] }, "stop"));
    expect(r.stopReason).toBe("tool_use");
  });

  test("signed reasoning goes first as reasoningText, encrypted as redactedContent", () => {
    const r = toConverseResponse(
      base({
        role: "assistant",
        content: "12231",
        reasoning: "27*453",
        reasoning_details: [
          { type: "reasoning.text", text: "27*453", signature: "sig" },
          { type: "reasoning.encrypted", data: "ZW5j" },
        ],
      }),
    );
    expect(r.output.message.content).toEqual([
      { reasoningContent: { reasoningText: { text: "27*453", signature: "sig" } } },
      { reasoningContent: { redactedContent: "ZW5j" } },
      { text: "12231" },
    ]);
  });

  test("plain-text reasoning (DeepSeek style) is one unsigned reasoningText block", () => {
    expect(toConverseResponse(base({ role: "assistant", content: "4", reasoning: "2+2" })).output.message.content).toEqual([{ reasoningContent: { reasoningText: { text: "2+2" } } }, { text: "4" }]);
  });

  test("a refusal is the text; no usage means zeros; no latency means 0", () => {
    const r = toConverseResponse(base({ role: "assistant", content: null, refusal: "I can't help with that." }, "content_filter"));
    expect(r.output.message.content).toEqual([{ text: "I can't help with that." }]);
    expect(r.usage).toEqual({ inputTokens: 0, outputTokens: 0, totalTokens: 0 });
    expect(r.metrics).toEqual({ latencyMs: 0 });
  });
});
