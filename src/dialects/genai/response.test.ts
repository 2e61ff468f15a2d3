import { describe, expect, test } from "bun:test";
import type { ChatResponse } from "../../schemas/chat";
import { signatureDetail } from "../../providers/gemini/signatures";
import { genaiFromChatResponse } from "./response";

const response = (over: Partial<ChatResponse> = {}): ChatResponse => ({
  id: "chatcmpl-abc",
  object: "chat.completion",
  created: 1,
  model: "gpt-4o-mini-2024-07-18",
  choices: [{ index: 0, message: { role: "assistant", content: "Hello there." }, finish_reason: "stop" }],
  usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
  extra_fields: { provider: "openai", model_requested: "openai/gpt-4o-mini" },
  ...over,
});

describe("genaiFromChatResponse", () => {
  test("text → candidates[{content:{role:model, parts}, finishReason, index}], usageMetadata, modelVersion, responseId", () => {
    expect(genaiFromChatResponse(response())).toEqual({
      candidates: [{ content: { role: "model", parts: [{ text: "Hello there." }] }, finishReason: "STOP", index: 0 }],
      usageMetadata: { promptTokenCount: 7, candidatesTokenCount: 3, totalTokenCount: 10 },
      modelVersion: "gpt-4o-mini-2024-07-18",
      responseId: "chatcmpl-abc",
    });
  });

  test("tool calls → functionCall parts with their id and parsed args; finish STOP; signatures go back on their call", () => {
    const r = genaiFromChatResponse(
      response({
        choices: [
          {
            index: 0,
            message: {
              role: "assistant",
              content: "Let me look.",
              tool_calls: [
                { id: "call_A", type: "function", function: { name: "get_weather", arguments: '{"location":"Paris"}' } },
                { id: "call_B", type: "function", function: { name: "now", arguments: "" } },
              ],
              reasoning_details: [signatureDetail("SIG", "call_A")],
            },
            finish_reason: "tool_calls",
          },
        ],
      }),
    );
    expect(r.candidates![0]).toEqual({
      content: {
        role: "model",
        parts: [
          { text: "Let me look." },
          { functionCall: { id: "call_A", name: "get_weather", args: { location: "Paris" } }, thoughtSignature: "SIG" },
          { functionCall: { id: "call_B", name: "now", args: {} } },
        ],
      },
      finishReason: "STOP",
      index: 0,
    });
  });

  test("reasoning → a thought part first; reasoning tokens → thoughtsTokenCount, cached → cachedContentTokenCount", () => {
    const r = genaiFromChatResponse(
      response({
        choices: [{ index: 0, message: { role: "assistant", content: "42", reasoning: "6 × 7" }, finish_reason: "stop" }],
        usage: { prompt_tokens: 100, completion_tokens: 30, total_tokens: 130, prompt_tokens_details: { cached_tokens: 64 }, completion_tokens_details: { reasoning_tokens: 25 } },
      }),
    );
    expect(r.candidates![0]!.content!.parts).toEqual([{ text: "6 × 7", thought: true }, { text: "42" }]);
    expect(r.usageMetadata).toEqual({ promptTokenCount: 100, candidatesTokenCount: 5, totalTokenCount: 130, thoughtsTokenCount: 25, cachedContentTokenCount: 64 });
  });

  test.each([
    ["stop", "STOP"],
    ["length", "MAX_TOKENS"],
    ["tool_calls", "STOP"],
    ["function_call", "STOP"],
    ["content_filter", "SAFETY"],
    [null, "STOP"],
  ])("finish_reason %s → %s", (finish, reason) => {
    expect(genaiFromChatResponse(response({ choices: [{ index: 0, message: { role: "assistant", content: "x" }, finish_reason: finish as any }] })).candidates![0]!.finishReason).toBe(reason);
  });

  test("a refusal is shown as text of a SAFETY candidate", () => {
    const r = genaiFromChatResponse(response({ choices: [{ index: 0, message: { role: "assistant", content: null, refusal: "I can't help with that." }, finish_reason: "content_filter" }] }));
    expect(r.candidates![0]).toEqual({ content: { role: "model", parts: [{ text: "I can't help with that." }] }, finishReason: "SAFETY", index: 0 });
  });

  test("several choices → several candidates; no usage → no usageMetadata", () => {
    const r = genaiFromChatResponse(
      response({
        usage: undefined,
        choices: [
          { index: 0, message: { role: "assistant", content: "A" }, finish_reason: "stop" },
          { index: 1, message: { role: "assistant", content: "B" }, finish_reason: "length" },
        ],
      }),
    );
    expect(r.candidates!.map((c) => [c.index, c.content!.parts[0]!.text, c.finishReason])).toEqual([
      [0, "A", "STOP"],
      [1, "B", "MAX_TOKENS"],
    ]);
    expect(r).not.toHaveProperty("usageMetadata");
  });

  test("arguments that are not a JSON object are kept rather than lost", () => {
    const call = (args: string) =>
      genaiFromChatResponse(response({ choices: [{ index: 0, message: { role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: args } }] }, finish_reason: "tool_calls" }] }))
        .candidates![0]!.content!.parts[0]!.functionCall!.args;
    expect(call("{broken")).toEqual({ arguments: "{broken" });
    expect(call("[1,2]")).toEqual({ value: [1, 2] });
  });
});
