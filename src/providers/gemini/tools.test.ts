import { describe, expect, test } from "bun:test";
import type { ChatRequest } from "../../schemas/chat";
import { toGeminiToolConfig, toGeminiTools } from "./tools";

describe("tools", () => {
  test("function tools become one tool entry of functionDeclarations with cleaned parameters", () => {
    const parameters = { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false, $schema: "x" };
    expect(
      toGeminiTools([
        { type: "function", function: { name: "get_weather", description: "Weather now", parameters, strict: true } },
        { type: "function", function: { name: "get_time", parameters: { type: "object", properties: { tz: { type: "string" } } } } },
      ]),
    ).toEqual([
      {
        functionDeclarations: [
          { name: "get_weather", description: "Weather now", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
          { name: "get_time", parameters: { type: "object", properties: { tz: { type: "string" } } } },
        ],
      },
    ]);
  });

  test("a function without parameters (or with none declared) has no parameters field", () => {
    expect(toGeminiTools([{ type: "function", function: { name: "now" } }, { type: "function", function: { name: "ping", parameters: { type: "object", properties: {} } } }])).toEqual([
      { functionDeclarations: [{ name: "now" }, { name: "ping" }] },
    ]);
  });

  test("a non-function tool is a 400 naming it", () => {
    expect(() => toGeminiTools([{ type: "function", function: { name: "a" } }, { type: "web_search", function: { name: "b" } }])).toThrow(
      expect.objectContaining({ status: 400, param: "tools[1].type" }),
    );
  });
});

describe("tool_choice → toolConfig.functionCallingConfig", () => {
  const cases: Array<[ChatRequest["tool_choice"], unknown]> = [
    ["auto", { functionCallingConfig: { mode: "AUTO" } }],
    ["required", { functionCallingConfig: { mode: "ANY" } }],
    ["none", { functionCallingConfig: { mode: "NONE" } }],
    [{ type: "function", function: { name: "get_weather" } }, { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["get_weather"] } }],
    [undefined, undefined],
  ];
  for (const [choice, expected] of cases) {
    test(`${JSON.stringify(choice)} → ${JSON.stringify(expected)}`, () => {
      expect(toGeminiToolConfig(choice)).toEqual(expected as any);
    });
  }

  test("an object choice without a function name is a 400 on tool_choice", () => {
    expect(() => toGeminiToolConfig({ type: "allowed_tools" })).toThrow(expect.objectContaining({ status: 400, param: "tool_choice" }));
  });
});
