/** The adapter against the mock upstream's Cohere dialect: requests it builds are accepted, answers it gets are read. */
import { describe, expect, test } from "bun:test";
import { cohereMockDialect } from "../../../tests/support/mock/cohere";
import type { MockReply } from "../../../tests/support/mock/types";
import type { ChatChunk, ChatRequest } from "../../schemas/chat";
import type { WireRequest } from "../types";
import { cohereAdapter } from "./index";
import { target as baseTarget } from "./__fixtures__";

const target = baseTarget({ baseUrl: "http://mock.test" });
const ctx = (words = 5) => {
  let n = 0;
  return { words, nextId: () => ++n };
};

/** The wire request as the mock sees it: owned by the Cohere dialect, then answered. */
async function answer(wire: WireRequest, words = 5): Promise<MockReply> {
  const req = new Request(wire.url, { method: wire.method, headers: wire.headers, body: wire.body });
  const url = new URL(wire.url);
  expect(cohereMockDialect.owns(req, url)).toBe(true);
  return cohereMockDialect.handle(req, url, wire.body ? JSON.parse(wire.body as string) : null, ctx(words));
}

function json(reply: MockReply): any {
  if (reply.kind !== "json") throw new Error(`expected JSON, got ${reply.kind}`);
  if (reply.status !== 200) throw cohereAdapter.errorFromResponse(reply.status, JSON.stringify(reply.body), target);
  return reply.body;
}

function decode(reply: MockReply, withError = false): ChatChunk[] {
  if (reply.kind !== "sse") throw new Error(`expected SSE, got ${reply.kind}`);
  const decoder = cohereAdapter.chatStreamDecoder(target);
  if (decoder.binary) throw new Error("text decoder expected");
  const chunks = (withError ? [...reply.frames.slice(0, 2), reply.errorFrame] : reply.frames).flatMap((f) => decoder.push(f));
  return [...chunks, ...decoder.end()];
}

const chat = (over: Partial<ChatRequest> = {}): ChatRequest => ({ model: "cohere/command-a-03-2025", messages: [{ role: "user", content: "hello there" }], ...over });
const weather = [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { query: { type: "string" } } } } }];

describe("chat", () => {
  test("text: the deterministic reply, stop, word-count usage", async () => {
    const res = cohereAdapter.chatResponse(json(await answer(cohereAdapter.chatRequest(chat({ temperature: 0.2, top_p: 0.9 }), target, false))), target);
    expect(res.choices[0]).toEqual({ index: 0, message: { role: "assistant", content: "mock reply to: hello there" }, finish_reason: "stop" });
    expect(res.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 5, total_tokens: 7 });
  });

  test("max_tokens below the reply length cuts it and says length", async () => {
    const res = cohereAdapter.chatResponse(json(await answer(cohereAdapter.chatRequest(chat({ max_tokens: 2 }), target, false))), target);
    expect(res.choices[0]).toMatchObject({ message: { content: "mock reply" }, finish_reason: "length" });
  });

  test("a tool call when the user mentions a tool", async () => {
    const req = chat({ messages: [{ role: "user", content: "use the tool please" }], tools: weather });
    const res = cohereAdapter.chatResponse(json(await answer(cohereAdapter.chatRequest(req, target, false))), target);
    expect(res.choices[0]!.finish_reason).toBe("tool_calls");
    expect(res.choices[0]!.message.tool_calls![0]!.function).toEqual({ name: "get_weather", arguments: '{"query":"use the tool please"}' });
  });

  test("tool_choice required forces the call; the tool result turn then gets text", async () => {
    const first = cohereAdapter.chatResponse(json(await answer(cohereAdapter.chatRequest(chat({ tools: weather, tool_choice: "required" }), target, false))), target);
    const call = first.choices[0]!.message.tool_calls![0]!;
    const followUp = chat({
      tools: weather,
      messages: [
        { role: "user", content: "hello there" },
        { role: "assistant", content: null, tool_calls: [call] },
        { role: "tool", tool_call_id: call.id, content: '{"temperature":"24C"}' },
      ],
    });
    const second = cohereAdapter.chatResponse(json(await answer(cohereAdapter.chatRequest(followUp, target, false))), target);
    expect(second.choices[0]!.finish_reason).toBe("stop");
  });

  test("stream: role, one content chunk per word, then finish with usage", async () => {
    const chunks = decode(await answer(cohereAdapter.chatRequest(chat({ stream: true, stream_options: { include_usage: true } }), target, true)));
    expect(chunks.map((c) => c.choices[0]!.delta.content ?? "").join("")).toBe("mock reply to: hello there");
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe("stop");
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 5 });
  });

  test("stream tool call: arguments reassemble", async () => {
    const req = chat({ messages: [{ role: "user", content: "call a tool" }], tools: weather });
    const chunks = decode(await answer(cohereAdapter.chatRequest(req, target, true)));
    const args = chunks.flatMap((c) => c.choices[0]!.delta.tool_calls ?? []).map((t) => t.function?.arguments ?? "").join("");
    expect(JSON.parse(args)).toEqual({ query: "call a tool" });
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe("tool_calls");
  });

  test("the in-stream error frame ends the decode with a 502 carrying its message", async () => {
    const reply = await answer(cohereAdapter.chatRequest(chat(), target, true));
    expect(() => decode(reply, true)).toThrow("internal server error");
  });

  test("a bad key is a 401 with Cohere's message", async () => {
    const reply = await answer(cohereAdapter.chatRequest(chat(), { ...target, apiKey: "bad-key" }, false));
    expect(() => json(reply)).toThrow("invalid api token");
    expect(reply).toMatchObject({ status: 401 });
  });
});

describe("embed, rerank, models", () => {
  test("embeddings: one float vector per text, usage in words", async () => {
    const res = cohereAdapter.embeddingResponse!(json(await answer(cohereAdapter.embeddingRequest!({ model: "embed-v4.0", input: ["a b", "c"], dimensions: 4 }, target))), target);
    expect(res.data.map((d) => (d.embedding as number[]).length)).toEqual([4, 4]);
    expect(res.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
  });

  test("base64 embeddings decode to the float vectors", async () => {
    const floats = cohereAdapter.embeddingResponse!(json(await answer(cohereAdapter.embeddingRequest!({ model: "m", input: "x", dimensions: 4 }, target))), target);
    const b64 = cohereAdapter.embeddingResponse!(json(await answer(cohereAdapter.embeddingRequest!({ model: "m", input: "x", dimensions: 4, encoding_format: "base64" }, target))), target);
    const decoded = [...new Float32Array(Buffer.from(b64.data[0]!.embedding as string, "base64").buffer.slice(0))];
    expect(decoded).toEqual(floats.data[0]!.embedding as number[]);
  });

  test("rerank: best match first, documents echoed on request", async () => {
    const req = { model: "rerank-v3.5", query: "capital of France", documents: ["Berlin is in Germany", "Paris is the capital of France", { text: "France" }], top_n: 2, return_documents: true };
    const res = cohereAdapter.rerankResponse(json(await answer(cohereAdapter.rerankRequest!(req, target))), target, req);
    expect(res.results).toEqual([
      { index: 1, relevance_score: 1, document: { text: "Paris is the capital of France" } },
      { index: 2, relevance_score: 0.333333, document: { text: "France" } },
    ]);
  });

  test("models: listed with the provider prefix", async () => {
    const models = cohereAdapter.listModelsResponse!(json(await answer(cohereAdapter.listModelsRequest!(target))), target);
    expect(models.map((m) => m.id)).toEqual(["cohere/command-a-03-2025", "cohere/embed-v4.0", "cohere/rerank-v3.5"]);
  });
});

describe("the mock dialect itself", () => {
  const owns = (method: string, path: string) => cohereMockDialect.owns(new Request(`http://mock.test${path}`, { method }), new URL(`http://mock.test${path}`));

  test("owns Cohere's paths; GET /v1/models only with page_size (OpenAI's listing has none)", () => {
    expect([owns("POST", "/v2/chat"), owns("POST", "/v2/embed"), owns("POST", "/v2/rerank"), owns("GET", "/v1/models?page_size=1000")]).toEqual([true, true, true, true]);
    expect([owns("GET", "/v1/models"), owns("POST", "/v1/chat/completions"), owns("POST", "/v1/chat")]).toEqual([false, false, false]);
  });

  test("fault bodies and the in-stream error frame are Cohere-shaped", () => {
    expect(cohereMockDialect.errorBody(429, "slow down")).toEqual({ id: "mock-error", message: "slow down" });
    expect(cohereMockDialect.streamErrorFrame("boom")).toBe('event: message-end\ndata: {"type":"message-end","delta":{"error":"boom","finish_reason":"ERROR"}}\n\n');
  });

  test("OpenAI-only fields are refused like Cohere refuses unknown fields", async () => {
    const wire = cohereAdapter.chatRequest(chat(), target, false);
    const reply = await answer({ ...wire, body: JSON.stringify({ ...JSON.parse(wire.body as string), top_p: 0.5 }) });
    expect(reply).toMatchObject({ status: 400, body: { message: "invalid request: unknown field: parameter top_p is not a valid field" } });
  });

  test("no key is a 401", async () => {
    const reply = await answer(cohereAdapter.chatRequest(chat(), { ...target, apiKey: "" }, false));
    expect(reply).toMatchObject({ status: 401, body: { message: "no api key supplied" } });
  });
});
