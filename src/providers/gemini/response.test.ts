import { describe, expect, test } from "bun:test";
import { fromGeminiResponse } from "./response";
import { fixtureJson, now, NOW_MS, target } from "./__fixtures__";

const translate = (name: string) => fromGeminiResponse(fixtureJson(name), target(), now);

describe("fromGeminiResponse", () => {
  test("text: one assistant choice, finish stop, usage, responseId and modelVersion", () => {
    expect(translate("text.json")).toEqual({
      id: "e8XnaOyRGcOxz7IPqpC_wAw",
      object: "chat.completion",
      created: NOW_MS / 1000,
      model: "gemini-2.0-flash",
      choices: [{ index: 0, message: { role: "assistant", content: "Hello! How can I help you today?" }, finish_reason: "stop" }],
      usage: { prompt_tokens: 5, completion_tokens: 9, total_tokens: 14, prompt_tokens_details: { cached_tokens: 0 } },
    });
  });

  test("never sets extra_fields (the provider call adds them)", () => {
    expect(translate("text.json")).not.toHaveProperty("extra_fields");
  });

  test("tool call: text plus tool_calls with generated id and JSON-string arguments; STOP with a call → tool_calls", () => {
    expect(translate("tool-call.json").choices[0]).toEqual({
      index: 0,
      message: {
        role: "assistant",
        content: "I'll check the weather in Paris for you.",
        tool_calls: [{ id: "call_0", type: "function", function: { name: "get_weather", arguments: '{"location":"Paris, France","unit":"celsius"}' } }],
      },
      finish_reason: "tool_calls",
    });
  });

  test("parallel tool calls: content null, ids call_0 and call_1, the thought signature kept for the call it came with", () => {
    const msg = translate("parallel-tool-calls.json").choices[0]!.message;
    expect(msg.content).toBeNull();
    expect(msg.tool_calls!.map((c) => [c.id, c.function.name, JSON.parse(c.function.arguments)])).toEqual([
      ["call_0", "get_weather", { location: "Paris" }],
      ["call_1", "get_time", { timezone: "Europe/Paris" }],
    ]);
    expect(msg.reasoning_details).toEqual([{ type: "gemini.thought_signature", signature: "CiQB0e2Kb7RqbnZ2S0V3U1h6c3ZQa0hB", id: "call_0" } as any]);
  });

  test("a functionCall that carries its own id keeps it", () => {
    const body = { candidates: [{ content: { role: "model", parts: [{ functionCall: { id: "fc-7", name: "f", args: {} } }] }, finishReason: "STOP" }] };
    expect(fromGeminiResponse(body, target(), now).choices[0]!.message.tool_calls![0]!.id).toBe("fc-7");
  });

  test("thinking: thought parts → reasoning; thoughtsTokenCount counts as completion and reasoning tokens", () => {
    const r = translate("thinking.json");
    expect(r.choices[0]!.message).toEqual({
      role: "assistant",
      content: "27 × 453 = **12,231**.",
      reasoning: "**Calculating the product**\n\nI split 27 × 453 into 27 × 400 + 27 × 53 = 10800 + 1431 = 12231.",
    });
    expect(r.usage).toEqual({
      prompt_tokens: 11,
      completion_tokens: 282,
      total_tokens: 293,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 270 },
    });
  });

  test("cached tokens: cachedContentTokenCount → cached_tokens (prompt_tokens already includes them); MAX_TOKENS → length", () => {
    const r = translate("cache-usage.json");
    expect(r.usage).toEqual({ prompt_tokens: 2129, completion_tokens: 8, total_tokens: 2137, prompt_tokens_details: { cached_tokens: 1920 } });
    expect(r.choices[0]!.finish_reason).toBe("length");
  });

  test("image input: the answer reads like any text answer, image tokens in the prompt", () => {
    const r = translate("image-input.json");
    expect(r.choices[0]!.message.content).toBe("The image shows a red bicycle leaning against a brick wall.");
    expect(r.usage!.prompt_tokens).toBe(1296);
  });

  test("a blocked prompt (no candidates, promptFeedback.blockReason) → content_filter with a refusal", () => {
    expect(translate("prompt-blocked.json").choices).toEqual([
      { index: 0, message: { role: "assistant", content: null, refusal: "The prompt was blocked by Gemini (SAFETY)." }, finish_reason: "content_filter" },
    ]);
  });

  test("the block message, when Gemini gives one, is part of the refusal", () => {
    const body = { promptFeedback: { blockReason: "OTHER", blockReasonMessage: "Unsupported language" } };
    expect(fromGeminiResponse(body, target(), now).choices[0]!.message.refusal).toBe("The prompt was blocked by Gemini (OTHER): Unsupported language");
  });

  test("a candidate stopped for SAFETY without content → content null, content_filter", () => {
    expect(translate("safety-finish.json").choices[0]).toEqual({ index: 0, message: { role: "assistant", content: null }, finish_reason: "content_filter" });
  });

  test.each([
    ["STOP", "stop"],
    ["MAX_TOKENS", "length"],
    ["SAFETY", "content_filter"],
    ["RECITATION", "content_filter"],
    ["BLOCKLIST", "content_filter"],
    ["PROHIBITED_CONTENT", "content_filter"],
    ["SPII", "content_filter"],
    ["IMAGE_SAFETY", "content_filter"],
    ["OTHER", "stop"],
    ["MALFORMED_FUNCTION_CALL", "stop"],
    [undefined, "stop"],
  ])("finishReason %s → finish_reason %s", (finishReason, finish) => {
    const body = fixtureJson("text.json");
    body.candidates[0].finishReason = finishReason;
    expect(fromGeminiResponse(body, target(), now).choices[0]!.finish_reason).toBe(finish as any);
  });

  test("several candidates (candidateCount) become several choices", () => {
    const body = {
      candidates: [
        { content: { role: "model", parts: [{ text: "A" }] }, finishReason: "STOP", index: 0 },
        { content: { role: "model", parts: [{ functionCall: { name: "f", args: { x: 1 } } }] }, finishReason: "STOP", index: 1 },
      ],
    };
    const r = fromGeminiResponse(body, target(), now);
    expect(r.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, "A", "stop"],
      [1, null, "tool_calls"],
    ]);
  });

  test("without responseId and modelVersion: a generated id and the target's model", () => {
    const { responseId, modelVersion, ...body } = fixtureJson("text.json");
    const r = fromGeminiResponse(body, target(), now);
    expect(r.id).toStartWith("chatcmpl-");
    expect(r.model).toBe("gemini-2.0-flash");
  });

  test("a body with neither candidates nor a block reason is a 502", () => {
    expect(() => fromGeminiResponse({} as any, target(), now)).toThrow(expect.objectContaining({ status: 502 }));
    expect(() => fromGeminiResponse(null as any, target(), now)).toThrow(expect.objectContaining({ status: 502 }));
  });
});
