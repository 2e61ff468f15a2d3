import { describe, expect, test } from "bun:test";
import type { ChatRequest } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import { toAnthropicToolChoice, toAnthropicTools } from "./tools";

describe("tools", () => {
  test("function tools become {name, description, input_schema}", () => {
    const parameters = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
    expect(toAnthropicTools([{ type: "function", function: { name: "get_weather", description: "Weather now", parameters } }])).toEqual([
      { name: "get_weather", description: "Weather now", input_schema: parameters },
    ]);
  });

  test("a tool without parameters gets an empty object schema and no description", () => {
    expect(toAnthropicTools([{ type: "function", function: { name: "now" } }])).toEqual([
      { name: "now", input_schema: { type: "object", properties: {} } },
    ]);
  });

  test("parameters without a type get type object (Anthropic requires it)", () => {
    expect(toAnthropicTools([{ type: "function", function: { name: "f", parameters: { properties: { a: { type: "number" } } } } }])[0]!.input_schema).toEqual({
      type: "object",
      properties: { a: { type: "number" } },
    });
  });

  test("strict is not forwarded", () => {
    expect(toAnthropicTools([{ type: "function", function: { name: "f", strict: true } }])[0]).not.toHaveProperty("strict");
  });

  test("a non-function tool is a 400 naming it", () => {
    expect(() => toAnthropicTools([{ type: "function", function: { name: "a" } }, { type: "web_search", function: { name: "b" } }])).toThrow(
      expect.objectContaining({ status: 400, param: "tools[1].type" }),
    );
  });
});

describe("tool_choice", () => {
  const cases: Array<[ChatRequest["tool_choice"], unknown]> = [
    ["auto", { type: "auto" }],
    ["required", { type: "any" }],
    ["none", { type: "none" }],
    [{ type: "function", function: { name: "get_weather" } }, { type: "tool", name: "get_weather" }],
    [undefined, undefined],
  ];
  for (const [choice, expected] of cases) {
    test(`${JSON.stringify(choice)} → ${JSON.stringify(expected)}`, () => {
      expect(toAnthropicToolChoice(choice, undefined)).toEqual(expected as any);
    });
  }

  test("parallel_tool_calls false sets disable_parallel_tool_use on auto, any and tool", () => {
    expect(toAnthropicToolChoice("auto", false)).toEqual({ type: "auto", disable_parallel_tool_use: true });
    expect(toAnthropicToolChoice("required", false)).toEqual({ type: "any", disable_parallel_tool_use: true });
    expect(toAnthropicToolChoice({ type: "function", function: { name: "f" } }, false)).toEqual({ type: "tool", name: "f", disable_parallel_tool_use: true });
  });

  test("parallel_tool_calls false without tool_choice means auto without parallel use", () => {
    expect(toAnthropicToolChoice(undefined, false)).toEqual({ type: "auto", disable_parallel_tool_use: true });
  });

  test("none never carries disable_parallel_tool_use (Anthropic's none has no such field)", () => {
    expect(toAnthropicToolChoice("none", false)).toEqual({ type: "none" });
  });

  test("parallel_tool_calls true changes nothing", () => {
    expect(toAnthropicToolChoice("auto", true)).toEqual({ type: "auto" });
  });

  test("an object choice without a function name is a 400 on tool_choice", () => {
    expect(() => toAnthropicToolChoice({ type: "function" }, undefined)).toThrow(BifrostError);
    expect(() => toAnthropicToolChoice({ type: "allowed_tools" }, undefined)).toThrow(expect.objectContaining({ param: "tool_choice" }));
  });
});
