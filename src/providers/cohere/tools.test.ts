import { describe, expect, test } from "bun:test";
import type { ChatRequest } from "../../schemas/chat";
import { toCohereTools } from "./tools";

const weather = { type: "function", function: { name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } } };
const time = { type: "function", function: { name: "get_time", parameters: { type: "object", properties: {} } } };
const tools = (over: Partial<ChatRequest> = {}) => toCohereTools({ tools: [weather, time], ...over });

describe("tools", () => {
  test("OpenAI function tools keep their shape; strict is dropped from the tool", () => {
    expect(toCohereTools({ tools: [{ ...time, function: { ...time.function, strict: false } }] })).toEqual({
      tools: [{ type: "function", function: { name: "get_time", parameters: { type: "object", properties: {} } } }],
    });
  });

  test("a strict tool asks for strict_tools on the request", () => {
    expect(toCohereTools({ tools: [{ ...time, function: { ...time.function, strict: true } }] }).strict_tools).toBe(true);
  });

  test("non-function tools are a 400", () => {
    expect(() => toCohereTools({ tools: [{ type: "web_search", function: { name: "x" } }] })).toThrow('tool type "web_search" is not supported by cohere');
  });

  test("no tools: no tool fields, even with a tool_choice", () => {
    expect(toCohereTools({ tool_choice: "required" })).toEqual({});
  });
});

describe("tool_choice", () => {
  test.each([
    [undefined, undefined],
    ["auto", undefined],
    ["required", "REQUIRED"],
    ["none", "NONE"],
  ])("%p → %p", (choice, expected) => {
    expect(tools({ tool_choice: choice as ChatRequest["tool_choice"] }).tool_choice).toBe(expected as any);
  });

  test("a named function: only that tool is offered, with REQUIRED", () => {
    const out = tools({ tool_choice: { type: "function", function: { name: "get_time" } } });
    expect(out.tool_choice).toBe("REQUIRED");
    expect(out.tools!.map((t) => t.function.name)).toEqual(["get_time"]);
  });

  test("naming a tool that is not offered is a 400", () => {
    expect(() => tools({ tool_choice: { type: "function", function: { name: "nope" } } })).toThrow('tool_choice names "nope", which is not in tools');
  });

  test("an unknown shape is a 400", () => {
    expect(() => tools({ tool_choice: { type: "allowed_tools" } })).toThrow("tool_choice must be");
  });
});
