import { describe, expect, test } from "bun:test";
import type { ChatChunk } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import { createGeminiStreamDecoder } from "../../providers/gemini/stream";
import { fixtureText as geminiFixture, target as geminiTarget } from "../../providers/gemini/__fixtures__";
import { genaiStreamEncoder } from "./stream";
import { fixtureJsonLines, fixtureText } from "./__fixtures__";

const openaiChunks = (): ChatChunk[] => fixtureJsonLines("openai-tool-call.chunks.jsonl");

function encode(chunks: ChatChunk[]): string {
  const enc = genaiStreamEncoder();
  return chunks.flatMap((c) => enc.chunk(c)).join("") + enc.end().join("");
}

/** How @google/genai reads a stream: events end at \n\n, \r\r or \r\n\r\n; each is "data:" + one JSON. */
function sdkEvents(body: string): any[] {
  const out: any[] = [];
  let buffer = body;
  for (;;) {
    const hits = ["\n\n", "\r\r", "\r\n\r\n"].map((d) => [buffer.indexOf(d), d.length] as const).filter(([i]) => i !== -1);
    if (!hits.length) break;
    const [at, len] = hits.reduce((a, b) => (b[0] < a[0] ? b : a));
    const ev = buffer.slice(0, at).trim();
    buffer = buffer.slice(at + len);
    if (ev.startsWith("data:")) out.push(JSON.parse(ev.slice(5).trim()));
  }
  expect(buffer.trim()).toBe("");
  return out;
}

/** The encoder's output read back by the Gemini adapter: what a Gemini client would understand. */
function decodeAsGemini(body: string): ChatChunk[] {
  const dec = createGeminiStreamDecoder(geminiTarget(), () => 0);
  return [...dec.push(body), ...dec.end()];
}

const text = (chunks: ChatChunk[]) => chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
const calls = (chunks: ChatChunk[]) => chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []).map((t) => [t.function?.name, JSON.parse(t.function?.arguments ?? "")]);

describe("an OpenAI-style upstream (tool-call arguments in pieces, usage in a chunk of its own)", () => {
  test("matches the recorded GenAI transcript: text events, then ONE event with whole functionCalls, finishReason and usage", () => {
    expect(encode(openaiChunks())).toBe(fixtureText("openai-tool-call.genai.txt"));
  });

  test("the SDK's own framing reads every event; no event carries a partial function call", () => {
    const events = sdkEvents(encode(openaiChunks()));
    expect(events).toHaveLength(3);
    const parts = events.flatMap((e) => e.candidates[0].content.parts);
    expect(parts.filter((p: any) => p.functionCall).map((p: any) => p.functionCall)).toEqual([
      { id: "call_Wz1", name: "get_weather", args: { location: "Paris" } },
      { id: "call_Tm2", name: "get_time", args: { timezone: "Europe/Paris" } },
    ]);
    expect(events.at(-1).usageMetadata).toEqual({ promptTokenCount: 82, candidatesTokenCount: 41, totalTokenCount: 123 });
    expect(events.slice(0, -1).every((e) => !e.usageMetadata && !e.candidates[0].finishReason)).toBe(true);
  });

  test("a Gemini client reads it back as the same answer", () => {
    const back = decodeAsGemini(encode(openaiChunks()));
    expect(text(back)).toBe("Checking both.");
    expect(calls(back)).toEqual([
      ["get_weather", { location: "Paris" }],
      ["get_time", { timezone: "Europe/Paris" }],
    ]);
    expect(back.at(-1)!.choices[0]!.finish_reason).toBe("tool_calls");
    expect(back.at(-1)!.usage!.total_tokens).toBe(123);
  });

  test("without a usage chunk, the held finish event goes out at end()", () => {
    const chunks = openaiChunks().slice(0, -1);
    const enc = genaiStreamEncoder();
    const before = chunks.flatMap((c) => enc.chunk(c));
    expect(before.join("")).not.toContain("finishReason");
    const last = sdkEvents(enc.end().join(""));
    expect(last).toHaveLength(1);
    expect(last[0].candidates[0].finishReason).toBe("STOP");
    expect(last[0]).not.toHaveProperty("usageMetadata");
  });
});

describe("a Gemini upstream through the gateway and back out as GenAI", () => {
  const roundTrip = (name: string) => {
    const dec = createGeminiStreamDecoder(geminiTarget(), () => 0);
    const canonical = [...dec.push(geminiFixture(name)), ...dec.end()];
    return { canonical, events: sdkEvents(encode(canonical)) };
  };

  test("text: same text in order, finish STOP and the upstream usage on the last event", () => {
    const { events } = roundTrip("text.chunks.txt");
    expect(events.flatMap((e) => e.candidates[0].content.parts.map((p: any) => p.text)).join("")).toBe("Bonjour, café ☕ 🇫🇷!\nSecond line.");
    expect(events.at(-1).candidates[0].finishReason).toBe("STOP");
    expect(events.at(-1).usageMetadata).toEqual({ promptTokenCount: 6, candidatesTokenCount: 12, totalTokenCount: 18 });
    expect(events.every((e) => e.responseId === "Vd3naK_5KoHe7M8P_8PJ6Qo" && e.modelVersion === "gemini-2.0-flash")).toBe(true);
  });

  test("thinking: thought parts stay thoughts, thoughtsTokenCount survives", () => {
    const { events } = roundTrip("thinking.chunks.txt");
    const parts = events.flatMap((e) => e.candidates[0].content.parts);
    expect(parts.filter((p: any) => p.thought).map((p: any) => p.text).join("")).toBe(
      "**Calculating the product**\n\nI split 27 × 453 into 27 × 400 + 27 × 53. That is 10800 + 1431 = 12231.",
    );
    expect(events.at(-1).usageMetadata).toEqual({ promptTokenCount: 11, candidatesTokenCount: 12, totalTokenCount: 293, thoughtsTokenCount: 270 });
  });

  test("thinking: the text's thought signature comes back on an empty text part, as Gemini sent it", () => {
    const { events } = roundTrip("thinking.chunks.txt");
    expect(events.flatMap((e) => e.candidates[0].content.parts).filter((p: any) => p.thoughtSignature)).toEqual([{ text: "", thoughtSignature: "Cp4CAdHtim9wXm4xQ2FfR1lqY0t2" }]);
  });

  test("parallel calls: the thought signature returns on its functionCall", () => {
    const { events } = roundTrip("parallel-tool-calls.chunks.txt");
    expect(events.flatMap((e) => e.candidates[0].content.parts)).toEqual([
      { functionCall: { id: "call_0", name: "get_weather", args: { location: "Paris" } }, thoughtSignature: "CiQB0e2Kb7RqbnZ2S0V3U1h6c3ZQa0hB" },
      { functionCall: { id: "call_1", name: "get_time", args: { timezone: "Europe/Paris" } } },
    ]);
  });

  test("MAX_TOKENS and cached tokens survive", () => {
    const { events } = roundTrip("cache-usage.chunks.txt");
    expect(events.at(-1).candidates[0].finishReason).toBe("MAX_TOKENS");
    expect(events.at(-1).usageMetadata.cachedContentTokenCount).toBe(1920);
  });
});

describe("framing and edges", () => {
  const chunk = (choices: ChatChunk["choices"], extra: Partial<ChatChunk> = {}): ChatChunk => ({ id: "id1", object: "chat.completion.chunk", created: 0, model: "m", choices, ...extra });

  test("text/event-stream; every frame is one data: line ending in \\r\\n\\r\\n", () => {
    const enc = genaiStreamEncoder();
    expect(enc.contentType).toBe("text/event-stream");
    const frames = enc.chunk(chunk([{ index: 0, delta: { content: "a\nb" }, finish_reason: null }]));
    expect(frames).toEqual(['data: {"candidates":[{"content":{"role":"model","parts":[{"text":"a\\nb"}]},"index":0}],"modelVersion":"m","responseId":"id1"}\r\n\r\n']);
  });

  test("role-only and empty deltas send nothing", () => {
    const enc = genaiStreamEncoder();
    expect(enc.chunk(chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]))).toEqual([]);
    expect(enc.end()).toEqual([]);
  });

  test("several choices become candidates with their own index; calls are buffered per choice", () => {
    const enc = genaiStreamEncoder();
    const out = [
      ...enc.chunk(chunk([{ index: 0, delta: { content: "A" }, finish_reason: null }, { index: 1, delta: { tool_calls: [{ index: 0, id: "c1", function: { name: "f", arguments: '{"x":' } }] }, finish_reason: null }])),
      ...enc.chunk(chunk([{ index: 1, delta: { tool_calls: [{ index: 0, function: { arguments: "1}" } }] }, finish_reason: "tool_calls" }, { index: 0, delta: {}, finish_reason: "length" }], { usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } })),
    ];
    const events = sdkEvents(out.join(""));
    expect(events[0].candidates).toEqual([{ content: { role: "model", parts: [{ text: "A" }] }, index: 0 }]);
    expect(events[1].candidates).toEqual([
      { content: { role: "model", parts: [{ functionCall: { id: "c1", name: "f", args: { x: 1 } } }] }, index: 1, finishReason: "STOP" },
      { content: { role: "model", parts: [] }, index: 0, finishReason: "MAX_TOKENS" },
    ]);
    expect(events[1].usageMetadata).toEqual({ promptTokenCount: 1, candidatesTokenCount: 2, totalTokenCount: 3 });
  });

  test("a stream that ends without finish_reason still delivers the calls it announced", () => {
    const enc = genaiStreamEncoder();
    enc.chunk(chunk([{ index: 0, delta: { tool_calls: [{ index: 0, id: "c", function: { name: "f", arguments: "{}" } }] }, finish_reason: null }]));
    expect(sdkEvents(enc.end().join(""))[0].candidates[0].content.parts).toEqual([{ functionCall: { id: "c", name: "f", args: {} } }]);
  });

  test("error(): the held event first, then Google's bare error body — what @google/genai turns into an ApiError", () => {
    const enc = genaiStreamEncoder();
    enc.chunk(chunk([{ index: 0, delta: { content: "x" }, finish_reason: "stop" }]));
    const frames = enc.error(new BifrostError({ status: 503, message: "overloaded", type: "UNAVAILABLE" }));
    expect(frames).toHaveLength(2);
    expect(sdkEvents(frames[0] as string)[0].candidates[0].finishReason).toBe("STOP");
    // The SDK parses each network chunk as JSON and throws when it holds an error with a 4xx/5xx code.
    const body = JSON.parse(frames[1] as string);
    expect(body).toEqual({ error: { code: 503, message: "overloaded", status: "UNAVAILABLE" } });
    expect(body.error.code >= 400 && body.error.code < 600).toBe(true);
  });

  test("the Gemini adapter reads the encoder's error back with its status", () => {
    const enc = genaiStreamEncoder();
    const body = [...enc.chunk(chunk([{ index: 0, delta: { content: "partial" }, finish_reason: null }])), ...enc.error(new BifrostError({ status: 429, message: "slow down" }))].join("");
    const dec = createGeminiStreamDecoder(geminiTarget(), () => 0);
    expect(() => [...dec.push(body), ...dec.end()]).toThrow(expect.objectContaining({ status: 429, type: "RESOURCE_EXHAUSTED", message: "slow down" }));
  });

  test("a usage-only chunk with nothing held is an event of its own", () => {
    const enc = genaiStreamEncoder();
    const events = sdkEvents(enc.chunk(chunk([], { usage: { prompt_tokens: 1, completion_tokens: 0, total_tokens: 1 } })).join(""));
    expect(events).toEqual([{ candidates: [], usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 0, totalTokenCount: 1 }, modelVersion: "m", responseId: "id1" }]);
  });
});
