import { describe, expect, test } from "bun:test";
import { BifrostError } from "../../schemas/error";
import { fromConverseResponse } from "./response";
import { fixtureJson, ID, MODEL, newId, now, NOW_MS, target } from "./__fixtures__";

const decode = (name: string) => fromConverseResponse(fixtureJson(name), target(), now, newId);

describe("fromConverseResponse", () => {
  test("text: a chat.completion with the target's model, a made-up id and usage", () => {
    expect(decode("text.json")).toEqual({
      id: ID,
      object: "chat.completion",
      created: NOW_MS / 1000,
      model: MODEL,
      choices: [{ index: 0, message: { role: "assistant", content: "Bonjour, café ☕ 🇫🇷!\nSecond line." }, finish_reason: "stop" }],
      usage: { prompt_tokens: 25, completion_tokens: 15, total_tokens: 40, prompt_tokens_details: { cached_tokens: 0 } },
    });
  });

  test("tool call: toolUse → tool_calls with JSON arguments; tool_use → tool_calls", () => {
    const r = decode("tool-call.json");
    expect(r.choices[0]).toEqual({
      index: 0,
      message: {
        role: "assistant",
        content: "I'll check the current weather in San Francisco for you.",
        tool_calls: [
          { id: "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", type: "function", function: { name: "get_weather", arguments: '{"location":"San Francisco, CA","unit":"celsius"}' } },
        ],
      },
      finish_reason: "tool_calls",
    });
  });

  test("parallel tool calls keep their order; no text → content null", () => {
    const m = decode("parallel-tool-calls.json").choices[0]!.message;
    expect(m.content).toBeNull();
    expect(m.tool_calls!.map((t) => [t.id, t.function.name, JSON.parse(t.function.arguments)])).toEqual([
      ["tooluse_Ph3aSCVxmDZJy1b4tZbTQx", "get_weather", { location: "Paris" }],
      ["tooluse_V1kT2gRvXqsP8nYcX9aF3L", "get_time", { timezone: "Europe/Paris" }],
    ]);
  });

  test("guardrail_intervened → content_filter, the guardrail's message as content", () => {
    const r = decode("guardrail.json");
    expect(r.choices[0]!.finish_reason).toBe("content_filter");
    expect(r.choices[0]!.message.content).toBe("Sorry, the model cannot answer this question.");
  });

  test("reasoning: reasoningText → reasoning plus a signed reasoning_details entry; redactedContent → reasoning.encrypted", () => {
    const m = decode("reasoning.json").choices[0]!.message;
    const f = fixtureJson("reasoning.json").output.message.content;
    expect(m).toEqual({
      role: "assistant",
      content: "27 × 453 = **12,231**.",
      reasoning: f[0].reasoningContent.reasoningText.text,
      reasoning_details: [
        { type: "reasoning.text", text: f[0].reasoningContent.reasoningText.text, signature: f[0].reasoningContent.reasoningText.signature },
        { type: "reasoning.encrypted", data: f[1].reasoningContent.redactedContent },
      ],
    });
  });

  test("cache usage: prompt_tokens = input + cache reads + cache writes = totalTokens − output; max_tokens → length", () => {
    const r = decode("cache-usage.json");
    expect(r.choices[0]!.finish_reason).toBe("length");
    expect(r.usage).toEqual({ prompt_tokens: 2129, completion_tokens: 8, total_tokens: 2137, prompt_tokens_details: { cached_tokens: 1920, cache_write_tokens: 188 } });
    expect(r.usage!.total_tokens).toBe(fixtureJson("cache-usage.json").usage.totalTokens);
  });

  test.each([
    ["end_turn", "stop"],
    ["stop_sequence", "stop"],
    ["max_tokens", "length"],
    ["model_context_window_exceeded", "length"],
    ["tool_use", "tool_calls"],
    ["guardrail_intervened", "content_filter"],
    ["content_filtered", "content_filter"],
    ["malformed_model_output", "stop"],
  ])("stopReason %s → %s", (stopReason, finish) => {
    expect(fromConverseResponse({ ...fixtureJson("text.json"), stopReason }, target()).choices[0]!.finish_reason).toBe(finish as any);
  });

  test("a body without output.message.content is a 502, not a crash", () => {
    expect(() => fromConverseResponse({} as any, target())).toThrow(BifrostError);
    expect(() => fromConverseResponse({ output: {} } as any, target())).toThrow(expect.objectContaining({ status: 502 }));
  });

  test("ids are unique per response by default", () => {
    const a = fromConverseResponse(fixtureJson("text.json"), target());
    const b = fromConverseResponse(fixtureJson("text.json"), target());
    expect(a.id).toStartWith("chatcmpl-");
    expect(a.id).not.toBe(b.id);
  });
});
