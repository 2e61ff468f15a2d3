/** The adapter against the mock upstream's Azure dialect: requests it builds are accepted, answers it gets are read. */
import { describe, expect, test } from "bun:test";
import { azureMockDialect } from "../../../tests/support/mock/azure";
import type { MockReply } from "../../../tests/support/mock/types";
import type { ChatChunk, ChatRequest } from "../../schemas/chat";
import type { ProviderTarget, WireRequest } from "../types";
import { azureAdapter } from "./index";
import { ENTRA_TOKEN, target as baseTarget } from "./__fixtures__";

const ENDPOINT = "http://mock.test";
const target = (over: Partial<ProviderTarget> = {}, keyConfig: Record<string, unknown> = {}) =>
  baseTarget({ keyConfig: { endpoint: ENDPOINT, deployments: { "gpt-4o": "gpt4o-prod" }, ...keyConfig }, ...over });

async function answer(wire: WireRequest): Promise<MockReply> {
  const req = new Request(wire.url, { method: wire.method, headers: wire.headers, body: wire.body });
  const url = new URL(wire.url);
  expect(azureMockDialect.owns(req, url)).toBe(true);
  let n = 0;
  return azureMockDialect.handle(req, url, wire.body ? JSON.parse(wire.body as string) : null, { words: 5, nextId: () => ++n });
}

function json(reply: MockReply, t: ProviderTarget): any {
  if (reply.kind !== "json") throw new Error(`expected JSON, got ${reply.kind}`);
  if (reply.status !== 200) throw azureAdapter.errorFromResponse(reply.status, JSON.stringify(reply.body), t);
  return reply.body;
}

function decode(reply: MockReply, t: ProviderTarget): ChatChunk[] {
  if (reply.kind !== "sse") throw new Error(`expected SSE, got ${reply.kind}`);
  const decoder = azureAdapter.chatStreamDecoder(t);
  if (decoder.binary) throw new Error("text decoder expected");
  return [...reply.frames.flatMap((f) => decoder.push(f)), ...decoder.end()];
}

const chat = (over: Partial<ChatRequest> = {}): ChatRequest => ({ model: "azure/gpt-4o", messages: [{ role: "user", content: "hello there" }], ...over });

describe.each([
  ["api-key, deployments API", target()],
  ["Entra bearer token", target({ apiKey: ENTRA_TOKEN })],
  ["v1 API", target({}, { api_version: "v1" })],
  ["v1 preview", target({}, { api_version: "preview" })],
])("%s", (_label, t) => {
  test("chat: the deterministic reply from the deployment", async () => {
    const res = azureAdapter.chatResponse(json(await answer(azureAdapter.chatRequest(chat(), t, false)), t), t);
    expect(res.model).toBe("gpt4o-prod");
    expect(res.choices[0]).toMatchObject({ message: { content: "mock reply to: hello there" }, finish_reason: "stop" });
  });

  test("stream: no empty preamble chunk, words, finish, usage", async () => {
    const chunks = decode(await answer(azureAdapter.chatRequest(chat(), t, true)), t);
    expect(chunks.every((c) => c.choices.length > 0 || c.usage)).toBe(true);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("mock reply to: hello there");
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 5 });
  });

  test("embeddings", async () => {
    const et = { ...t, model: "text-embedding-3-small" };
    const res = azureAdapter.embeddingResponse!(json(await answer(azureAdapter.embeddingRequest!({ model: "m", input: ["a", "b c"], dimensions: 3 }, et)), et), et);
    expect(res.data.map((d) => (d.embedding as number[]).length)).toEqual([3, 3]);
    expect(res.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
  });
});

describe("tools and errors", () => {
  test("tool_choice required gives a tool call; streamed arguments reassemble", async () => {
    const req = chat({ tools: [{ type: "function", function: { name: "lookup" } }], tool_choice: "required" });
    const chunks = decode(await answer(azureAdapter.chatRequest(req, target(), true)), target());
    const args = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []).map((x) => x.function?.arguments ?? "").join("");
    expect(JSON.parse(args)).toEqual({ query: "hello there" });
  });

  test("a bad key is a 401 with Azure's message", async () => {
    const t = target({ apiKey: "bad-key" });
    const reply = await answer(azureAdapter.chatRequest(chat(), t, false));
    expect(reply).toMatchObject({ status: 401 });
    expect(() => json(reply, t)).toThrow("Access denied due to invalid subscription key");
  });

  test("without api-version the deployments API is a 404, like Azure", async () => {
    const wire = azureAdapter.chatRequest(chat(), target(), false);
    const reply = await answer({ ...wire, url: wire.url.replace(/\?.*$/, "") });
    expect(reply).toMatchObject({ status: 404, body: { error: { code: "404", message: "Resource not found" } } });
  });

  test("the in-stream error frame is raised by the decoder", async () => {
    const reply = await answer(azureAdapter.chatRequest(chat(), target(), true));
    if (reply.kind !== "sse") throw new Error("expected SSE");
    const decoder = azureAdapter.chatStreamDecoder(target());
    if (decoder.binary) throw new Error("text decoder expected");
    expect(() => [...reply.frames.slice(0, 3), reply.errorFrame].forEach((f) => decoder.push(f))).toThrow("The server had an error");
  });
});

describe("the mock dialect itself", () => {
  test("owns /openai/ paths only", () => {
    const owns = (path: string) => azureMockDialect.owns(new Request(`http://mock.test${path}`, { method: "POST" }), new URL(`http://mock.test${path}`));
    expect([owns("/openai/deployments/d/chat/completions?api-version=2024-10-21"), owns("/openai/v1/embeddings")]).toEqual([true, true]);
    expect([owns("/v1/chat/completions"), owns("/v2/chat")]).toEqual([false, false]);
  });

  test("no key is a 401; fault bodies and stream errors are Azure-shaped", async () => {
    const wire = azureAdapter.chatRequest(chat(), target({ apiKey: "" }), false);
    expect(await answer(wire)).toMatchObject({ status: 401, body: { error: { code: "401" } } });
    expect(azureMockDialect.errorBody(429, "Rate limit is exceeded.")).toEqual({ error: { code: "429", message: "Rate limit is exceeded." } });
    expect(azureMockDialect.streamErrorFrame("boom")).toBe('data: {"error":{"code":"server_error","message":"boom"}}\n\n');
  });
});
