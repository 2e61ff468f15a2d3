/**
 * The adapters against the mock upstream's Google dialect: requests built by the Gemini and Vertex
 * adapters, answered by tests/support/mock/gemini.ts, read back by the adapters. Proves the two agree.
 */
import { beforeEach, describe, expect, test } from "bun:test";
import { geminiMockDialect } from "../../../tests/support/mock/gemini";
import { embed, replyWords, type MockReply } from "../../../tests/support/mock/types";
import type { ChatChunk, ChatRequest, ChatResponse } from "../../schemas/chat";
import type { BifrostError } from "../../schemas/error";
import type { ProviderAdapter, ProviderTarget, WireRequest } from "../types";
import { vertexAdapter } from "../vertex";
import { geminiAdapter } from "./index";

const MOCK = "http://mock.test";
const WORDS = 6;
let ids = 0;
const ctx = { words: WORDS, nextId: () => ++ids };
beforeEach(() => {
  ids = 0;
});

const gemini = (over: Partial<ProviderTarget> = {}): ProviderTarget => ({
  provider: "gemini",
  model: "gemini-2.5-flash",
  baseUrl: MOCK,
  apiKey: "test-key",
  extraHeaders: {},
  ...over,
});
const vertex = (over: Partial<ProviderTarget> = {}): ProviderTarget => ({
  provider: "vertex",
  model: "gemini-2.0-flash-001",
  baseUrl: MOCK,
  apiKey: "ya29.pre-minted",
  extraHeaders: {},
  keyConfig: { project_id: "acme-prod", region: "us-central1" },
  ...over,
});

/** The wire request, as the provider call would send it, answered by the mock dialect. */
async function send(adapter: ProviderAdapter, wire: WireRequest, target: ProviderTarget): Promise<MockReply> {
  const authorized = adapter.authorize ? await adapter.authorize(wire, target, new Date()) : wire;
  const url = new URL(authorized.url);
  const req = new Request(authorized.url, { method: authorized.method, headers: authorized.headers, body: authorized.body });
  expect(geminiMockDialect.owns(req, url)).toBe(true);
  return geminiMockDialect.handle(req, url, authorized.body ? JSON.parse(authorized.body as string) : null, ctx);
}

function failure(adapter: ProviderAdapter, reply: MockReply, target: ProviderTarget): BifrostError {
  if (reply.kind !== "json" || reply.status < 400) throw new Error(`expected an error reply, got ${JSON.stringify(reply)}`);
  return adapter.errorFromResponse(reply.status, JSON.stringify(reply.body), target);
}

async function chat(adapter: ProviderAdapter, req: ChatRequest, target: ProviderTarget): Promise<ChatResponse> {
  const reply = await send(adapter, adapter.chatRequest(req, target, false), target);
  if (reply.kind !== "json" || reply.status !== 200) throw failure(adapter, reply, target);
  return adapter.chatResponse(reply.body, target);
}

async function stream(adapter: ProviderAdapter, req: ChatRequest, target: ProviderTarget, errorAfter?: number): Promise<{ chunks: ChatChunk[]; error?: unknown; done: boolean }> {
  const reply = await send(adapter, adapter.chatRequest(req, target, true), target);
  if (reply.kind !== "sse") throw failure(adapter, reply, target);
  const frames = errorAfter === undefined ? reply.frames : [...reply.frames.slice(0, errorAfter), reply.errorFrame];
  const decoder = adapter.chatStreamDecoder(target);
  if (decoder.binary) throw new Error("text decoder expected");
  const chunks: ChatChunk[] = [];
  try {
    for (const f of frames) chunks.push(...decoder.push(f));
    chunks.push(...decoder.end());
  } catch (error) {
    return { chunks, error, done: decoder.done };
  }
  return { chunks, done: decoder.done };
}

const ask = (text: string, over: Partial<ChatRequest> = {}): ChatRequest => ({ model: "x", messages: [{ role: "user", content: text }], ...over });
const expectedText = (userText: string, n = WORDS) => replyWords(userText, n).join(" ");
const streamedText = (chunks: ChatChunk[]) => chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
const weather = [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { query: { type: "string" } }, additionalProperties: false } } }];

describe("Gemini API", () => {
  test("generateContent: the deterministic reply, word-count usage, finish stop", async () => {
    const r = await chat(geminiAdapter, ask("Hello there", { messages: [{ role: "system", content: "Be kind" }, { role: "user", content: "Hello there" }] }), gemini());
    expect(r.choices[0]!.message.content).toBe(expectedText("Hello there"));
    expect(r.choices[0]!.finish_reason).toBe("stop");
    expect(r.usage).toEqual({ prompt_tokens: 4, completion_tokens: WORDS, total_tokens: 4 + WORDS, prompt_tokens_details: { cached_tokens: 0 } });
    expect(r.model).toBe("gemini-2.5-flash");
  });

  test("streamGenerateContent?alt=sse: the same text, finish and usage as the unary call; a clean end", async () => {
    const whole = await chat(geminiAdapter, ask("stream me please"), gemini());
    const s = await stream(geminiAdapter, ask("stream me please"), gemini());
    expect(s.done).toBe(true);
    expect(streamedText(s.chunks)).toBe(whole.choices[0]!.message.content!);
    expect(s.chunks.at(-1)!.choices[0]!.finish_reason).toBe("stop");
    expect(s.chunks.at(-1)!.usage).toEqual(whole.usage!);
  });

  test("maxOutputTokens cuts the reply: finish length", async () => {
    const r = await chat(geminiAdapter, ask("a long answer", { max_tokens: 2 }), gemini());
    expect(r.choices[0]!.message.content).toBe("mock reply");
    expect(r.choices[0]!.finish_reason).toBe("length");
  });

  test("a tool call when the user mentions a tool: first tool, args {query}, finish tool_calls — unary and stream", async () => {
    const req = ask("use the tool for Paris", { tools: weather });
    const r = await chat(geminiAdapter, req, gemini());
    expect(r.choices[0]!.message.tool_calls).toEqual([{ id: "call_0", type: "function", function: { name: "get_weather", arguments: '{"query":"use the tool for Paris"}' } }]);
    expect(r.choices[0]!.finish_reason).toBe("tool_calls");
    const s = await stream(geminiAdapter, req, gemini());
    expect(s.chunks.flatMap((c) => c.choices[0]!.delta.tool_calls ?? [])).toEqual([{ index: 0, id: "call_0", type: "function", function: { name: "get_weather", arguments: '{"query":"use the tool for Paris"}' } }]);
    expect(s.chunks.at(-1)!.choices[0]!.finish_reason).toBe("tool_calls");
  });

  test("tool_choice required (mode ANY) forces the call; none (mode NONE) prevents it", async () => {
    expect((await chat(geminiAdapter, ask("hi", { tools: weather, tool_choice: "required" }), gemini())).choices[0]!.finish_reason).toBe("tool_calls");
    expect((await chat(geminiAdapter, ask("use a tool", { tools: weather, tool_choice: "none" }), gemini())).choices[0]!.finish_reason).toBe("stop");
  });

  test("answering the tool result gives text: the tool message reached the mock as a functionResponse", async () => {
    const r = await chat(
      geminiAdapter,
      {
        model: "x",
        tools: weather,
        messages: [
          { role: "user", content: "use the tool" },
          { role: "assistant", content: null, tool_calls: [{ id: "call_0", type: "function", function: { name: "get_weather", arguments: '{"query":"use the tool"}' } }] },
          { role: "tool", tool_call_id: "call_0", content: '{"temp":21}' },
        ],
      },
      gemini(),
    );
    expect(r.choices[0]!.message.content).toBe(expectedText("use the tool"));
  });

  test("thinking asked for comes back as reasoning, counted as reasoning tokens", async () => {
    const r = await chat(geminiAdapter, ask("think", { reasoning_effort: "low" }), gemini());
    expect(r.choices[0]!.message.reasoning).toBe("mock thinking");
    expect(r.usage!.completion_tokens_details).toEqual({ reasoning_tokens: 2 });
    const s = await stream(geminiAdapter, ask("think", { reasoning_effort: "low" }), gemini());
    expect(s.chunks.map((c) => c.choices[0]!.delta.reasoning ?? "").join("")).toBe("mock thinking");
  });

  test("images travel as inlineData and fileData without upsetting the request", async () => {
    const r = await chat(
      geminiAdapter,
      { model: "x", messages: [{ role: "user", content: [{ type: "text", text: "look" }, { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } }, { type: "image_url", image_url: { url: "https://x.test/a.jpg" } }] }] },
      gemini(),
    );
    expect(r.choices[0]!.message.content).toBe(expectedText("look"));
  });

  test("batchEmbedContents: one vector per input in order, with the requested dimensions", async () => {
    const t = gemini({ model: "gemini-embedding-001" });
    const reply = await send(geminiAdapter, geminiAdapter.embeddingRequest!({ model: "x", input: ["alpha", "beta"], dimensions: 4 }, t), t);
    if (reply.kind !== "json") throw new Error("json expected");
    const r = geminiAdapter.embeddingResponse!(reply.body, t);
    expect(r.data.map((d) => d.embedding)).toEqual([embed("alpha", 4), embed("beta", 4)]);
    expect(r.usage).toEqual({ prompt_tokens: 0, total_tokens: 0 });
  });

  test("models list: only models that generate or embed", async () => {
    const reply = await send(geminiAdapter, geminiAdapter.listModelsRequest!(gemini()), gemini());
    if (reply.kind !== "json") throw new Error("json expected");
    expect(geminiAdapter.listModelsResponse!(reply.body, gemini()).map((m) => m.id)).toEqual(["gemini/gemini-2.5-flash", "gemini/gemini-2.0-flash", "gemini/gemini-embedding-001"]);
  });

  test("bad-key and a missing key are 401s in Google's shape, read as upstream errors", async () => {
    for (const apiKey of ["bad-key", ""]) {
      const t = gemini({ apiKey });
      const e = failure(geminiAdapter, await send(geminiAdapter, geminiAdapter.chatRequest(ask("hi"), t, false), t), t);
      expect([e.status, e.type, e.isBifrostError]).toEqual([401, "UNAUTHENTICATED", false]);
    }
  });

  test("fault bodies (errorBody) read back with their status", () => {
    const e = geminiAdapter.errorFromResponse(429, JSON.stringify(geminiMockDialect.errorBody(429, "Rate limit exceeded (mock fault)")), gemini());
    expect([e.status, e.type, e.message]).toEqual([429, "RESOURCE_EXHAUSTED", "Rate limit exceeded (mock fault)"]);
  });

  test("an in-stream error after 2 events: the text so far, then the 503", async () => {
    const s = await stream(geminiAdapter, ask("fail midway"), gemini(), 2);
    expect(streamedText(s.chunks)).toBe("mock reply");
    expect(s.error).toMatchObject({ status: 503, type: "UNAVAILABLE" });
  });

  test("a field Gemini does not know would be a 400 (the adapter sends none)", async () => {
    const wire = geminiAdapter.chatRequest(ask("hi"), gemini(), false);
    const reply = await send(geminiAdapter, { ...wire, body: JSON.stringify({ ...JSON.parse(wire.body as string), temperature: 1 }) }, gemini());
    expect(failure(geminiAdapter, reply, gemini())).toMatchObject({ status: 400, type: "INVALID_ARGUMENT" });
  });
});

describe("Vertex AI", () => {
  test("Gemini at publishers/google generateContent and streamGenerateContent, with a bearer token", async () => {
    const r = await chat(vertexAdapter, ask("Bonjour Vertex"), vertex());
    expect(r.choices[0]!.message.content).toBe(expectedText("Bonjour Vertex"));
    const s = await stream(vertexAdapter, ask("Bonjour Vertex"), vertex());
    expect(streamedText(s.chunks)).toBe(expectedText("Bonjour Vertex"));
    expect(s.done).toBe(true);
  });

  test("Claude at publishers/anthropic rawPredict: the mock accepts the body (no model, Vertex's anthropic_version)", async () => {
    const t = vertex({ model: "claude-sonnet-4-5@20250929" });
    const r = await chat(vertexAdapter, ask("Hello Claude", { max_tokens: 100 }), t);
    expect(r.choices[0]!.message.content).toBe(expectedText("Hello Claude"));
    expect(r.usage!.completion_tokens).toBe(WORDS);
  });

  test("Claude streamRawPredict decodes with Anthropic's decoder, tool calls included", async () => {
    const t = vertex({ model: "claude-sonnet-4-5@20250929" });
    const s = await stream(vertexAdapter, ask("use the tool", { tools: weather }), t);
    expect(s.done).toBe(true);
    const args = s.chunks.flatMap((c) => c.choices[0]!.delta.tool_calls ?? []).map((d) => d.function?.arguments ?? "").join("");
    expect(JSON.parse(args)).toEqual({ query: "use the tool" });
    expect(s.chunks.at(-1)!.choices[0]!.finish_reason).toBe("tool_calls");
  });

  test("embeddings at :predict", async () => {
    const t = vertex({ model: "text-embedding-005" });
    const reply = await send(vertexAdapter, vertexAdapter.embeddingRequest!({ model: "x", input: ["one two", "three"] }, t), t);
    if (reply.kind !== "json") throw new Error("json expected");
    const r = vertexAdapter.embeddingResponse!(reply.body, t);
    expect(r.data.map((d) => d.embedding)).toEqual([embed("one two", 8), embed("three", 8)]);
    expect(r.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
  });

  test("a bad token is a 401", async () => {
    const t = vertex({ apiKey: "bad-key" });
    const e = failure(vertexAdapter, await send(vertexAdapter, vertexAdapter.chatRequest(ask("hi"), t, false), t), t);
    expect([e.status, e.type]).toEqual([401, "UNAUTHENTICATED"]);
  });
});

describe("the mock's routing", () => {
  test.each(["/v1/chat/completions", "/v1/messages", "/v1/models", "/v1/embeddings"])("%s belongs to another dialect", (path) => {
    expect(geminiMockDialect.owns(new Request(`${MOCK}${path}`), new URL(`${MOCK}${path}`))).toBe(false);
  });

  test("the in-stream error frame is Google's bare error body", () => {
    expect(JSON.parse(geminiMockDialect.streamErrorFrame("down") as string)).toEqual({ error: { code: 503, message: "down", status: "UNAVAILABLE" } });
  });
});
