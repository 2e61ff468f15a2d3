import { describe, expect, test } from "bun:test";
import { BifrostError } from "../schemas/error";
import { capOutput, resultText } from "./connection";
import { fromChatToolCall, fromResponsesFunctionCall, functionParameters, toChatToolMessage, toFunctionCallOutput, toFunctionTool } from "./tool-format";

const result = { content: "Echo: hi", isError: false, latencyMs: 3 };

function rejects(f: () => unknown): BifrostError {
  try {
    f();
  } catch (e) {
    return e as BifrostError;
  }
  throw new Error("did not throw");
}

describe("tool-format", () => {
  test("an MCP tool becomes an OpenAI function tool named <client>-<tool>", () => {
    const t = toFunctionTool({
      name: "everything-echo",
      client: "everything",
      tool: "echo",
      description: "Echoes",
      inputSchema: { $schema: "http://json-schema.org/draft-07/schema#", type: "object", properties: { message: { type: "string" } }, required: ["message"] },
      autoExecute: false,
    });
    expect(t).toEqual({
      type: "function",
      function: { name: "everything-echo", description: "Echoes", parameters: { type: "object", properties: { message: { type: "string" } }, required: ["message"] } },
    });
  });

  test("a schema without properties gets an empty object (OpenAI rejects a bare {type:object})", () => {
    expect(functionParameters({ type: "object" })).toEqual({ type: "object", properties: {} });
    expect(functionParameters(undefined)).toEqual({ type: "object", properties: {} });
  });

  test("a chat tool call gives name and parsed arguments; empty arguments are {}", () => {
    expect(fromChatToolCall({ id: "c1", type: "function", function: { name: "x-add", arguments: '{"a":1,"b":2}' } })).toEqual({ name: "x-add", args: { a: 1, b: 2 } });
    expect(fromChatToolCall({ id: "c1", type: "function", function: { name: "x-ping", arguments: "" } }).args).toEqual({});
  });

  test("bad JSON or non-object arguments are a 400 naming the parameter", () => {
    const e = rejects(() => fromChatToolCall({ id: "c1", type: "function", function: { name: "x-add", arguments: "{a:1" } }));
    expect(e.status).toBe(400);
    expect(e.param).toBe("function.arguments");
    expect(rejects(() => fromChatToolCall({ id: "c1", type: "function", function: { name: "x-add", arguments: "[1]" } })).status).toBe(400);
    expect(rejects(() => fromResponsesFunctionCall({ type: "message", name: "x" })).status).toBe(400);
  });

  test("a Responses function_call gives name and arguments", () => {
    expect(fromResponsesFunctionCall({ type: "function_call", call_id: "fc1", name: "x-echo", arguments: '{"message":"m"}' })).toEqual({ name: "x-echo", args: { message: "m" } });
  });

  test("a result becomes a chat tool message and a function_call_output", () => {
    expect(toChatToolMessage("c1", result)).toEqual({ role: "tool", tool_call_id: "c1", content: "Echo: hi" });
    expect(toFunctionCallOutput("fc1", result)).toEqual({ type: "function_call_output", call_id: "fc1", output: "Echo: hi" });
  });
});

describe("tool output", () => {
  test("text parts are joined; an image is a short JSON description, not its base64", () => {
    const text = resultText({ content: [{ type: "text", text: "a" }, { type: "image", mimeType: "image/png", data: "A".repeat(400) }, { type: "text", text: "b" }] });
    expect(text).toBe('a\n{"type":"image","mimeType":"image/png","bytes":300}\nb');
  });

  test("structured content alone is its JSON", () => {
    expect(resultText({ content: [], structuredContent: { sum: 3 } })).toBe('{"sum":3}');
  });

  test("output over the cap is cut on a character boundary and marked", () => {
    const r = capOutput("é".repeat(100), 51);
    expect(r.truncated).toBe(true);
    expect(r.content.startsWith("é".repeat(25) + "\n[output truncated")).toBe(true);
    expect(capOutput("short", 51)).toEqual({ content: "short" });
  });
});
