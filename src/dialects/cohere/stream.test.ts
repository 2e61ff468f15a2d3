import { describe, expect, test } from "bun:test";
import { createCohereStreamDecoder } from "../../providers/cohere/stream";
import type { ChatChunk } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import { chatChunks, sseEvents } from "./__fixtures__";
import { canonicalChunk } from "../../../tests/support/dialect-fixtures";
import { createCohereStreamEncoder } from "./stream";

/** Every chunk's events, then end()'s; each event must carry its name as data.type, as Cohere's do. */
function encode(chunks: ChatChunk[]) {
  const enc = createCohereStreamEncoder();
  const perChunk = chunks.map((c) => sseEvents(enc.chunk(c)));
  const atEnd = sseEvents(enc.end());
  const all = [...perChunk.flat(), ...atEnd];
  for (const e of all) expect(e.event).toBe(e.data.type);
  return { perChunk, atEnd, events: all.map((e) => e.data) };
}

/** A compact view: event type, index and the payload that matters. */
const outline = (events: any[]) =>
  events.map((e) => {
    const m = e.delta?.message;
    switch (e.type) {
      case "content-start":
        return `content-start ${e.index} ${m.content.type}`;
      case "content-delta":
        return `content-delta ${e.index} ${m.content.text ?? `thinking:${m.content.thinking}`}`;
      case "tool-call-start":
        return `tool-call-start ${e.index} ${m.tool_calls.id} ${m.tool_calls.function.name}`;
      case "tool-call-delta":
        return `tool-call-delta ${e.index} ${m.tool_calls.function.arguments}`;
      case "content-end":
      case "tool-call-end":
        return `${e.type} ${e.index}`;
      case "message-end":
        return `message-end ${e.delta.finish_reason}`;
      default:
        return e.type;
    }
  });

const chunk = canonicalChunk;

describe("canonical chunks → cohere SSE", () => {
  test("text, with usage arriving in a chunk after finish_reason", () => {
    const { perChunk, atEnd, events } = encode(chatChunks("openai-text"));
    expect(events[0]).toEqual({
      id: "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
      type: "message-start",
      delta: { message: { role: "assistant", content: [], tool_plan: "", tool_calls: [], citations: [] } },
    });
    expect(outline(events)).toEqual([
      "message-start",
      "content-start 0 text",
      "content-delta 0 Hello",
      "content-delta 0  there",
      "content-delta 0 , café ☕!",
      "content-end 0",
      "message-end COMPLETE",
    ]);
    // The finish chunk closes the block; message-end waits for the usage chunk.
    expect(outline(perChunk[4]!.map((e) => e.data))).toEqual(["content-end 0"]);
    expect(outline(perChunk[5]!.map((e) => e.data))).toEqual(["message-end COMPLETE"]);
    expect(atEnd).toEqual([]);
    expect(events.at(-1)).toEqual({
      type: "message-end",
      delta: { finish_reason: "COMPLETE", usage: { billed_units: { input_tokens: 19, output_tokens: 4 }, tokens: { input_tokens: 19, output_tokens: 4 }, cached_tokens: 16 } },
    });
  });

  test("text then a tool call: the text block closes, the call streams, usage on the finish chunk ends at once", () => {
    const { perChunk, events } = encode(chatChunks("openai-tool-call"));
    expect(outline(events)).toEqual([
      "message-start",
      "content-start 0 text",
      "content-delta 0 Let me",
      "content-delta 0  check.",
      "content-end 0",
      "tool-call-start 0 call_weather_1 get_weather",
      'tool-call-delta 0 {"location":',
      'tool-call-delta 0  "Toronto"}',
      "tool-call-end 0",
      "message-end TOOL_CALL",
    ]);
    expect(outline(perChunk.at(-1)!.map((e) => e.data))).toEqual(["tool-call-end 0", "message-end TOOL_CALL"]);
  });

  test("parallel calls with interleaved pieces: each piece goes to its own call index", () => {
    const { events } = encode(chatChunks("openai-parallel-tool-calls"));
    expect(outline(events)).toEqual([
      "message-start",
      "tool-call-start 0 call_madrid get_weather",
      'tool-call-delta 0 {"location":"Mad',
      "tool-call-end 0",
      "tool-call-start 1 call_brasilia get_weather",
      'tool-call-delta 1 {"location":',
      "tool-call-end 1",
      'tool-call-delta 0 rid"}',
      "tool-call-end 0",
      'tool-call-delta 1 "Brasilia"}',
      "tool-call-end 1",
      "message-end TOOL_CALL",
    ]);
    const args = new Map<number, string>();
    for (const e of events) if (e.type === "tool-call-delta") args.set(e.index, (args.get(e.index) ?? "") + e.delta.message.tool_calls.function.arguments);
    expect([JSON.parse(args.get(0)!), JSON.parse(args.get(1)!)]).toEqual([{ location: "Madrid" }, { location: "Brasilia" }]);
  });

  test("reasoning is a thinking block, then text in its own block; length is MAX_TOKENS", () => {
    expect(outline(encode(chatChunks("openai-reasoning-length")).events)).toEqual([
      "message-start",
      "content-start 0 thinking",
      "content-delta 0 thinking:Let me think",
      "content-delta 0 thinking: step by step.",
      "content-end 0",
      "content-start 1 text",
      "content-delta 1 The answer",
      "content-delta 1  is",
      "content-end 1",
      "message-end MAX_TOKENS",
    ]);
  });

  test("an upstream that never sends usage: end() closes with message-end and zero usage", () => {
    const { atEnd } = encode([chunk({ role: "assistant", content: "Hi" }), chunk({}, "stop")]);
    expect(atEnd.map((e) => e.data)).toEqual([
      { type: "message-end", delta: { finish_reason: "COMPLETE", usage: { billed_units: { input_tokens: 0, output_tokens: 0 }, tokens: { input_tokens: 0, output_tokens: 0 } } } },
    ]);
  });

  test("an empty stream still starts and ends", () => {
    expect(outline(encode([]).events)).toEqual(["message-start", "message-end COMPLETE"]);
  });

  test("an error: message-end with ERROR and the message, then nothing more", () => {
    const enc = createCohereStreamEncoder();
    enc.chunk(chunk({ role: "assistant", content: "Hi" }));
    expect(sseEvents(enc.error(new BifrostError({ status: 529, message: "upstream overloaded" }))).map((e) => e.data)).toEqual([
      { type: "message-end", delta: { error: "upstream overloaded", finish_reason: "ERROR" } },
    ]);
    expect(enc.chunk(chunk({ content: "late" }))).toEqual([]);
    expect(enc.end()).toEqual([]);
  });

  test("content-type is text/event-stream and every frame is one `event:` + `data:` event", () => {
    const enc = createCohereStreamEncoder();
    expect(enc.contentType).toBe("text/event-stream");
    const [f] = enc.chunk(chunk({ content: "x" }));
    expect(f).toMatch(/^event: message-start\ndata: \{.*\}\n\n$/);
  });
});

/** A run of tool-plan-delta events becomes one text block: once canonical, the plan is the turn's text. */
function planAsTextBlock(types: string[]): string[] {
  const out: string[] = [];
  types.forEach((t, i) => {
    if (t !== "tool-plan-delta") return void out.push(t);
    if (types[i - 1] !== "tool-plan-delta") out.push("content-start");
    out.push("content-delta");
    if (types[i + 1] !== "tool-plan-delta") out.push("content-end");
  });
  return out;
}

describe("round trip through the Cohere adapter", () => {
  const cohereFixture = (name: string) => Bun.file(new URL(`../../providers/cohere/__fixtures__/${name}`, import.meta.url)).text();

  test.each(["text.chunks.txt", "tool-call.chunks.txt", "parallel-tool-calls.chunks.txt", "thinking.chunks.txt", "citations.chunks.txt"])(
    "%s decoded then re-encoded gives Cohere's event sequence and the same message-end",
    async (name) => {
      const wire = await cohereFixture(name);
      const decoder = createCohereStreamDecoder({ provider: "cohere", model: "command-a-03-2025", baseUrl: "", apiKey: "", extraHeaders: {} });
      const { events } = encode([...decoder.push(wire), ...decoder.end()]);
      // Citations have no chat-completions equivalent, so they cannot come back.
      const original = (wire.match(/^event: (.+)$/gm) ?? []).map((l) => l.slice(7)).filter((t) => !t.startsWith("citation-"));
      expect(events.map((e) => e.type)).toEqual(planAsTextBlock(original));
      const originalEnd = JSON.parse(wire.split("event: message-end\ndata: ")[1]!.split("\n")[0]!);
      expect(events.at(-1).delta).toEqual(originalEnd.delta);
    },
  );
});
