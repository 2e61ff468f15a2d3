import { describe, expect, test } from "bun:test";
import type { ChatMessage } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import { toAnthropicMessages } from "./messages";

const convert = (messages: ChatMessage[]) => toAnthropicMessages(messages);
const paramOf = (fn: () => unknown): string | null => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BifrostError);
    expect((e as BifrostError).status).toBe(400);
    return (e as BifrostError).param;
  }
  throw new Error("expected a BifrostError");
};

describe("system and developer messages", () => {
  test("are hoisted to top-level system as text blocks, in order, wherever they appear", () => {
    const out = convert([
      { role: "system", content: "You are terse." },
      { role: "user", content: "Hi" },
      { role: "developer", content: [{ type: "text", text: "Answer in French." }, { type: "text", text: "No emoji." }] },
    ]);
    expect(out.system).toEqual([
      { type: "text", text: "You are terse." },
      { type: "text", text: "Answer in French." },
      { type: "text", text: "No emoji." },
    ]);
    expect(out.messages).toEqual([{ role: "user", content: [{ type: "text", text: "Hi" }] }]);
  });

  test("no system message means no system field", () => {
    expect(convert([{ role: "user", content: "Hi" }])).not.toHaveProperty("system");
  });

  test("empty system text is dropped (Anthropic rejects empty text blocks)", () => {
    expect(convert([{ role: "system", content: "" }, { role: "user", content: "Hi" }])).not.toHaveProperty("system");
  });

  test("an image in a system message is a 400 naming the part", () => {
    const param = paramOf(() =>
      convert([{ role: "system", content: [{ type: "image_url", image_url: { url: "https://x/y.png" } }] }, { role: "user", content: "Hi" }]),
    );
    expect(param).toBe("messages[0].content[0]");
  });
});

describe("multi-turn", () => {
  test("user and assistant turns keep their order", () => {
    const out = convert([
      { role: "user", content: "What is 2+2?" },
      { role: "assistant", content: "4" },
      { role: "user", content: "And 3+3?" },
    ]);
    expect(out.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "What is 2+2?" }] },
      { role: "assistant", content: [{ type: "text", text: "4" }] },
      { role: "user", content: [{ type: "text", text: "And 3+3?" }] },
    ]);
  });

  test("consecutive same-role messages are merged, since Anthropic requires alternation", () => {
    const out = convert([
      { role: "user", content: "First." },
      { role: "system", content: "sys" },
      { role: "user", content: [{ type: "text", text: "Second." }] },
      { role: "assistant", content: "A1" },
      { role: "assistant", content: "A2" },
    ]);
    expect(out.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "First." }, { type: "text", text: "Second." }] },
      { role: "assistant", content: [{ type: "text", text: "A1" }, { type: "text", text: "A2" }] },
    ]);
  });

  test("a message left empty is dropped, and its neighbours merge", () => {
    const out = convert([
      { role: "user", content: "A" },
      { role: "assistant", content: "" },
      { role: "user", content: "B" },
    ]);
    expect(out.messages).toEqual([{ role: "user", content: [{ type: "text", text: "A" }, { type: "text", text: "B" }] }]);
  });

  test("the legacy function role is a 400 pointing at the role", () => {
    expect(paramOf(() => convert([{ role: "function", name: "f", content: "x" }]))).toBe("messages[0].role");
  });
});

describe("images", () => {
  test("a base64 data URL becomes a base64 image source", () => {
    const out = convert([
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
        ],
      },
    ]);
    expect(out.messages[0]!.content).toEqual([
      { type: "text", text: "What is this?" },
      { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
    ]);
  });

  test("data URL parameters before base64 are skipped", () => {
    const out = convert([{ role: "user", content: [{ type: "image_url", image_url: { url: "data:image/jpeg;name=a.jpg;base64,/9j/4AAQ" } }] }]);
    expect(out.messages[0]!.content[0]).toEqual({ type: "image", source: { type: "base64", media_type: "image/jpeg", data: "/9j/4AAQ" } });
  });

  test("an http(s) URL becomes a url image source", () => {
    const url = "https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg";
    const out = convert([{ role: "user", content: [{ type: "image_url", image_url: { url, detail: "high" } }] }]);
    expect(out.messages[0]!.content[0]).toEqual({ type: "image", source: { type: "url", url } });
  });

  test("any other URL is a 400 naming the url", () => {
    const param = paramOf(() => convert([{ role: "user", content: [{ type: "text", text: "x" }, { type: "image_url", image_url: { url: "ftp://x/y.png" } }] }]));
    expect(param).toBe("messages[0].content[1].image_url.url");
  });

  test("an unsupported part type is a 400, not silently dropped", () => {
    expect(paramOf(() => convert([{ role: "user", content: [{ type: "input_audio", input_audio: {} } as any] }]))).toBe("messages[0].content[0]");
  });
});

describe("assistant tool calls", () => {
  test("become tool_use blocks after the text, with parsed input", () => {
    const out = convert([
      { role: "user", content: "Weather in Paris and Tokyo?" },
      {
        role: "assistant",
        content: "Checking.",
        tool_calls: [
          { id: "toolu_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
          { id: "toolu_2", type: "function", function: { name: "get_weather", arguments: '{"city":"Tokyo","days":[1,2]}' } },
        ],
      },
    ]);
    expect(out.messages[1]).toEqual({
      role: "assistant",
      content: [
        { type: "text", text: "Checking." },
        { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
        { type: "tool_use", id: "toolu_2", name: "get_weather", input: { city: "Tokyo", days: [1, 2] } },
      ],
    });
  });

  test("null content with tool calls sends only tool_use blocks", () => {
    const out = convert([{ role: "assistant", content: null, tool_calls: [{ id: "t", function: { name: "now", arguments: "{}" } }] }]);
    expect(out.messages[0]!.content).toEqual([{ type: "tool_use", id: "t", name: "now", input: {} }]);
  });

  test("empty arguments mean an empty input object", () => {
    const out = convert([{ role: "assistant", tool_calls: [{ id: "t", function: { name: "now", arguments: "" } }] }]);
    expect(out.messages[0]!.content).toEqual([{ type: "tool_use", id: "t", name: "now", input: {} }]);
  });

  test("invalid JSON arguments are a 400 naming messages[i].tool_calls[j].function.arguments", () => {
    const messages: ChatMessage[] = [
      { role: "user", content: "x" },
      {
        role: "assistant",
        tool_calls: [
          { id: "a", function: { name: "f", arguments: "{}" } },
          { id: "b", function: { name: "f", arguments: '{"city": "Par' } },
        ],
      },
    ];
    expect(paramOf(() => convert(messages))).toBe("messages[1].tool_calls[1].function.arguments");
  });

  test("arguments that are JSON but not an object are a 400", () => {
    expect(paramOf(() => convert([{ role: "assistant", tool_calls: [{ id: "a", function: { name: "f", arguments: "[1]" } }] }]))).toBe(
      "messages[0].tool_calls[0].function.arguments",
    );
  });
});

describe("tool results", () => {
  test("become a user message of tool_result blocks; consecutive results merge into one message", () => {
    const out = convert([
      { role: "user", content: "Weather?" },
      {
        role: "assistant",
        tool_calls: [
          { id: "toolu_1", function: { name: "w", arguments: '{"c":"Paris"}' } },
          { id: "toolu_2", function: { name: "w", arguments: '{"c":"Tokyo"}' } },
        ],
      },
      { role: "tool", tool_call_id: "toolu_1", content: "18°C" },
      { role: "tool", tool_call_id: "toolu_2", content: [{ type: "text", text: "25°C" }] },
      { role: "user", content: "Thanks, and tomorrow?" },
    ]);
    expect(out.messages[2]).toEqual({
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "toolu_1", content: "18°C" },
        { type: "tool_result", tool_use_id: "toolu_2", content: [{ type: "text", text: "25°C" }] },
        { type: "text", text: "Thanks, and tomorrow?" },
      ],
    });
    expect(out.messages).toHaveLength(3);
  });

  test("empty tool result content is sent as an empty string (regression: empty result must not drop the block)", () => {
    const out = convert([
      { role: "assistant", tool_calls: [{ id: "t1", function: { name: "f", arguments: "{}" } }, { id: "t2", function: { name: "f", arguments: "{}" } }, { id: "t3", function: { name: "f", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "t1", content: "" },
      { role: "tool", tool_call_id: "t2", content: null },
      { role: "tool", tool_call_id: "t3", content: [] },
    ]);
    expect(out.messages[1]!.content).toEqual([
      { type: "tool_result", tool_use_id: "t1", content: "" },
      { type: "tool_result", tool_use_id: "t2", content: "" },
      { type: "tool_result", tool_use_id: "t3", content: "" },
    ]);
  });

  test("a tool message without tool_call_id is a 400", () => {
    expect(paramOf(() => convert([{ role: "tool", content: "x" }]))).toBe("messages[0].tool_call_id");
  });
});

describe("reasoning details on assistant messages", () => {
  test("become thinking / redacted_thinking blocks placed before text and tool_use", () => {
    const out = convert([
      {
        role: "assistant",
        content: "Let me check.",
        tool_calls: [{ id: "t", function: { name: "f", arguments: "{}" } }],
        reasoning_details: [
          { type: "reasoning.text", text: "I should call f.", signature: "sig-1" },
          { type: "reasoning.encrypted", data: "enc-1" },
        ],
      },
    ]);
    expect(out.messages[0]!.content).toEqual([
      { type: "thinking", thinking: "I should call f.", signature: "sig-1" },
      { type: "redacted_thinking", data: "enc-1" },
      { type: "text", text: "Let me check." },
      { type: "tool_use", id: "t", name: "f", input: {} },
    ]);
  });

  test("reasoning text without a signature is dropped, since Anthropic cannot verify it", () => {
    const out = convert([{ role: "assistant", content: "ok", reasoning_details: [{ type: "reasoning.text", text: "from another provider" }] }]);
    expect(out.messages[0]!.content).toEqual([{ type: "text", text: "ok" }]);
  });
});
