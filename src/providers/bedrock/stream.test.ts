import { describe, expect, test } from "bun:test";
import type { ChatChunk } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import { encodeEvent, encodeMessage } from "./eventstream";
import { createBedrockStreamDecoder } from "./stream";
import { concatBytes, fixtureJson, fixtureStream, ID, MODEL, newId, now, NOW_MS, target } from "./__fixtures__";

interface Run {
  chunks: ChatChunk[];
  error?: unknown;
  done: boolean;
}

function run(pieces: Iterable<Uint8Array>): Run {
  const decoder = createBedrockStreamDecoder(target(), now, newId);
  const chunks: ChatChunk[] = [];
  try {
    for (const piece of pieces) chunks.push(...decoder.push(piece));
    chunks.push(...decoder.end());
  } catch (error) {
    return { chunks, error, done: decoder.done };
  }
  return { chunks, done: decoder.done };
}

/** Deterministic pseudo-random piece sizes (1–64 bytes). */
function randomPieces(bytes: Uint8Array, seed: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let s = seed;
  for (let i = 0; i < bytes.length; ) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const n = 1 + (s % 64);
    out.push(bytes.subarray(i, i + n));
    i += n;
  }
  return out;
}

/** Every way the bytes are cut: whole, byte by byte, in two at every offset (inside preludes, headers, payloads, CRCs), random. */
function* splits(bytes: Uint8Array): Generator<[string, Uint8Array[]]> {
  yield ["whole", [bytes]];
  yield ["one byte at a time", Array.from(bytes, (b) => Uint8Array.of(b))];
  for (let i = 1; i < bytes.length; i++) yield [`split at ${i}`, [bytes.subarray(0, i), bytes.subarray(i)]];
  for (let seed = 1; seed <= 25; seed++) yield [`random seed ${seed}`, randomPieces(bytes, seed)];
}

function expectSameForEverySplit(name: string, expected: ChatChunk[]) {
  let count = 0;
  for (const [split, pieces] of splits(fixtureStream(name))) {
    const r = run(pieces);
    // The label rides along so a failing diff names the split.
    expect({ split, ...r }).toEqual({ split, chunks: expected, done: true });
    count++;
  }
  expect(count).toBeGreaterThan(500);
}

const created = NOW_MS / 1000;
const c = (delta: ChatChunk["choices"][0]["delta"], finish: ChatChunk["choices"][0]["finish_reason"] = null): ChatChunk => ({
  id: ID,
  object: "chat.completion.chunk",
  created,
  model: MODEL,
  choices: [{ index: 0, delta, finish_reason: finish }],
});
const usageChunk = (usage: ChatChunk["usage"]): ChatChunk => ({ id: ID, object: "chat.completion.chunk", created, model: MODEL, choices: [], usage });

function argumentsByIndex(chunks: ChatChunk[]): Map<number, string> {
  const args = new Map<number, string>();
  for (const ch of chunks) for (const t of ch.choices[0]?.delta.tool_calls ?? []) args.set(t.index, (args.get(t.index) ?? "") + (t.function?.arguments ?? ""));
  return args;
}

describe("text stream", () => {
  const expected = [
    c({ role: "assistant", content: "" }),
    c({ content: "Bonjour" }),
    c({ content: ", café ☕ 🇫🇷!\nSecond line." }),
    c({}, "stop"),
    usageChunk({ prompt_tokens: 25, completion_tokens: 15, total_tokens: 40, prompt_tokens_details: { cached_tokens: 0 } }),
  ];

  test("messageStart → role, text deltas → content, messageStop → finish_reason, metadata → a usage chunk with no choices", () => {
    expect(run([fixtureStream("text.events.txt")])).toEqual({ chunks: expected, done: true });
  });

  test("yields the same chunks for every split of the bytes", () => {
    expectSameForEverySplit("text.events.txt", expected);
  });
});

describe("tool call stream", () => {
  const argDelta = (s: string) => c({ tool_calls: [{ index: 0, function: { arguments: s } }] });
  const expected = [
    c({ role: "assistant", content: "" }),
    c({ content: "Okay" }),
    c({ content: ", let's check the weather." }),
    c({ tool_calls: [{ index: 0, id: "tooluse_T1x1fJ34qAmk2tNTrN7Up6", type: "function", function: { name: "get_weather", arguments: "" } }] }),
    ...['{"location":', ' "San', " Francisc", 'o, CA", "unit": "fah', 'renheit"}'].map(argDelta),
    c({}, "tool_calls"),
    usageChunk({ prompt_tokens: 472, completion_tokens: 89, total_tokens: 561, prompt_tokens_details: { cached_tokens: 0 } }),
  ];

  test("contentBlockStart with toolUse starts tool call 0 (not content block 1); input streams as argument deltas", () => {
    expect(run([fixtureStream("tool-call.events.txt")]).chunks).toEqual(expected);
  });

  test("concatenated argument deltas parse as the original JSON", () => {
    const args = argumentsByIndex(run([fixtureStream("tool-call.events.txt")]).chunks);
    expect(JSON.parse(args.get(0)!)).toEqual({ location: "San Francisco, CA", unit: "fahrenheit" });
  });

  test("yields the same chunks for every split", () => {
    expectSameForEverySplit("tool-call.events.txt", expected);
  });
});

describe("parallel tool calls stream", () => {
  const bytes = fixtureStream("parallel-tool-calls.events.txt");

  test("tool calls get running indexes 0 and 1 with their ids and names", () => {
    const starts = run([bytes]).chunks.flatMap((ch) => ch.choices[0]?.delta.tool_calls ?? []).filter((t) => t.id);
    expect(starts).toEqual([
      { index: 0, id: "tooluse_Ph3aSCVxmDZJy1b4tZbTQx", type: "function", function: { name: "get_weather", arguments: "" } },
      { index: 1, id: "tooluse_V1kT2gRvXqsP8nYcX9aF3L", type: "function", function: { name: "get_time", arguments: "" } },
    ]);
  });

  test("each tool's concatenated arguments parse as the same input as the non-stream fixture", () => {
    const inputs = fixtureJson("parallel-tool-calls.json").output.message.content.map((b: any) => b.toolUse.input);
    const args = argumentsByIndex(run([bytes]).chunks);
    expect([JSON.parse(args.get(0)!), JSON.parse(args.get(1)!)]).toEqual(inputs);
  });

  test("yields the same chunks for every split", () => {
    expectSameForEverySplit("parallel-tool-calls.events.txt", run([bytes]).chunks);
  });
});

describe("reasoning stream", () => {
  const expected = [
    c({ role: "assistant", content: "" }),
    c({ reasoning: "27 * 453 = 27 * 400 + 27 * 53" }),
    c({ reasoning: " = 10800 + 1431 = 12231." }),
    c({
      reasoning_details: [
        { type: "reasoning.text", signature: "EqoBCkgIARABGAIiQJ3V0Jx1s2mpVx8OZ3dnZtIcY1p4PO+7B0kQLLxTx4VuEzpoZTsbIqW5lHRC1xUTbr+zI0d9DNhM9w6qkBGvv0cSDDtSxqZfK2ROl6ULuRoMd0Mh8P5qUPnu5K2mIjA=" },
      ],
    }),
    c({ reasoning_details: [{ type: "reasoning.encrypted", data: "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB5URj" }] }),
    c({ content: "27 × 453 = **12,231**." }),
    c({}, "stop"),
    usageChunk({ prompt_tokens: 46, completion_tokens: 190, total_tokens: 236, prompt_tokens_details: { cached_tokens: 0 } }),
  ];

  test("reasoningContent.text → reasoning, signature and redactedContent → reasoning_details", () => {
    expect(run([fixtureStream("reasoning.events.txt")]).chunks).toEqual(expected);
  });

  test("yields the same chunks for every split", () => {
    expectSameForEverySplit("reasoning.events.txt", expected);
  });
});

describe("usage and stop reasons", () => {
  test("cache reads and writes count in prompt_tokens, cached_tokens is the reads, cache_write_tokens the writes; max_tokens → length", () => {
    const { chunks } = run([fixtureStream("cache-usage.events.txt")]);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe("length");
    expect(chunks.at(-1)!.usage).toEqual({ prompt_tokens: 21 + 1920 + 188, completion_tokens: 8, total_tokens: 2137, prompt_tokens_details: { cached_tokens: 1920, cache_write_tokens: 188 } });
  });

  test("guardrail_intervened → content_filter, the blocked message is the content", () => {
    const { chunks } = run([fixtureStream("guardrail.events.txt")]);
    expect(chunks.map((ch) => ch.choices[0]?.delta.content).filter(Boolean)).toEqual(["Sorry, the model cannot answer this question."]);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe("content_filter");
  });

  test.each(["cache-usage", "guardrail"])("%s: yields the same chunks for every split", (name) => {
    expectSameForEverySplit(`${name}.events.txt`, run([fixtureStream(`${name}.events.txt`)]).chunks);
  });
});

describe("chunk invariants", () => {
  test.each(["text", "tool-call", "parallel-tool-calls", "reasoning", "cache-usage", "guardrail"])(
    "%s: shared id/created/model; one choice until the finish chunk; then exactly one usage chunk with no choices",
    (name) => {
      const { chunks } = run([fixtureStream(`${name}.events.txt`)]);
      for (const [i, ch] of chunks.entries()) {
        expect(ch).toMatchObject({ id: ID, object: "chat.completion.chunk", created, model: MODEL });
        const last = i === chunks.length - 1;
        expect(ch.choices).toHaveLength(last ? 0 : 1);
        if (!last) expect(ch.choices[0]!.finish_reason === null).toBe(i < chunks.length - 2);
        expect(ch.usage === undefined).toBe(!last);
      }
    },
  );
});

describe("errors and endings", () => {
  test("a throttlingException frame → BifrostError 429 with the upstream message, after the chunks already decoded — for every split", () => {
    const before = [c({ role: "assistant", content: "" }), c({ content: "Once upon" })];
    for (const [split, pieces] of splits(fixtureStream("exception.events.txt"))) {
      const r = run(pieces);
      expect({ split, chunks: r.chunks, done: r.done }).toEqual({ split, chunks: before, done: false });
      expect(r.error).toBeInstanceOf(BifrostError);
      expect({ split, error: (r.error as BifrostError).toJSON() }).toEqual({
        split,
        error: {
          is_bifrost_error: false,
          status_code: 429,
          error: { type: "rate_limit_error", code: "throttlingException", message: "Too many tokens, please wait before trying again.", param: null },
          extra_fields: { provider: "bedrock" },
        },
      });
    }
  });

  test.each([
    ["validationException", 400],
    ["modelStreamErrorException", 500],
    ["internalServerException", 500],
    ["serviceUnavailableException", 503],
    ["somethingNewException", 502],
  ])("%s → %d", async (type, status) => {
    const { encodeException } = await import("./eventstream");
    const r = run([encodeEvent("messageStart", { role: "assistant" }), encodeException(type, { message: "boom" })]);
    expect(r.error).toMatchObject({ status, code: type, message: "boom", isBifrostError: false });
  });

  test("an unmodeled :message-type error frame → 502 with its :error-message", () => {
    const frame = encodeMessage({
      headers: {
        ":message-type": { type: "string", value: "error" },
        ":error-code": { type: "string", value: "InternalFailure" },
        ":error-message": { type: "string", value: "An internal error occurred" },
      },
      body: new Uint8Array(0),
    });
    expect(run([frame]).error).toMatchObject({ status: 502, code: "InternalFailure", message: "An internal error occurred" });
  });

  test("the upstream closing before messageStop is a 502 — for every split", () => {
    for (const [split, pieces] of splits(fixtureStream("truncated.events.txt"))) {
      const r = run(pieces);
      expect({ split, n: r.chunks.length, done: r.done }).toEqual({ split, n: 2, done: false });
      expect(r.error).toMatchObject({ status: 502, message: "upstream stream ended before messageStop" });
    }
  });

  test("closing inside a frame is a 502 naming the truncation", () => {
    const bytes = fixtureStream("truncated.events.txt");
    expect(run([bytes.subarray(0, bytes.length - 3)]).error).toMatchObject({ status: 502, message: "upstream sent a malformed event stream: the stream ended inside a message" });
  });

  test("a stream that ends after messageStop without metadata is complete, with no usage chunk", () => {
    const frames = [encodeEvent("messageStart", { role: "assistant" }), encodeEvent("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "Hi" } }), encodeEvent("messageStop", { stopReason: "end_turn" })];
    const r = run([concatBytes(frames)]);
    expect(r.error).toBeUndefined();
    expect(r.done).toBe(true);
    expect(r.chunks.at(-1)!.choices[0]!.finish_reason).toBe("stop");
  });

  test("done turns true with metadata, and later frames are ignored", () => {
    const decoder = createBedrockStreamDecoder(target(), now, newId);
    decoder.push(fixtureStream("text.events.txt"));
    expect(decoder.done).toBe(true);
    expect(decoder.push(encodeEvent("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "late" } }))).toEqual([]);
    expect(decoder.end()).toEqual([]);
  });

  test("a bad checksum is a 502 with the provider named, after the chunks of earlier frames", () => {
    const good = encodeEvent("messageStart", { role: "assistant" });
    const bad = encodeEvent("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "x" } });
    bad[bad.length - 1] ^= 0xff;
    const r = run([concatBytes([good, bad])]);
    expect(r.chunks).toEqual([c({ role: "assistant", content: "" })]);
    expect(r.error).toMatchObject({ status: 502, code: "malformed_event_stream", message: "upstream sent a malformed event stream: message checksum mismatch", extra: { provider: "bedrock" } });
  });

  test("a payload that is not JSON is a 502", () => {
    const frame = encodeMessage({
      headers: { ":message-type": { type: "string", value: "event" }, ":event-type": { type: "string", value: "contentBlockDelta" } },
      body: new TextEncoder().encode("{not json"),
    });
    expect(run([frame]).error).toMatchObject({ status: 502, message: "upstream sent a malformed event stream: an event payload is not JSON" });
  });

  test("unknown event types and contentBlockStart without toolUse are ignored", () => {
    const extra = [encodeEvent("futureEvent", { x: 1 }), encodeEvent("contentBlockStart", { contentBlockIndex: 9, start: {} })];
    const base = run([fixtureStream("text.events.txt")]).chunks;
    expect(run([concatBytes([...extra, fixtureStream("text.events.txt")])]).chunks).toEqual(base);
  });

  test("the decoder says it is binary", () => {
    expect(createBedrockStreamDecoder(target()).binary).toBe(true);
  });
});
