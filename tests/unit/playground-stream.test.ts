/** The playground's stream reading (ui/src/pages/playground): SSE framing split anywhere, the chat meaning of each event, the answer it builds. */
import { describe, expect, test } from "bun:test";
import { applyChunk, answeredBy, emptyAnswer, fromCompletion } from "../../ui/src/pages/playground/answer";
import { chatBody } from "../../ui/src/pages/playground/run";
import { readStream, SseDecoder, streamItem, type SseEvent, type StreamItem } from "../../ui/src/pages/playground/sse";

const chunk = (content: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id: "c1", object: "chat.completion.chunk", model: "gpt-4o-mini", choices: [{ index: 0, delta: { content }, finish_reason: null }], extra_fields: { provider: "openai" }, ...extra });
const usageChunk = JSON.stringify({ id: "c1", model: "gpt-4o-mini", choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 }, extra_fields: { provider: "openai", cost: { total_cost: 0.0000033 } } });

/** A gateway stream: multi-byte text (split inside characters), a ping comment, usage, [DONE]. */
const TRANSCRIPT = [`data: ${chunk("Grüß")}\n\n`, `: ping\n\n`, `data: ${chunk(" dich 👋")}\n\n`, `data: ${chunk("", { choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n`, `data: ${usageChunk}\n\n`, "data: [DONE]\n\n"].join("");

function decodeAll(pieces: Array<Uint8Array | string>): SseEvent[] {
  const d = new SseDecoder();
  const out: SseEvent[] = [];
  for (const p of pieces) out.push(...d.push(p));
  out.push(...d.end());
  return out;
}

const bytes = (s: string) => new TextEncoder().encode(s);
const whole = decodeAll([bytes(TRANSCRIPT)]);

describe("SseDecoder", () => {
  test("a whole transcript: one event per data frame, comments skipped", () => {
    expect(whole.map((e) => streamItem(e).kind)).toEqual(["chunk", "chunk", "chunk", "chunk", "done"]);
    expect(JSON.parse(whole[1]!.data).choices[0].delta.content).toBe(" dich 👋");
    expect(whole.at(-1)).toEqual({ event: "", data: "[DONE]" });
  });

  for (const [eol, text] of [["LF", TRANSCRIPT], ["CRLF", TRANSCRIPT.replace(/\n/g, "\r\n")], ["CR", TRANSCRIPT.replace(/\n/g, "\r")]] as const) {
    test(`${eol}: split at every byte boundary (inside UTF-8 characters and between CR and LF), the same events`, () => {
      const b = bytes(text);
      for (let i = 1; i < b.length; i++) expect(decodeAll([b.subarray(0, i), b.subarray(i)])).toEqual(whole);
    });
    test(`${eol}: one byte at a time, the same events`, () => {
      const b = bytes(text);
      expect(decodeAll([...b].map((x) => Uint8Array.of(x)))).toEqual(whole);
    });
  }

  test("several frames in one chunk come out together, in order", () => {
    const d = new SseDecoder();
    expect(d.push(`data: {"a":1}\n\ndata: {"a":2}\n\ndata: {"a`).map((e) => e.data)).toEqual(['{"a":1}', '{"a":2}']);
    expect(d.push(`":3}\n\n`).map((e) => e.data)).toEqual(['{"a":3}']);
  });

  test("multi-line data is joined by LF; event names are kept; a field without a space after the colon reads the same", () => {
    expect(decodeAll([`event: error\ndata: {"error":\ndata:{"message":"x"}}\n\n`])).toEqual([{ event: "error", data: '{"error":\n{"message":"x"}}' }]);
  });

  test("CRLF between two data lines of one event, split at every byte: still one event (the LF is not a blank line)", () => {
    const b = bytes("data: {\"a\":\r\ndata: 1}\r\n\r\n");
    for (let i = 1; i < b.length; i++) expect(decodeAll([b.subarray(0, i), b.subarray(i)])).toEqual([{ event: "", data: '{"a":\n1}' }]);
  });

  test("a CR then a separate LF piece is one line end; a blank LF piece after it still ends the event", () => {
    expect(decodeAll(["data: 1\r", "\n", "\n", "data: 2\n\n"]).map((e) => e.data)).toEqual(["1", "2"]);
  });

  test("a last frame without its blank line still counts when the body ends", () => {
    expect(decodeAll(["data: [DONE]"])).toEqual([{ event: "", data: "[DONE]" }]);
  });
});

describe("streamItem", () => {
  test("[DONE], a chunk, and the gateway's in-stream error frame with its message", () => {
    expect(streamItem({ event: "", data: "[DONE]" })).toEqual({ kind: "done" });
    expect(streamItem({ event: "", data: chunk("hi") }).kind).toBe("chunk");
    const gatewayError = '{"is_bifrost_error":false,"status_code":502,"error":{"type":"server_error","code":null,"message":"The server had an error while processing your request.","param":null},"extra_fields":{"provider":"openai"}}';
    expect(streamItem({ event: "", data: gatewayError })).toEqual({ kind: "error", error: { message: "The server had an error while processing your request.", status: 502, code: null, type: "server_error" } });
  });

  test("an `event: error` frame and a frame that is not JSON are errors, not silence", () => {
    expect(streamItem({ event: "error", data: '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}' })).toMatchObject({ kind: "error", error: { message: "Overloaded" } });
    expect(streamItem({ event: "", data: "{oops" })).toMatchObject({ kind: "error" });
  });
});

describe("readStream and the answer it builds", () => {
  async function read(pieces: string[]): Promise<StreamItem[]> {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (const p of pieces) c.enqueue(bytes(p));
        c.close();
      },
    });
    const out: StreamItem[] = [];
    for await (const batch of readStream(body)) out.push(...batch);
    return out;
  }

  test("text appended in order, finish reason, usage and cost from the usage chunk, who answered", async () => {
    const items = await read(TRANSCRIPT.match(/[\s\S]{1,7}/g)!);
    expect(items.at(-1)).toEqual({ kind: "done" });
    let a = emptyAnswer();
    for (const it of items) if (it.kind === "chunk") a = applyChunk(a, it.chunk);
    expect(a.text).toBe("Grüß dich 👋");
    expect(a.finishReason).toBe("stop");
    expect(a.usage).toEqual({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
    expect(a.cost).toBe(0.0000033);
    expect(answeredBy(a)).toBe("openai/gpt-4o-mini");
  });

  test("an error frame mid-stream arrives after the text before it", async () => {
    const items = await read([`data: ${chunk("part")}\n\n`, `data: {"error":{"message":"upstream died"}}\n\n`]);
    expect(items.map((i) => i.kind)).toEqual(["chunk", "error"]);
  });

  test("leaving early cancels the body (the server stops sending)", async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        c.enqueue(bytes(`data: ${chunk("x")}\n\n`));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const _ of readStream(body)) break;
    expect(cancelled).toBe(true);
  });
});

describe("unary answers and the request body", () => {
  test("a completion's text, usage and cost; x-bf-cost stands in when the body has none", () => {
    const body = { model: "gpt-4o-mini", choices: [{ message: { role: "assistant", content: "hello" }, finish_reason: "stop" }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }, extra_fields: { provider: "openai" } };
    const a = fromCompletion(body, "0.0002");
    expect(a).toMatchObject({ text: "hello", cost: 0.0002, provider: "openai", finishReason: "stop" });
    expect(fromCompletion({ ...body, extra_fields: { provider: "openai", cost: { total_cost: 0.5 } } }, null).cost).toBe(0.5);
    expect(fromCompletion(body, null).cost).toBeNull();
  });

  test("system prompt first, parameters only when set, stream asks for usage", () => {
    const base = { model: " openai/gpt-4o-mini ", system: "Be brief.", temperature: "0.3", maxTokens: "", topP: "0.9", stream: true };
    expect(chatBody(base, [{ role: "user", content: "hi" }])).toEqual({
      model: "openai/gpt-4o-mini",
      messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "hi" }],
      temperature: 0.3,
      top_p: 0.9,
      stream: true,
      stream_options: { include_usage: true },
    });
    const unary = chatBody({ ...base, system: " ", temperature: "", maxTokens: "64", topP: "", stream: false }, [{ role: "user", content: "hi" }]);
    expect(unary).toEqual({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], max_tokens: 64 });
  });
});
