import { describe, expect, test } from "bun:test";
import type { ChatMessage } from "../../schemas/chat";
import { toConverseMessages } from "./messages";

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

describe("system and roles", () => {
  test("system and developer messages become the top-level system blocks, in order", () => {
    const r = toConverseMessages([
      { role: "system", content: "Be brief." },
      { role: "developer", content: [{ type: "text", text: "Answer in French." }] },
      { role: "user", content: "Hi" },
    ]);
    expect(r).toEqual({ system: [{ text: "Be brief." }, { text: "Answer in French." }], messages: [{ role: "user", content: [{ text: "Hi" }] }] });
  });

  test("no system key when there is no system message", () => {
    expect(toConverseMessages([{ role: "user", content: "Hi" }])).toEqual({ messages: [{ role: "user", content: [{ text: "Hi" }] }] });
  });

  test("consecutive same-role messages merge into one (Converse requires alternation)", () => {
    const r = toConverseMessages([
      { role: "user", content: "one" },
      { role: "user", content: "two" },
      { role: "assistant", content: "three" },
      { role: "assistant", content: "four" },
    ]);
    expect(r.messages).toEqual([
      { role: "user", content: [{ text: "one" }, { text: "two" }] },
      { role: "assistant", content: [{ text: "three" }, { text: "four" }] },
    ]);
  });

  test("blank text is dropped (Converse rejects blank text blocks), and a message left empty disappears", () => {
    const r = toConverseMessages([
      { role: "user", content: [{ type: "text", text: "" }, { type: "text", text: "Hi" }] },
      { role: "assistant", content: "" },
      { role: "user", content: "again" },
    ]);
    expect(r.messages).toEqual([{ role: "user", content: [{ text: "Hi" }, { text: "again" }] }]);
  });

  test('role "function" is a 400 naming the message', () => {
    expect(() => toConverseMessages([{ role: "function", content: "x", name: "f" }])).toThrow(expect.objectContaining({ status: 400, param: "messages[0].role" }));
  });
});

describe("images", () => {
  test("a base64 data: URL becomes an image block with format and bytes", () => {
    const r = toConverseMessages([
      { role: "user", content: [{ type: "text", text: "What is this?" }, { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } }] },
    ]);
    expect(r.messages[0]!.content).toEqual([{ text: "What is this?" }, { image: { format: "png", source: { bytes: PNG } } }]);
  });

  test("jpg is sent as jpeg", () => {
    const r = toConverseMessages([{ role: "user", content: [{ type: "image_url", image_url: { url: "data:image/jpg;base64,AAAA" } }] }]);
    expect(r.messages[0]!.content).toEqual([{ image: { format: "jpeg", source: { bytes: "AAAA" } } }]);
  });

  test("an http(s) URL is a 400: Converse needs the bytes", () => {
    const msgs: ChatMessage[] = [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/cat.png" } }] }];
    expect(() => toConverseMessages(msgs)).toThrow(expect.objectContaining({ status: 400, param: "messages[0].content[0].image_url.url" }));
    expect(() => toConverseMessages(msgs)).toThrow(/needs the image bytes/);
  });

  test("an unsupported image type (svg) is a 400", () => {
    expect(() => toConverseMessages([{ role: "user", content: [{ type: "image_url", image_url: { url: "data:image/svg+xml;base64,AAAA" } }] }])).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });

  test("other part types (input_audio) are a 400 naming the part", () => {
    expect(() => toConverseMessages([{ role: "user", content: [{ type: "input_audio" }] as any }])).toThrow(expect.objectContaining({ param: "messages[0].content[0]" }));
  });
});

describe("tool calls and results", () => {
  const history: ChatMessage[] = [
    { role: "user", content: "Weather in Paris and Tokyo?" },
    {
      role: "assistant",
      content: "Checking.",
      tool_calls: [
        { id: "tooluse_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
        { id: "tooluse_2", type: "function", function: { name: "get_weather", arguments: "" } },
      ],
    },
    { role: "tool", tool_call_id: "tooluse_1", content: '{"temp":21}' },
    { role: "tool", tool_call_id: "tooluse_2", content: "sunny" },
    { role: "user", content: "Thanks" },
  ];

  test("tool calls become toolUse blocks with parsed input ('' → {}); results merge with the next user turn", () => {
    expect(toConverseMessages(history).messages).toEqual([
      { role: "user", content: [{ text: "Weather in Paris and Tokyo?" }] },
      {
        role: "assistant",
        content: [
          { text: "Checking." },
          { toolUse: { toolUseId: "tooluse_1", name: "get_weather", input: { city: "Paris" } } },
          { toolUse: { toolUseId: "tooluse_2", name: "get_weather", input: {} } },
        ],
      },
      {
        role: "user",
        content: [
          { toolResult: { toolUseId: "tooluse_1", content: [{ json: { temp: 21 } }] } },
          { toolResult: { toolUseId: "tooluse_2", content: [{ text: "sunny" }] } },
          { text: "Thanks" },
        ],
      },
    ]);
  });

  test("a JSON array or number result stays text; an empty result is an empty text", () => {
    const r = toConverseMessages([
      { role: "tool", tool_call_id: "a", content: "[1,2]" },
      { role: "tool", tool_call_id: "b", content: "" },
      { role: "tool", tool_call_id: "c", content: [{ type: "text", text: "part" }] },
    ]);
    expect(r.messages[0]!.content).toEqual([
      { toolResult: { toolUseId: "a", content: [{ text: "[1,2]" }] } },
      { toolResult: { toolUseId: "b", content: [{ text: "" }] } },
      { toolResult: { toolUseId: "c", content: [{ text: "part" }] } },
    ]);
  });

  test("a tool message without tool_call_id is a 400", () => {
    expect(() => toConverseMessages([{ role: "tool", content: "x" }])).toThrow(expect.objectContaining({ param: "messages[0].tool_call_id" }));
  });

  test("arguments that are not JSON are a 400 naming them", () => {
    const m: ChatMessage = { role: "assistant", tool_calls: [{ id: "t", type: "function", function: { name: "f", arguments: "{oops" } }] };
    expect(() => toConverseMessages([m])).toThrow(expect.objectContaining({ param: "messages[0].tool_calls[0].function.arguments" }));
  });
});

describe("reasoning in assistant history", () => {
  test("signed reasoning and redacted reasoning come first as reasoningContent blocks; unsigned reasoning is dropped", () => {
    const r = toConverseMessages([
      {
        role: "assistant",
        content: "12231",
        reasoning_details: [
          { type: "reasoning.text", text: "27*453…", signature: "sig==" },
          { type: "reasoning.encrypted", data: "ZW5j" },
          { type: "reasoning.text", text: "from another provider" },
        ],
      },
    ]);
    expect(r.messages[0]!.content).toEqual([
      { reasoningContent: { reasoningText: { text: "27*453…", signature: "sig==" } } },
      { reasoningContent: { redactedContent: "ZW5j" } },
      { text: "12231" },
    ]);
  });
});

describe("prompt caching", () => {
  test("a part's cache_control becomes a cachePoint block after it, in system and user turns (regression: the mark was dropped)", () => {
    const conv = toConverseMessages([
      { role: "system", content: [{ type: "text", text: "Long rules.", cache_control: { type: "ephemeral" } }] },
      { role: "user", content: [{ type: "text", text: "Long document.", cache_control: { type: "ephemeral" } }, { type: "text", text: "Question?" }] },
    ]);
    expect(conv.system).toEqual([{ text: "Long rules." }, { cachePoint: { type: "default" } }]);
    expect(conv.messages[0]!.content).toEqual([{ text: "Long document." }, { cachePoint: { type: "default" } }, { text: "Question?" }]);
  });
});
