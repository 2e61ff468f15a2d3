/**
 * The adapter against the mock upstream's Bedrock dialect: requests built and SigV4-signed by the adapter, answered
 * by the mock (which verifies the signature with its own secret), decoded by the adapter. Plus one pass over real HTTP.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { bedrockMockDialect, MOCK_ACCESS_KEY, MOCK_SECRET_KEY } from "../../../tests/support/mock/bedrock";
import type { MockReply } from "../../../tests/support/mock/types";
import type { ChatChunk, ChatRequest } from "../../schemas/chat";
import type { ProviderTarget, WireRequest } from "../types";
import { bedrockAdapter } from "./index";

const BASE = "http://127.0.0.1:9100";
const NOW = new Date("2025-06-01T10:20:30Z");

const target = (over: Partial<ProviderTarget> = {}): ProviderTarget => ({
  provider: "bedrock",
  model: "anthropic.claude-3-5-haiku-20241022-v1:0",
  baseUrl: BASE,
  apiKey: "",
  extraHeaders: {},
  keyConfig: { access_key: MOCK_ACCESS_KEY, secret_key: MOCK_SECRET_KEY, region: "us-east-1" },
  ...over,
});

const chat = (over: Partial<ChatRequest> = {}): ChatRequest => ({ model: "bedrock/x", messages: [{ role: "user", content: "hello there" }], ...over });

function makeCtx(words = 6) {
  let id = 0;
  return { words, nextId: () => ++id };
}

/** What the mock answers to this wire request, exactly as it would over HTTP. */
async function ask(wire: WireRequest, words = 6): Promise<MockReply> {
  const req = new Request(wire.url, { method: wire.method, headers: wire.headers, body: wire.body as string | undefined });
  const url = new URL(wire.url);
  expect(bedrockMockDialect.owns(req, url)).toBe(true);
  const body = typeof wire.body === "string" ? JSON.parse(wire.body) : null;
  return bedrockMockDialect.handle(req, url, body, makeCtx(words));
}

const signed = (wire: WireRequest, t = target()) => bedrockAdapter.authorize!(wire, t, NOW) as WireRequest;

function decodeStream(reply: MockReply, t = target()): ChatChunk[] {
  if (reply.kind !== "binary") throw new Error(`expected a binary stream, got ${reply.kind}`);
  expect(reply.contentType).toBe("application/vnd.amazon.eventstream");
  const d = bedrockAdapter.chatStreamDecoder(t);
  if (!d.binary) throw new Error("binary decoder expected");
  return [...reply.frames.flatMap((f) => d.push(f)), ...d.end()];
}

const text = (chunks: ChatChunk[]) => chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");

describe("chat", () => {
  test("Converse: the mock's reply decodes to 'mock reply to: <text>' with word-count usage", async () => {
    const t = target();
    const reply = await ask(signed(bedrockAdapter.chatRequest(chat(), t, false)));
    if (reply.kind !== "json") throw new Error(reply.kind);
    expect(reply.status).toBe(200);
    const res = bedrockAdapter.chatResponse(reply.body, t);
    expect(res.choices[0]).toMatchObject({ message: { role: "assistant", content: "mock reply to: hello there alpha" }, finish_reason: "stop" });
    expect(res.usage).toEqual({ prompt_tokens: 2, completion_tokens: 6, total_tokens: 8, prompt_tokens_details: { cached_tokens: 0 } });
  });

  test("maxTokens below the reply length cuts it and says length", async () => {
    const reply = await ask(signed(bedrockAdapter.chatRequest(chat({ max_tokens: 3 }), target(), false)));
    const res = bedrockAdapter.chatResponse((reply as any).body, target());
    expect(res.choices[0]).toMatchObject({ message: { content: "mock reply to:" }, finish_reason: "length" });
  });

  test("ConverseStream: eventstream frames decode to role, word deltas, finish and usage", async () => {
    const chunks = decodeStream(await ask(signed(bedrockAdapter.chatRequest(chat(), target(), true))));
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: "assistant", content: "" });
    expect(text(chunks)).toBe("mock reply to: hello there alpha");
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe("stop");
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 6 });
  });

  const tools: ChatRequest["tools"] = [
    { type: "function", function: { name: "search", parameters: { type: "object", properties: { query: { type: "string" } } } } },
    { type: "function", function: { name: "lookup" } },
  ];

  test("tool use when the text mentions a tool: the first tool, called with {query}", async () => {
    const t = target();
    const res = bedrockAdapter.chatResponse((await ask(signed(bedrockAdapter.chatRequest(chat({ tools, messages: [{ role: "user", content: "use a tool please" }] }), t, false))) as any).body, t);
    expect(res.choices[0]!.finish_reason).toBe("tool_calls");
    expect(res.choices[0]!.message.tool_calls).toEqual([{ id: "tooluse_mock1", type: "function", function: { name: "search", arguments: '{"query":"use a tool please"}' } }]);
  });

  test("tool_choice naming a tool streams that tool's call; arguments reassemble", async () => {
    const wire = bedrockAdapter.chatRequest(chat({ tools, tool_choice: { type: "function", function: { name: "lookup" } } }), target(), true);
    const chunks = decodeStream(await ask(signed(wire)));
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(calls[0]).toEqual({ index: 0, id: "tooluse_mock1", type: "function", function: { name: "lookup", arguments: "" } });
    expect(JSON.parse(calls.map((c) => c.function?.arguments ?? "").join(""))).toEqual({ query: "hello there" });
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe("tool_calls");
  });

  test("the mock's in-stream error frame decodes to a 503 BifrostError", () => {
    const frame = bedrockMockDialect.streamErrorFrame("overloaded") as Uint8Array;
    const d = bedrockAdapter.chatStreamDecoder(target());
    if (!d.binary) throw new Error("binary decoder expected");
    expect(() => d.push(frame)).toThrow(expect.objectContaining({ status: 503, message: "overloaded" }));
  });
});

describe("embeddings and models", () => {
  test("Titan: one vector of 1024 dims and the input's word count", async () => {
    const t = target({ model: "amazon.titan-embed-text-v2:0" });
    const reply = await ask(signed(bedrockAdapter.embeddingRequest!({ model: "m", input: "one two three" }, t), t));
    const res = bedrockAdapter.embeddingResponse!((reply as any).body, t);
    expect(res.data).toHaveLength(1);
    expect(res.data[0]!.embedding).toHaveLength(1024);
    expect(res.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
  });

  test("Titan with dimensions", async () => {
    const t = target({ model: "amazon.titan-embed-text-v2:0" });
    const reply = await ask(signed(bedrockAdapter.embeddingRequest!({ model: "m", input: "x", dimensions: 256 }, t), t));
    expect(bedrockAdapter.embeddingResponse!((reply as any).body, t).data[0]!.embedding).toHaveLength(256);
  });

  test("Cohere: one vector per text, in order", async () => {
    const t = target({ model: "cohere.embed-english-v3" });
    const reply = await ask(signed(bedrockAdapter.embeddingRequest!({ model: "m", input: ["a", "b", "c"] }, t), t));
    expect(bedrockAdapter.embeddingResponse!((reply as any).body, t).data.map((d) => d.index)).toEqual([0, 1, 2]);
  });

  test("ListFoundationModels on the (mock) control plane, signed too", async () => {
    const reply = await ask(signed(bedrockAdapter.listModelsRequest!(target())));
    expect(bedrockAdapter.listModelsResponse!((reply as any).body, target()).map((m) => m.id)).toContain("bedrock/amazon.nova-lite-v1:0");
  });
});

describe("auth", () => {
  const errorOf = async (wire: WireRequest, t = target()) => {
    const reply = await ask(wire);
    if (reply.kind !== "json") throw new Error(reply.kind);
    expect(reply.headers?.["x-amzn-errortype"]).toBeString();
    return bedrockAdapter.errorFromResponse(reply.status, JSON.stringify(reply.body), t);
  };

  test("a wrong secret fails the mock's signature check: 403 SignatureDoesNotMatch", async () => {
    const t = target({ keyConfig: { access_key: MOCK_ACCESS_KEY, secret_key: "wrong", region: "us-east-1" } });
    const e = await errorOf(signed(bedrockAdapter.chatRequest(chat(), t, false), t));
    expect(e).toMatchObject({ status: 403, isBifrostError: false });
    expect(e.message).toStartWith("The request signature we calculated does not match");
  });

  test("a body changed after signing fails too", async () => {
    const wire = signed(bedrockAdapter.chatRequest(chat(), target(), false));
    const e = await errorOf({ ...wire, body: (wire.body as string).replace("hello", "HELLO") });
    expect(e.status).toBe(403);
  });

  test("access key bad-key is an invalid token", async () => {
    const t = target({ keyConfig: { access_key: "bad-key", secret_key: "s", region: "us-east-1" } });
    expect((await errorOf(signed(bedrockAdapter.chatRequest(chat(), t, false), t))).message).toBe("The security token included in the request is invalid.");
  });

  test("a Bedrock API key is accepted as a bearer token; bad-key is not", async () => {
    const t = target({ apiKey: "br-good", keyConfig: { region: "us-east-1" } });
    const wire = signed(bedrockAdapter.chatRequest(chat(), t, false), t);
    expect(wire.headers.authorization).toBe("Bearer br-good");
    expect(await ask(wire)).toMatchObject({ kind: "json", status: 200 });
    const bad = target({ apiKey: "bad-key", keyConfig: { region: "us-east-1" } });
    expect((await errorOf(signed(bedrockAdapter.chatRequest(chat(), bad, false), bad), bad)).status).toBe(403);
  });

  test("no authorization at all is a 403", async () => {
    expect((await errorOf(bedrockAdapter.chatRequest(chat(), target(), false))).message).toBe("Missing Authentication Token");
  });
});

describe("over real HTTP", () => {
  let server: ReturnType<typeof Bun.serve>;
  beforeAll(() => {
    server = Bun.serve({
      port: 0,
      async fetch(req) {
        const url = new URL(req.url);
        const text = await req.text();
        const reply = await bedrockMockDialect.handle(req, url, text ? JSON.parse(text) : null, makeCtx());
        if (reply.kind === "json") return Response.json(reply.body, { status: reply.status, headers: reply.headers });
        if (reply.kind === "binary") return new Response(new Blob(reply.frames), { headers: { "content-type": reply.contentType } });
        throw new Error(reply.kind);
      },
    });
  });
  afterAll(() => server.stop(true));

  test("fetch sends exactly what was signed (host included): the mock verifies it and streams back", async () => {
    const t = target({ baseUrl: `http://127.0.0.1:${server.port}` });
    const wire = signed(bedrockAdapter.chatRequest(chat(), t, true), t);
    const res = await fetch(wire.url, { method: wire.method, headers: wire.headers, body: wire.body });
    expect(res.status).toBe(200);
    const d = bedrockAdapter.chatStreamDecoder(t);
    if (!d.binary) throw new Error("binary decoder expected");
    const chunks: ChatChunk[] = [];
    for await (const piece of res.body!) chunks.push(...d.push(piece));
    chunks.push(...d.end());
    expect(text(chunks)).toBe("mock reply to: hello there alpha");
  });
});
