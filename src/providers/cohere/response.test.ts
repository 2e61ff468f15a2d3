import { describe, expect, test } from "bun:test";
import { fromCohereResponse } from "./response";
import { fixtureJson, now, NOW_MS, target } from "./__fixtures__";

const parse = (name: string) => fromCohereResponse(fixtureJson(name), target(), now);

describe("cohere chat response → chat completion", () => {
  test("text: id, content, stop, usage from tokens with billed_units kept", () => {
    expect(parse("text.json")).toEqual({
      id: "c14c80c3-18eb-4519-9460-6c92edd8cfb4",
      object: "chat.completion",
      created: NOW_MS / 1000,
      model: "command-a-03-2025",
      choices: [{ index: 0, message: { role: "assistant", content: "Bonjour, café ☕ 🇫🇷!\nSecond line." }, finish_reason: "stop" }],
      usage: {
        prompt_tokens: 71,
        completion_tokens: 12,
        total_tokens: 83,
        prompt_tokens_details: { cached_tokens: 0 },
        billed_units: { input_tokens: 5, output_tokens: 12 },
      },
    });
  });

  test("tool call: tool_plan is the content, tool_calls keep ids and argument strings", () => {
    const choice = parse("tool-call.json").choices[0]!;
    expect(choice.message).toEqual({
      role: "assistant",
      content: "I will search for the weather in Toronto.",
      tool_calls: [{ id: "get_weather_1byjy32y4hvq", type: "function", function: { name: "get_weather", arguments: '{"location":"Toronto"}' } }],
    });
    expect(choice.finish_reason).toBe("tool_calls");
  });

  test("parallel tool calls keep their order", () => {
    const calls = parse("parallel-tool-calls.json").choices[0]!.message.tool_calls!;
    expect(calls.map((c) => [c.id, JSON.parse(c.function.arguments).location])).toEqual([
      ["get_weather_dkf0akqdazjb", "Madrid"],
      ["get_weather_gh65bt2tcdy1", "Brasilia"],
    ]);
  });

  test('no-argument calls ("" or "null") get "{}" arguments', () => {
    const body = fixtureJson("tool-call.json");
    body.message.tool_calls = [
      { id: "a", type: "function", function: { name: "now", arguments: "null" } },
      { id: "b", type: "function", function: { name: "now", arguments: "" } },
    ];
    expect(fromCohereResponse(body, target()).choices[0]!.message.tool_calls!.map((c) => c.function.arguments)).toEqual(["{}", "{}"]);
  });

  test("thinking parts become reasoning", () => {
    expect(parse("thinking.json").choices[0]!.message).toEqual({ role: "assistant", content: "27 × 453 = **12,231**.", reasoning: "27 * 453 = 10800 + 1431 = 12231." });
  });

  test("cached_tokens reach prompt_tokens_details; citations are not part of a chat completion", () => {
    const res = parse("cached-usage.json");
    expect(res.usage!.prompt_tokens_details).toEqual({ cached_tokens: 1024 });
    expect(res.choices[0]!.message).toEqual({ role: "assistant", content: "It is currently 24°C in Madrid." });
  });

  test("MAX_TOKENS is length", () => {
    expect(parse("max-tokens.json").choices[0]!.finish_reason).toBe("length");
  });

  test("finish_reason ERROR is a 502 upstream error, not an empty answer", () => {
    expect(() => parse("finish-error.json")).toThrow("cohere failed while generating the response");
  });

  test("a body without message is a 502", () => {
    expect(() => fromCohereResponse({ id: "x" } as any, target())).toThrow("upstream answered without a message");
  });

  test("usage falls back to billed_units when tokens are absent; no usage stays absent", () => {
    const body = { ...fixtureJson("text.json"), usage: { billed_units: { input_tokens: 3, output_tokens: 4 } } };
    expect(fromCohereResponse(body, target()).usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
    const { usage: _, ...noUsage } = fixtureJson("text.json");
    expect(fromCohereResponse(noUsage, target())).not.toHaveProperty("usage");
  });
});
