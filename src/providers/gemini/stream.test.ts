import { describe, expect, test } from "bun:test";
import type { ChatChunk } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import { createGeminiStreamDecoder } from "./stream";
import { fromGeminiResponse } from "./response";
import { fixtureJson, fixtureText, now, NOW_MS, splits, target } from "./__fixtures__";
import { decodePieces, expectSameForEverySplit as expectSameSplits, type DecodeRun } from "../../../tests/support/stream-splits";

const run = (pieces: Iterable<string>): DecodeRun => decodePieces(createGeminiStreamDecoder(target(), now), pieces);

/** Asserts every split of the transcript yields exactly `expected` and then a clean end. */
const expectSameForEverySplit = (name: string, expected: ChatChunk[]) => expectSameSplits(fixtureText(name), run, expected, 500);

const created = NOW_MS / 1000;
type Finish = ChatChunk["choices"][0]["finish_reason"];
const make =
  (id: string, model: string) =>
  (delta: ChatChunk["choices"][0]["delta"], extra: Partial<ChatChunk> = {}, finish: Finish = null): ChatChunk => ({
    id,
    object: "chat.completion.chunk",
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
    ...extra,
  });

describe("text stream", () => {
  const c = make("Vd3naK_5KoHe7M8P_8PJ6Qo", "gemini-2.0-flash");
  const expected = [
    c({ role: "assistant", content: "" }),
    c({ content: "Bonjour" }),
    c({ content: ", café ☕ 🇫🇷!\nSecond" }),
    c({ content: " line." }),
    c({}, { usage: { prompt_tokens: 6, completion_tokens: 12, total_tokens: 18, prompt_tokens_details: { cached_tokens: 0 } } }, "stop"),
  ];

  test("decodes to role, text deltas, then finish_reason stop with the last event's usage", () => {
    expect(run([fixtureText("text.chunks.txt")])).toEqual({ chunks: expected, done: true });
  });

  test("yields the same chunks for every split, CRLF and LF, including mid-\\r\\n and mid-character", () => {
    expectSameForEverySplit("text.chunks.txt", expected);
  });
});

describe("tool call stream", () => {
  const c = make("Xt7naKPMJ9Hd7M8P6Lfu0Q4", "gemini-2.0-flash");
  const expected = [
    c({ role: "assistant", content: "" }),
    c({ content: "I'll check the weather in Paris" }),
    c({ content: " for you." }),
    c({ tool_calls: [{ index: 0, id: "call_0", type: "function", function: { name: "get_weather", arguments: '{"location":"Paris, France","unit":"celsius"}' } }] }),
    c({}, { usage: { prompt_tokens: 61, completion_tokens: 27, total_tokens: 88, prompt_tokens_details: { cached_tokens: 0 } } }, "tool_calls"),
  ];

  test("a whole functionCall becomes one tool_calls delta with index, id, name and all arguments; STOP → tool_calls", () => {
    expect(run([fixtureText("tool-call.chunks.txt")]).chunks).toEqual(expected);
  });

  test("the streamed call equals the non-stream call for the same answer", () => {
    const streamed = run([fixtureText("tool-call.chunks.txt")]).chunks.flatMap((x) => x.choices[0]!.delta.tool_calls ?? []);
    const whole = fromGeminiResponse(fixtureJson("tool-call.json"), target(), now).choices[0]!.message.tool_calls!;
    expect(streamed.map(({ id, function: f }) => ({ id, type: "function", function: f }))).toEqual(whole as any[]);
  });

  test("yields the same chunks for every split", () => {
    expectSameForEverySplit("tool-call.chunks.txt", expected);
  });
});

describe("parallel tool calls stream", () => {
  const c = make("mtHnaM2lKoPe7M8Pq9PYkAg", "gemini-3-pro-preview");
  const expected = [
    c({ role: "assistant", content: "" }),
    c({
      tool_calls: [{ index: 0, id: "call_0", type: "function", function: { name: "get_weather", arguments: '{"location":"Paris"}' } }],
      reasoning_details: [{ type: "gemini.thought_signature", signature: "CiQB0e2Kb7RqbnZ2S0V3U1h6c3ZQa0hB", id: "call_0" } as any],
    }),
    c({ tool_calls: [{ index: 1, id: "call_1", type: "function", function: { name: "get_time", arguments: '{"timezone":"Europe/Paris"}' } }] }),
    c(
      {},
      { usage: { prompt_tokens: 88, completion_tokens: 127, total_tokens: 215, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 93 } } },
      "tool_calls",
    ),
  ];

  test("tool calls get running indexes and ids; the thought signature rides with its call", () => {
    expect(run([fixtureText("parallel-tool-calls.chunks.txt")]).chunks).toEqual(expected);
  });

  test("yields the same chunks for every split", () => {
    expectSameForEverySplit("parallel-tool-calls.chunks.txt", expected);
  });
});

describe("thinking stream", () => {
  const c = make("ntbnaIn1E9Pb7M8Py_GH0Ag", "gemini-2.5-flash");
  const expected = [
    c({ role: "assistant", content: "" }),
    c({ reasoning: "**Calculating the product**\n\nI split 27 × 453 into 27 × 400 + 27 × 53." }),
    c({ reasoning: " That is 10800 + 1431 = 12231." }),
    c({ content: "27 × 453 = **12,231**." }),
    c({ reasoning_details: [{ type: "gemini.thought_signature", signature: "Cp4CAdHtim9wXm4xQ2FfR1lqY0t2" } as any] }),
    c(
      {},
      { usage: { prompt_tokens: 11, completion_tokens: 282, total_tokens: 293, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 270 } } },
      "stop",
    ),
  ];

  test("thought parts → reasoning, an empty text part's signature → reasoning_details, thoughts count as completion", () => {
    expect(run([fixtureText("thinking.chunks.txt")]).chunks).toEqual(expected);
  });

  test("yields the same chunks for every split", () => {
    expectSameForEverySplit("thinking.chunks.txt", expected);
  });
});

describe("usage with cached tokens", () => {
  test("cachedContentTokenCount → cached_tokens, prompt_tokens already includes it; MAX_TOKENS → length", () => {
    const last = run([fixtureText("cache-usage.chunks.txt")]).chunks.at(-1)!;
    expect(last.choices[0]!.finish_reason).toBe("length");
    expect(last.usage).toEqual({ prompt_tokens: 2129, completion_tokens: 8, total_tokens: 2137, prompt_tokens_details: { cached_tokens: 1920 } });
  });

  test("yields the same chunks for every split", () => {
    expectSameForEverySplit("cache-usage.chunks.txt", run([fixtureText("cache-usage.chunks.txt")]).chunks);
  });
});

describe("safety", () => {
  test("a blocked prompt streams a refusal and finish content_filter — for every split", () => {
    const c = make("Jt_naOHAFob77M8Pi7XZ6AU", "gemini-2.0-flash");
    expectSameForEverySplit("prompt-blocked.chunks.txt", [
      c({ role: "assistant", content: "" }),
      c({ refusal: "The prompt was blocked by Gemini (PROHIBITED_CONTENT)." }),
      c({}, { usage: { prompt_tokens: 9, completion_tokens: 0, total_tokens: 9, prompt_tokens_details: { cached_tokens: 0 } } }, "content_filter"),
    ]);
  });

  test("a candidate stopped for SAFETY mid-answer ends with content_filter after the text already sent", () => {
    const { chunks, done } = run([fixtureText("safety-finish.chunks.txt")]);
    expect(done).toBe(true);
    expect(chunks.map((x) => x.choices[0]!.delta.content ?? null)).toEqual(["", "Here is a story about", null]);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe("content_filter");
  });
});

describe("chunk invariants", () => {
  test.each(["text", "tool-call", "parallel-tool-calls", "thinking", "cache-usage", "safety-finish", "prompt-blocked"])(
    "%s: shared id/created/model, one choice at index 0, finish_reason and usage only on the last",
    (name) => {
      const { chunks } = run([fixtureText(`${name}.chunks.txt`)]);
      const first = chunks[0]!;
      for (const [i, c] of chunks.entries()) {
        expect(c).toMatchObject({ id: first.id, object: "chat.completion.chunk", created: first.created, model: first.model });
        expect(c.choices).toHaveLength(1);
        expect(c.choices[0]!.index).toBe(0);
        expect(c.choices[0]!.finish_reason === null).toBe(i < chunks.length - 1);
        expect(c.usage === undefined).toBe(i < chunks.length - 1);
      }
    },
  );
});

describe("several candidates (n > 1)", () => {
  const event = (parts: Array<[number, string, string?]>, usage?: object) =>
    `data: ${JSON.stringify({
      candidates: parts.map(([index, text, finishReason]) => ({ content: { parts: [{ text }], role: "model" }, index, ...(finishReason ? { finishReason } : {}) })),
      ...(usage ? { usageMetadata: usage } : {}),
      responseId: "multi",
    })}\r\n\r\n`;

  test("each candidate is its own choice index; usage goes on the finish that ends the last one", () => {
    const { chunks, done } = run([
      event([[0, "A"], [1, "B"]]),
      event([[0, "a", "STOP"], [1, "b"]]),
      event([[1, "!", "MAX_TOKENS"]], { promptTokenCount: 3, candidatesTokenCount: 5, totalTokenCount: 8 }),
    ]);
    expect(done).toBe(true);
    expect(chunks.map((c) => [c.choices[0]!.index, c.choices[0]!.delta.content ?? null, c.choices[0]!.finish_reason, !!c.usage])).toEqual([
      [0, "", null, false],
      [0, "A", null, false],
      [1, "", null, false],
      [1, "B", null, false],
      [0, "a", null, false],
      [0, null, "stop", false],
      [1, "b", null, false],
      [1, "!", null, false],
      [1, null, "length", true],
    ]);
  });
});

describe("errors and endings", () => {
  test("Google's bare error JSON after the 200 → BifrostError with its code and status, after the chunks already decoded — for every split", () => {
    const c = make("Ot_naKDaO4He7M8P1bG1sQk", "gemini-2.0-flash");
    const before = [c({ role: "assistant", content: "" }), c({ content: "Once upon" })];
    for (const [split, pieces] of splits(fixtureText("error.chunks.txt"))) {
      const r = run(pieces);
      expect({ split, chunks: r.chunks, done: r.done }).toEqual({ split, chunks: before, done: false });
      expect(r.error).toBeInstanceOf(BifrostError);
      expect((r.error as BifrostError).toJSON()).toEqual({
        is_bifrost_error: false,
        status_code: 503,
        error: { type: "UNAVAILABLE", code: null, message: "The model is overloaded. Please try again later.", param: null },
        extra_fields: { provider: "gemini" },
      });
    }
  });

  test("the bare error is raised as soon as it is complete, not only at the end", () => {
    const decoder = createGeminiStreamDecoder(target(), now);
    const text = fixtureText("error.chunks.txt");
    const cut = text.indexOf("{\n");
    expect(decoder.push(text.slice(0, cut + 10))).toHaveLength(2);
    expect(() => decoder.push(text.slice(cut + 10))).toThrow(expect.objectContaining({ status: 503 }));
  });

  test("an error as a data: event is read the same — for every split", () => {
    for (const [split, pieces] of splits(fixtureText("error-event.chunks.txt"))) {
      const r = run(pieces);
      expect({ split, n: r.chunks.length }).toEqual({ split, n: 2 });
      expect(r.error).toMatchObject({ status: 500, type: "INTERNAL", message: "Internal error encountered.", isBifrostError: false });
    }
  });

  test("an error event without a usable code is a 502", () => {
    const r = run(['data: {"error":{"message":"boom","status":"INTERNAL"}}\r\n\r\n']);
    expect(r.error).toMatchObject({ status: 502, type: "INTERNAL", message: "boom" });
  });

  test("the upstream closing before a finishReason is a 502 — for every split", () => {
    for (const [split, pieces] of splits(fixtureText("truncated.chunks.txt"))) {
      const r = run(pieces);
      expect({ split, n: r.chunks.length, done: r.done }).toEqual({ split, n: 3, done: false });
      expect(r.error).toMatchObject({ status: 502, message: "upstream stream ended before a finishReason" });
    }
  });

  test("an empty stream is a 502", () => {
    expect(run([]).error).toMatchObject({ status: 502 });
  });

  test("done stays false until the stream closes cleanly after the finishReason; later events are ignored", () => {
    const decoder = createGeminiStreamDecoder(target(), now);
    decoder.push(fixtureText("text.chunks.txt"));
    expect(decoder.done).toBe(false);
    expect(decoder.push('data: {"candidates":[{"content":{"parts":[{"text":"late"}]},"index":0}]}\r\n\r\n')).toEqual([]);
    expect(decoder.end()).toEqual([]);
    expect(decoder.done).toBe(true);
  });

  test("a final event without a trailing blank line still ends the stream cleanly", () => {
    const r = run([fixtureText("text.chunks.txt").trimEnd()]);
    expect(r.error).toBeUndefined();
    expect(r.done).toBe(true);
    expect(r.chunks.at(-1)!.choices[0]!.finish_reason).toBe("stop");
  });

  test("malformed JSON in an event is a 502", () => {
    expect(run(["data: {not json\r\n\r\n"]).error).toMatchObject({ status: 502, message: "upstream sent a malformed stream event" });
  });

  test("an error after good chunks in the same piece: the chunks come out first, the error on the next call", () => {
    const decoder = createGeminiStreamDecoder(target(), now);
    const out = decoder.push(fixtureText("error.chunks.txt"));
    expect(out.map((c) => c.choices[0]!.delta.content)).toEqual(["", "Once upon"]);
    expect(() => decoder.end()).toThrow(expect.objectContaining({ status: 503 }));
  });

  test("SSE comments are ignored", () => {
    const base = run([fixtureText("text.chunks.txt")]).chunks;
    expect(run([": keep-alive\r\n\r\n" + fixtureText("text.chunks.txt")]).chunks).toEqual(base);
  });

  test("without responseId every chunk still shares one generated id, and the target's model is used", () => {
    const transcript = fixtureText("text.chunks.txt").replace(/,"modelVersion":"[^"]+","responseId":"[^"]+"/g, "");
    const { chunks } = run([transcript]);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks[0]!.id).toStartWith("chatcmpl-");
    expect(chunks[0]!.model).toBe("gemini-2.0-flash");
  });
});
