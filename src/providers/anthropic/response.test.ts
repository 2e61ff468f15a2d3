import { describe, expect, test } from "bun:test";
import { fromAnthropicResponse } from "./response";
import { fixtureJson, now, NOW_MS, target } from "./__fixtures__";

const translate = (name: string) => fromAnthropicResponse(fixtureJson(name), target(), now);

describe("fromAnthropicResponse", () => {
  test("text: one assistant choice, finish stop, usage", () => {
    expect(translate("text.json")).toEqual({
      id: "msg_01XFDUDYJgAACzvnptvVoYEL",
      object: "chat.completion",
      created: NOW_MS / 1000,
      model: "claude-sonnet-4-5-20250929",
      choices: [{ index: 0, message: { role: "assistant", content: "Hello! How can I help you today?" }, finish_reason: "stop" }],
      usage: { prompt_tokens: 12, completion_tokens: 12, total_tokens: 24, prompt_tokens_details: { cached_tokens: 0 } },
    });
  });

  test("never sets extra_fields (the provider call adds them)", () => {
    expect(translate("text.json")).not.toHaveProperty("extra_fields");
  });

  test("tool call: text plus tool_calls with JSON-string arguments, finish tool_calls", () => {
    const r = translate("tool-call.json");
    expect(r.choices[0]).toEqual({
      index: 0,
      message: {
        role: "assistant",
        content: "I'll check the current weather in San Francisco for you.",
        tool_calls: [
          { id: "toolu_01A09q90qw90lq917835lq9", type: "function", function: { name: "get_weather", arguments: '{"location":"San Francisco, CA","unit":"celsius"}' } },
        ],
      },
      finish_reason: "tool_calls",
    });
  });

  test("parallel tool calls: content null, every tool_use in order, arguments parse back to the input", () => {
    const body = fixtureJson("parallel-tool-calls.json");
    const msg = translate("parallel-tool-calls.json").choices[0]!.message;
    expect(msg.content).toBeNull();
    expect(msg.tool_calls!.map((c) => c.function.name)).toEqual(["get_weather", "get_time"]);
    expect(msg.tool_calls!.map((c) => JSON.parse(c.function.arguments))).toEqual(body.content.map((b: any) => b.input));
  });

  test("null cache counters count as zero", () => {
    expect(translate("parallel-tool-calls.json").usage).toEqual({
      prompt_tokens: 512,
      completion_tokens: 121,
      total_tokens: 633,
      prompt_tokens_details: { cached_tokens: 0 },
    });
  });

  test("thinking: reasoning text, reasoning_details with signature and redacted data, reasoning tokens", () => {
    const r = translate("thinking.json");
    expect(r.choices[0]!.message).toEqual({
      role: "assistant",
      content: "27 × 453 = **12,231**.",
      reasoning: "The user asks for 27 * 453. 27 * 453 = 27 * 400 + 27 * 53 = 10800 + 1431 = 12231.",
      reasoning_details: [
        {
          type: "reasoning.text",
          text: "The user asks for 27 * 453. 27 * 453 = 27 * 400 + 27 * 53 = 10800 + 1431 = 12231.",
          signature: "EuYBCkQYAiJAgCs1le6/Pol5Z4/JMomVOouGrWdhYNsH3ukzUECbB6iWrSQtsQuRHJID6lWV5tW0CaoN8tU2KBhDB1EsBlUM1BIMzXLQE4EqNfW6lkBJGgwOZVfFkzW8iSV0kh4=",
        },
        { type: "reasoning.encrypted", data: "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB5URj" },
      ],
    });
    expect(r.usage!.completion_tokens_details).toEqual({ reasoning_tokens: 150 });
  });

  test("refusal: content null, finish content_filter", () => {
    const r = translate("refusal.json");
    expect(r.choices[0]!.message.content).toBeNull();
    expect(r.choices[0]!.finish_reason).toBe("content_filter");
  });

  test("cache tokens: prompt_tokens includes cache reads and writes, cached_tokens is the reads, cache_write_tokens the writes; max_tokens → length", () => {
    const r = translate("cache-usage.json");
    expect(r.usage).toEqual({ prompt_tokens: 21 + 188 + 1920, completion_tokens: 17, total_tokens: 2129 + 17, prompt_tokens_details: { cached_tokens: 1920, cache_write_tokens: 188 } });
    expect(r.choices[0]!.finish_reason).toBe("length");
  });

  test.each([
    ["end_turn", "stop"],
    ["stop_sequence", "stop"],
    ["pause_turn", "stop"],
    ["max_tokens", "length"],
    ["model_context_window_exceeded", "length"],
    ["tool_use", "tool_calls"],
    ["refusal", "content_filter"],
  ])("stop_reason %s → finish_reason %s", (stop_reason, finish) => {
    expect(fromAnthropicResponse({ ...fixtureJson("text.json"), stop_reason }, target(), now).choices[0]!.finish_reason).toBe(finish as any);
  });

  test("server-tool blocks are kept verbatim beside the text, with their place in it", () => {
    const use = { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "x" } };
    const body = { ...fixtureJson("text.json"), content: [use, { type: "text", text: "Found it." }] };
    expect(fromAnthropicResponse(body, target(), now).choices[0]!.message).toEqual({ role: "assistant", content: "Found it.", server_tool_blocks: [{ at: 0, block: use }] });
  });

  test("a body without content is a 502", () => {
    expect(() => fromAnthropicResponse({} as any, target(), now)).toThrow(expect.objectContaining({ status: 502 }));
  });
});
