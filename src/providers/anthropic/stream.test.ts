import { describe, expect, test } from "bun:test";
import type { ChatChunk } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import { createAnthropicStreamDecoder } from "./stream";
import { fixtureJson, fixtureText, now, NOW_MS, target } from "./__fixtures__";
import { decodePieces, expectSameForEverySplit as expectSameSplits, lines, splits, type DecodeRun } from "../../../tests/support/stream-splits";

const run = (pieces: Iterable<string>): DecodeRun => decodePieces(createAnthropicStreamDecoder(target(), now), pieces);

/** Asserts every split of the transcript yields exactly `expected` and then a clean end. */
const expectSameForEverySplit = (name: string, expected: ChatChunk[]) => expectSameSplits(fixtureText(name), run, expected, 1000);

const created = NOW_MS / 1000;
const make = (id: string) => (delta: ChatChunk["choices"][0]["delta"], extra: Partial<ChatChunk> = {}, finish: ChatChunk["choices"][0]["finish_reason"] = null): ChatChunk => ({
  id,
  object: "chat.completion.chunk",
  created,
  model: "claude-sonnet-4-5-20250929",
  choices: [{ index: 0, delta, finish_reason: finish }],
  ...extra,
});

/** Tool-call argument deltas concatenated per tool index. */
function argumentsByIndex(chunks: ChatChunk[]): Map<number, string> {
  const args = new Map<number, string>();
  for (const c of chunks) for (const t of c.choices[0]!.delta.tool_calls ?? []) args.set(t.index, (args.get(t.index) ?? "") + (t.function?.arguments ?? ""));
  return args;
}

describe("text stream", () => {
  const c = make("msg_01TextStream9xJ2kQpL4");
  const expected = [
    c({ role: "assistant", content: "" }),
    c({ content: "Bonjour" }),
    c({ content: ", café ☕ 🇫🇷!\nSecond line." }),
    c({}, { usage: { prompt_tokens: 25, completion_tokens: 15, total_tokens: 40, prompt_tokens_details: { cached_tokens: 0 } } }, "stop"),
  ];

  test("decodes to role, content deltas, then finish_reason with usage", () => {
    expect(run([fixtureText("text.chunks.txt")])).toEqual({ chunks: expected, done: true });
  });

  test("yields the same chunks for every split, LF and CRLF, including mid-line, mid-\\r\\n and mid-character", () => {
    expectSameForEverySplit("text.chunks.txt", expected);
  });
});

describe("tool call stream", () => {
  const c = make("msg_014p7gG3wDgGV9EUtLvnow3U");
  const argDelta = (s: string) => c({ tool_calls: [{ index: 0, function: { arguments: s } }] });
  const expected = [
    c({ role: "assistant", content: "" }),
    c({ content: "Okay" }),
    c({ content: ", let's check the weather." }),
    c({ tool_calls: [{ index: 0, id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", type: "function", function: { name: "get_weather", arguments: "" } }] }),
    ...['{"location":', ' "San', " Francisc", "o,", ' CA"', ", ", '"unit": "fah', 'renheit"}'].map(argDelta),
    c({}, { usage: { prompt_tokens: 472, completion_tokens: 89, total_tokens: 561, prompt_tokens_details: { cached_tokens: 0 } } }, "tool_calls"),
  ];

  test("tool_use starts a tool call at index 0 (not the content block index 1), arguments stream as deltas", () => {
    expect(run([fixtureText("tool-call.chunks.txt")]).chunks).toEqual(expected);
  });

  test("concatenated argument deltas parse as the original JSON", () => {
    const args = argumentsByIndex(run(lines(fixtureText("tool-call.chunks.txt"))).chunks);
    expect(JSON.parse(args.get(0)!)).toEqual({ location: "San Francisco, CA", unit: "fahrenheit" });
  });

  test("yields the same chunks for every split", () => {
    expectSameForEverySplit("tool-call.chunks.txt", expected);
  });
});

describe("parallel tool calls stream", () => {
  const transcript = fixtureText("parallel-tool-calls.chunks.txt");

  test("tool calls get running indexes 0 and 1 with their ids and names", () => {
    const starts = run([transcript]).chunks.flatMap((c) => c.choices[0]!.delta.tool_calls ?? []).filter((t) => t.id);
    expect(starts).toEqual([
      { index: 0, id: "toolu_01Ph3aSCVxmDZJy1b4tZbTQx", type: "function", function: { name: "get_weather", arguments: "" } },
      { index: 1, id: "toolu_01V1kT2gRvXqsP8nYcX9aF3L", type: "function", function: { name: "get_time", arguments: "" } },
    ]);
  });

  test("each tool's concatenated arguments parse as the same input as the non-stream fixture", () => {
    const inputs = fixtureJson("parallel-tool-calls.json").content.map((b: any) => b.input);
    const args = argumentsByIndex(run([transcript]).chunks);
    expect([JSON.parse(args.get(0)!), JSON.parse(args.get(1)!)]).toEqual(inputs);
  });

  test("the final chunk says tool_calls", () => {
    expect(run([transcript]).chunks.at(-1)!.choices[0]!.finish_reason).toBe("tool_calls");
  });

  test("yields the same chunks for every split", () => {
    expectSameForEverySplit("parallel-tool-calls.chunks.txt", run([transcript]).chunks);
  });
});

describe("thinking stream", () => {
  const c = make("msg_01Thinking8bYq2wVs3nCx");
  const expected = [
    c({ role: "assistant", content: "" }),
    c({ reasoning: "27 * 453 = 27 * 400 + 27 * 53" }),
    c({ reasoning: " = 10800 + 1431 = 12231." }),
    c({
      reasoning_details: [
        { type: "reasoning.text", signature: "EuYBCkQYAiJAgCs1le6/Pol5Z4/JMomVOouGrWdhYNsH3ukzUECbB6iWrSQtsQuRHJID6lWV5tW0CaoN8tU2KBhDB1EsBlUM1BIMzXLQE4EqNfW6lkBJGgwOZVfFkzW8iSV0kh4=" },
      ],
    }),
    c({ reasoning_details: [{ type: "reasoning.encrypted", data: "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB5URj" }] }),
    c({ content: "27 × 453 = **12,231**." }),
    c({}, { usage: { prompt_tokens: 46, completion_tokens: 190, total_tokens: 236, prompt_tokens_details: { cached_tokens: 0 } } }, "stop"),
  ];

  test("thinking_delta → reasoning, signature_delta and redacted_thinking → reasoning_details", () => {
    expect(run([fixtureText("thinking.chunks.txt")]).chunks).toEqual(expected);
  });

  test("yields the same chunks for every split", () => {
    expectSameForEverySplit("thinking.chunks.txt", expected);
  });
});

describe("usage with cache tokens", () => {
  test("prompt_tokens includes cache reads and writes, cached_tokens is the reads, cache_write_tokens the writes; max_tokens → length", () => {
    const last = run([fixtureText("cache-usage.chunks.txt")]).chunks.at(-1)!;
    expect(last.choices[0]!.finish_reason).toBe("length");
    expect(last.usage).toEqual({ prompt_tokens: 21 + 188 + 1920, completion_tokens: 8, total_tokens: 2137, prompt_tokens_details: { cached_tokens: 1920, cache_write_tokens: 188 } });
  });

  test.each([
    ["missing", '{"output_tokens":8}'],
    ["null", '{"input_tokens":null,"cache_creation_input_tokens":null,"cache_read_input_tokens":null,"output_tokens":8}'],
  ])("input counts %s in message_delta come from message_start", (_, usage) => {
    const original = fixtureText("cache-usage.chunks.txt");
    const transcript = original.replace('"usage":{"input_tokens":21,"cache_creation_input_tokens":188,"cache_read_input_tokens":1920,"output_tokens":8}', `"usage":${usage}`);
    expect(transcript).not.toBe(original);
    expect(run([transcript]).chunks.at(-1)!.usage).toEqual({ prompt_tokens: 2129, completion_tokens: 8, total_tokens: 2137, prompt_tokens_details: { cached_tokens: 1920, cache_write_tokens: 188 } });
  });

  test("yields the same chunks for every split", () => {
    expectSameForEverySplit("cache-usage.chunks.txt", run([fixtureText("cache-usage.chunks.txt")]).chunks);
  });
});

describe("chunk invariants", () => {
  test.each(["text", "tool-call", "parallel-tool-calls", "thinking", "cache-usage"])("%s: shared id/created/model, one choice at index 0, finish_reason only on the last", (name) => {
    const { chunks } = run([fixtureText(`${name}.chunks.txt`)]);
    const first = chunks[0]!;
    for (const [i, c] of chunks.entries()) {
      expect(c).toMatchObject({ id: first.id, object: "chat.completion.chunk", created: first.created, model: first.model });
      expect(c.choices).toHaveLength(1);
      expect(c.choices[0]!.index).toBe(0);
      expect(c.choices[0]!.finish_reason === null).toBe(i < chunks.length - 1);
      expect(c.usage === undefined).toBe(i < chunks.length - 1);
    }
  });
});

describe("errors and endings", () => {
  test("event: error → BifrostError 529 for overloaded_error, upstream message, after the chunks already decoded — for every split", () => {
    const c = make("msg_01ErrorStream2pLm8Kd");
    const before = [c({ role: "assistant", content: "" }), c({ content: "Once upon" })];
    for (const [split, pieces] of splits(fixtureText("error.chunks.txt"))) {
      const r = run(pieces);
      expect({ split, chunks: r.chunks, done: r.done }).toEqual({ split, chunks: before, done: false });
      expect(r.error).toBeInstanceOf(BifrostError);
      expect((r.error as BifrostError).toJSON()).toEqual({
        is_bifrost_error: false,
        status_code: 529,
        error: { type: "overloaded_error", code: null, message: "Overloaded", param: null },
        extra_fields: { provider: "anthropic" },
      });
    }
  });

  test("an api_error mid-stream is a 500", () => {
    const r = run(['event: error\ndata: {"type":"error","error":{"type":"api_error","message":"Internal server error"}}\n\n']);
    expect(r.error).toMatchObject({ status: 500, type: "api_error", message: "Internal server error", isBifrostError: false });
  });

  test("the upstream closing before message_stop is a 502 — for every split", () => {
    for (const [split, pieces] of splits(fixtureText("truncated.chunks.txt"))) {
      const r = run(pieces);
      expect({ split, n: r.chunks.length, done: r.done }).toEqual({ split, n: 2, done: false });
      expect(r.error).toMatchObject({ status: 502, message: "upstream stream ended before message_stop" });
    }
  });

  test("done is true as soon as message_stop arrives, and later events are ignored", () => {
    const decoder = createAnthropicStreamDecoder(target(), now);
    decoder.push(fixtureText("text.chunks.txt"));
    expect(decoder.done).toBe(true);
    expect(decoder.push('event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"late"}}\n\n')).toEqual([]);
    expect(decoder.end()).toEqual([]);
  });

  test("a final message_stop without a trailing blank line still ends the stream cleanly", () => {
    const r = run([fixtureText("text.chunks.txt").trimEnd()]);
    expect(r.error).toBeUndefined();
    expect(r.done).toBe(true);
  });

  test("malformed JSON in an event is a 502", () => {
    const r = run(["event: message_start\ndata: {not json\n\n"]);
    expect(r.error).toMatchObject({ status: 502, message: "upstream sent a malformed stream event" });
  });

  test("a message_start without its message is a 502, not a crash", () => {
    expect(run(['data: {"type":"message_start"}\n\n']).error).toMatchObject({ status: 502 });
  });

  test("SSE comments and unknown event types are ignored", () => {
    const extra = ': keep-alive\n\nevent: future_event\ndata: {"type":"future_event","x":1}\n\n';
    const base = run([fixtureText("text.chunks.txt")]).chunks;
    expect(run([extra + fixtureText("text.chunks.txt")]).chunks).toEqual(base);
  });

  test("server-tool input deltas are not mistaken for function tool calls", () => {
    const t = fixtureText("text.chunks.txt").replace(
      "event: content_block_start",
      'event: content_block_start\ndata: {"type":"content_block_start","index":5,"content_block":{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{}}}\n\n' +
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":5,"delta":{"type":"input_json_delta","partial_json":"{\\"query\\": \\"x\\"}"}}\n\n' +
        "event: content_block_start",
    );
    expect(run([t]).chunks.some((c) => c.choices[0]!.delta.tool_calls)).toBe(false);
  });
});
