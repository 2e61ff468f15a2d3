import { describe, expect, test } from "bun:test";
import type { ChatMessage } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import { toCohereMessages, toolResult } from "./messages";

const one = (m: ChatMessage) => toCohereMessages([m])[0];

describe("roles", () => {
  test("system and developer become system; content kept as string or text parts", () => {
    expect(toCohereMessages([
      { role: "system", content: "Be brief." },
      { role: "developer", content: [{ type: "text", text: "Use metric units." }] },
    ])).toEqual([
      { role: "system", content: "Be brief." },
      { role: "system", content: [{ type: "text", text: "Use metric units." }] },
    ]);
  });

  test("the deprecated function role is a 400 pointing at the message", () => {
    const err = (() => {
      try {
        toCohereMessages([{ role: "function", content: "x", name: "f" }]);
      } catch (e) {
        return e;
      }
    })() as BifrostError;
    expect(err).toBeInstanceOf(BifrostError);
    expect(err).toMatchObject({ status: 400, param: "messages[0].role" });
  });

  test("null content is sent as an empty string, never null", () => {
    expect(one({ role: "user", content: null })).toEqual({ role: "user", content: "" });
  });
});

describe("user content", () => {
  test("non-text, non-image parts (input_audio, file) are a 400 naming the part", () => {
    expect(() => one({ role: "user", content: [{ type: "input_audio" } as any] })).toThrow('content part type "input_audio" is not supported by cohere');
  });

  test("an image URL that is neither http(s) nor data: is a 400", () => {
    expect(() => one({ role: "user", content: [{ type: "image_url", image_url: { url: "file:///etc/passwd" } }] })).toThrow("must be an http(s) URL or a base64 data: URL");
  });
});

describe("assistant turns", () => {
  test("plain text stays content", () => {
    expect(one({ role: "assistant", content: "Hi there" })).toEqual({ role: "assistant", content: "Hi there" });
  });

  test("tool calls with no text have no tool_plan; empty arguments become {}", () => {
    expect(one({ role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "now", arguments: "" } }] })).toEqual({
      role: "assistant",
      tool_calls: [{ id: "c1", type: "function", function: { name: "now", arguments: "{}" } }],
    });
  });

  test("reasoning is replayed as a thinking part before the text", () => {
    expect(one({ role: "assistant", content: "12231", reasoning: "27*453…" })).toEqual({
      role: "assistant",
      content: [{ type: "thinking", thinking: "27*453…" }, { type: "text", text: "12231" }],
    });
  });

  test("reasoning_details text counts as reasoning; with tool calls it is the only content", () => {
    const m: ChatMessage = {
      role: "assistant",
      content: "Checking.",
      reasoning_details: [{ type: "reasoning.text", text: "need weather" }],
      tool_calls: [{ id: "c1", type: "function", function: { name: "w", arguments: "{}" } }],
    };
    expect(one(m)).toEqual({
      role: "assistant",
      content: [{ type: "thinking", thinking: "need weather" }],
      tool_plan: "Checking.",
      tool_calls: [{ id: "c1", type: "function", function: { name: "w", arguments: "{}" } }],
    });
  });

  test("text parts and refusals are joined into the text", () => {
    expect(one({ role: "assistant", content: [{ type: "text", text: "a" }, { type: "refusal", refusal: "b" } as any] })).toEqual({ role: "assistant", content: "ab" });
  });
});

describe("tool results", () => {
  test("tool_call_id is required", () => {
    expect(() => one({ role: "tool", content: "x" })).toThrow("messages[0].tool_call_id is required for tool messages");
  });

  test("text parts stay text parts", () => {
    expect(one({ role: "tool", tool_call_id: "c1", content: [{ type: "text", text: "24C" }] })).toEqual({ role: "tool", tool_call_id: "c1", content: [{ type: "text", text: "24C" }] });
  });

  test.each([
    ['{"temperature":"24C"}', [{ type: "document", document: { data: '{"temperature":"24C"}' } }]],
    ['[{"a":1},{"b":2}]', [{ type: "document", document: { data: '{"a":1}' } }, { type: "document", document: { data: '{"b":2}' } }]],
    ["[1, 2]", "[1, 2]"],
    ["42", "42"],
    ["sunny, 24C", "sunny, 24C"],
    ["", ""],
  ])("result %j → %j", (result, expected) => {
    expect(toolResult(result)).toEqual(expected as any);
  });
});
