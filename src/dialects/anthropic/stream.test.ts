import { describe, expect, test } from "bun:test";
import type { ChatChunk } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import { chatChunks, sseEvents } from "./__fixtures__";
import { canonicalChunk } from "../../../tests/support/dialect-fixtures";
import { createAnthropicStreamEncoder } from "./stream";

/** Every chunk's events, then end()'s, each event checked to carry its name as data.type. */
function encode(chunks: ChatChunk[]) {
  const enc = createAnthropicStreamEncoder();
  const perChunk = chunks.map((c) => sseEvents(enc.chunk(c)));
  const atEnd = sseEvents(enc.end());
  const all = [...perChunk.flat(), ...atEnd];
  for (const e of all) expect(e.event).toBe(e.data.type);
  return { perChunk, atEnd, events: all.map((e) => e.data) };
}

/** A compact view of the sequence: event type, block index and the delta's payload. */
const outline = (events: any[]) =>
  events.map((e) => {
    switch (e.type) {
      case "content_block_start":
        return `start ${e.index} ${e.content_block.type}${e.content_block.name ? ` ${e.content_block.id} ${e.content_block.name}` : ""}`;
      case "content_block_delta": {
        const d = e.delta;
        return `delta ${e.index} ${d.type} ${d.text ?? d.thinking ?? d.partial_json ?? d.signature}`;
      }
      case "content_block_stop":
        return `stop ${e.index}`;
      case "message_delta":
        return `message_delta ${e.delta.stop_reason}`;
      default:
        return e.type;
    }
  });

const chunk = canonicalChunk;

describe("canonical chunks → anthropic SSE", () => {
  test("text, with usage arriving in a chunk after finish_reason", () => {
    const { perChunk, atEnd, events } = encode(chatChunks("openai-text"));
    expect(events[0]).toEqual({
      type: "message_start",
      message: {
        id: "msg_chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
        type: "message",
        role: "assistant",
        model: "gpt-4o-mini-2024-07-18",
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 },
      },
    });
    expect(outline(events)).toEqual([
      "message_start",
      "ping",
      "start 0 text",
      "delta 0 text_delta Hello",
      "delta 0 text_delta  there",
      "delta 0 text_delta !",
      "stop 0",
      "message_delta end_turn",
      "message_stop",
    ]);
    // The finish chunk closes the block; message_delta waits for the usage chunk.
    expect(outline(perChunk[4]!.map((e) => e.data))).toEqual(["stop 0"]);
    expect(outline(perChunk[5]!.map((e) => e.data))).toEqual(["message_delta end_turn", "message_stop"]);
    expect(atEnd).toEqual([]);
    expect(events.at(-2)).toEqual({
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { input_tokens: 3, cache_creation_input_tokens: 0, cache_read_input_tokens: 16, output_tokens: 3 },
    });
  });

  test("a tool call with argument deltas", () => {
    const { events } = encode(chatChunks("openai-tool-call"));
    expect(outline(events)).toEqual([
      "message_start",
      "ping",
      "start 0 tool_use call_1 get_weather",
      'delta 0 input_json_delta {"city":',
      'delta 0 input_json_delta "Paris — ☀"}',
      "stop 0",
      "message_delta tool_use",
      "message_stop",
    ]);
    expect(events[2]).toEqual({ type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "call_1", name: "get_weather", input: {} } });
    expect(events.at(-2).usage).toEqual({ input_tokens: 8, cache_creation_input_tokens: 0, cache_read_input_tokens: 4, output_tokens: 9 });
  });

  test("text then parallel tool calls get sequential indices", () => {
    const { events } = encode(chatChunks("openai-parallel-tool-calls"));
    expect(outline(events)).toEqual([
      "message_start",
      "ping",
      "start 0 text",
      "delta 0 text_delta Checking both.",
      "stop 0",
      "start 1 tool_use call_weather1 get_weather",
      'delta 1 input_json_delta {"location": ',
      'delta 1 input_json_delta "Paris"}',
      "stop 1",
      "start 2 tool_use call_time2 get_time",
      'delta 2 input_json_delta {"tz": "Europe/Paris"}',
      "stop 2",
      "message_delta tool_use",
      "message_stop",
    ]);
  });

  test("parallel tool calls as the anthropic adapter decodes them", () => {
    const { events } = encode(chatChunks("anthropic-parallel-tool-calls"));
    expect(outline(events).filter((l) => l.startsWith("start") || l.startsWith("stop") || l.startsWith("message_delta"))).toEqual([
      "start 0 tool_use toolu_01Ph3aSCVxmDZJy1b4tZbTQx get_weather",
      "stop 0",
      "start 1 tool_use toolu_01V1kT2gRvXqsP8nYcX9aF3L get_time",
      "stop 1",
      "message_delta tool_use",
    ]);
    expect(events.at(-2).usage).toMatchObject({ input_tokens: 512, output_tokens: 121 });
  });

  test("reasoning with a signature, redacted thinking, then text (usage on the finish chunk)", () => {
    const { perChunk, events } = encode(chatChunks("anthropic-thinking"));
    expect(outline(events)).toEqual([
      "message_start",
      "ping",
      "start 0 thinking",
      "delta 0 thinking_delta 27 * 453 = 27 * 400 + 27 * 53",
      "delta 0 thinking_delta  = 10800 + 1431 = 12231.",
      "delta 0 signature_delta EuYBCkQYAiJAgCs1le6/Pol5Z4/JMomVOouGrWdhYNsH3ukzUECbB6iWrSQtsQuRHJID6lWV5tW0CaoN8tU2KBhDB1EsBlUM1BIMzXLQE4EqNfW6lkBJGgwOZVfFkzW8iSV0kh4=",
      "stop 0",
      "start 1 redacted_thinking",
      "stop 1",
      "start 2 text",
      "delta 2 text_delta 27 × 453 = **12,231**.",
      "stop 2",
      "message_delta end_turn",
      "message_stop",
    ]);
    expect(events[2].content_block).toEqual({ type: "thinking", thinking: "", signature: "" });
    expect(events[7].content_block.data).toStartWith("EmwKAhgB");
    // Usage came with the finish chunk: the message ends there, not at end().
    expect(outline(perChunk.at(-1)!.map((e) => e.data))).toEqual(["stop 2", "message_delta end_turn", "message_stop"]);
  });

  test("reasoning then text, cut by length: max_tokens", () => {
    const { events } = encode(chatChunks("openrouter-reasoning-length"));
    expect(outline(events)).toEqual([
      "message_start",
      "ping",
      "start 0 thinking",
      "delta 0 thinking_delta Let me think",
      "delta 0 thinking_delta  step by step.",
      "stop 0",
      "start 1 text",
      "delta 1 text_delta The answer",
      "delta 1 text_delta  is",
      "stop 1",
      "message_delta max_tokens",
      "message_stop",
    ]);
  });

  test("a stream without finish_reason or usage is closed by end()", () => {
    const { atEnd, events } = encode([chunk({ role: "assistant", content: "Hi" })]);
    expect(outline(atEnd.map((e) => e.data))).toEqual(["stop 0", "message_delta end_turn", "message_stop"]);
    expect(events.at(-2).usage.output_tokens).toBe(0);
  });

  test("an empty stream still yields a well-formed message", () => {
    const { events } = encode([]);
    expect(outline(events)).toEqual(["message_start", "ping", "message_delta end_turn", "message_stop"]);
    expect(events[0].message.id).toMatch(/^msg_/);
  });

  test("a late argument piece for an earlier tool call keeps that call's index", () => {
    const { events } = encode([
      chunk({ tool_calls: [{ index: 0, id: "a", function: { name: "f", arguments: "{" } }] }),
      chunk({ tool_calls: [{ index: 1, id: "b", function: { name: "g", arguments: "{}" } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: "}" } }] }),
      chunk({}, "tool_calls"),
    ]);
    expect(outline(events)).toEqual([
      "message_start",
      "ping",
      "start 0 tool_use a f",
      "delta 0 input_json_delta {",
      "stop 0",
      "start 1 tool_use b g",
      "delta 1 input_json_delta {}",
      "delta 0 input_json_delta }",
      "stop 1",
      "message_delta tool_use",
      "message_stop",
    ]);
  });

  test("a reported stop sequence → stop_sequence", () => {
    const finish = chunk({}, "stop");
    (finish.choices[0] as any).stop_reason = "END";
    const { events } = encode([chunk({ content: "x" }), finish]);
    expect(events.at(-2).delta).toEqual({ stop_reason: "stop_sequence", stop_sequence: "END" });
  });

  test("chunks after the message ended are ignored", () => {
    const enc = createAnthropicStreamEncoder();
    enc.chunk(chunk({ content: "a" }, "stop", { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }));
    expect(enc.chunk(chunk({ content: "b" }))).toEqual([]);
    expect(enc.end()).toEqual([]);
  });

  test("error → an Anthropic error event with the type for its status", () => {
    const enc = createAnthropicStreamEncoder();
    enc.chunk(chunk({ content: "a" }));
    const [ev] = sseEvents(enc.error(new BifrostError({ status: 529, message: "Overloaded" })));
    expect(ev).toEqual({ event: "error", data: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } });
    expect(enc.end()).toEqual([]);
  });

  test("contentType is SSE", () => {
    expect(createAnthropicStreamEncoder().contentType).toBe("text/event-stream");
  });
});
