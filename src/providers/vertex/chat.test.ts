import { describe, expect, test } from "bun:test";
import type { ChatChunk, ChatRequest } from "../../schemas/chat";
import { vertexAdapter } from "./index";
import { fixtureJson, fixtureText, splits, target } from "./__fixtures__";

const req = (over: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "vertex/gemini-2.0-flash-001",
  messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hello" }],
  max_tokens: 50,
  ...over,
});
const claude = (over = {}) => target({ model: "claude-sonnet-4-5@20250929", ...over });

function decodeAll(t: ReturnType<typeof target>, pieces: string[]): { chunks: ChatChunk[]; done: boolean } {
  const decoder = vertexAdapter.chatStreamDecoder(t);
  if (decoder.binary) throw new Error("text decoder expected");
  const chunks: ChatChunk[] = [];
  for (const p of pieces) chunks.push(...decoder.push(p));
  chunks.push(...decoder.end());
  // The adapter stamps chunks with the wall clock; a run that crosses a second must still compare equal.
  return { chunks: chunks.map((c) => ({ ...c, created: 0 })), done: decoder.done };
}

describe("Gemini models", () => {
  test("POST .../publishers/google/models/{model}:generateContent on the regional host, Gemini's body, no API-key header", () => {
    const wire = vertexAdapter.chatRequest(req(), target({ apiKey: "ya29.token" }), false);
    expect(wire.url).toBe("https://us-central1-aiplatform.googleapis.com/v1/projects/acme-prod/locations/us-central1/publishers/google/models/gemini-2.0-flash-001:generateContent");
    expect(wire.headers).toEqual({ "content-type": "application/json" });
    expect(JSON.parse(wire.body as string)).toEqual({
      contents: [{ role: "user", parts: [{ text: "Hello" }] }],
      systemInstruction: { parts: [{ text: "Be brief." }] },
      generationConfig: { maxOutputTokens: 50 },
    });
  });

  test("streaming uses :streamGenerateContent?alt=sse; the global region uses the global host", () => {
    const t = target({ keyConfig: { project_id: "acme-prod", region: "global" } });
    expect(vertexAdapter.chatRequest(req(), t, true).url).toBe(
      "https://aiplatform.googleapis.com/v1/projects/acme-prod/locations/global/publishers/google/models/gemini-2.0-flash-001:streamGenerateContent?alt=sse",
    );
  });

  test("a response without candidate index (Vertex omits zero values) reads like Gemini's", () => {
    const r = vertexAdapter.chatResponse(fixtureJson("gemini-text.json"), target());
    expect(r.choices).toEqual([{ index: 0, message: { role: "assistant", content: "Hello from Vertex!" }, finish_reason: "stop" }]);
    expect(r.model).toBe("gemini-2.0-flash-001");
    expect(r.usage).toEqual({ prompt_tokens: 4, completion_tokens: 5, total_tokens: 9, prompt_tokens_details: { cached_tokens: 0 } });
  });

  test("the stream decodes the same for every split", () => {
    const expected = decodeAll(target(), [fixtureText("gemini-text.chunks.txt")]);
    expect(expected.chunks.map((c) => c.choices[0]!.delta.content ?? c.choices[0]!.finish_reason)).toEqual(["", "Hello", " from Vertex!", "stop"]);
    for (const [split, pieces] of splits(fixtureText("gemini-text.chunks.txt"))) expect({ split, ...decodeAll(target(), pieces) }).toEqual({ split, ...expected });
  });
});

describe("Claude models", () => {
  test("POST .../publishers/anthropic/models/{model}:rawPredict with Anthropic's body minus model, plus anthropic_version", () => {
    const wire = vertexAdapter.chatRequest(req({ model: "vertex/claude-sonnet-4-5@20250929" }), claude(), false);
    expect(wire.url).toBe(
      "https://us-central1-aiplatform.googleapis.com/v1/projects/acme-prod/locations/us-central1/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict",
    );
    expect(JSON.parse(wire.body as string)).toEqual({
      anthropic_version: "vertex-2023-10-16",
      messages: [{ role: "user", content: [{ type: "text", text: "Hello" }] }],
      system: [{ type: "text", text: "Be brief." }],
      max_tokens: 50,
    });
  });

  test("streaming uses :streamRawPredict with stream: true", () => {
    const wire = vertexAdapter.chatRequest(req(), claude(), true);
    expect(wire.url).toEndWith("/publishers/anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict");
    expect(JSON.parse(wire.body as string).stream).toBe(true);
  });

  test("never sends x-api-key or anthropic-version headers (Vertex authenticates with a bearer token); extra headers pass", () => {
    const wire = vertexAdapter.chatRequest(req(), claude({ apiKey: "ya29.token", extraHeaders: { "Anthropic-Beta": "context-1m-2025-08-07" } }), false);
    expect(wire.headers).toEqual({ "content-type": "application/json", "anthropic-beta": "context-1m-2025-08-07" });
  });

  test("the response and the stream are Anthropic's", () => {
    expect(vertexAdapter.chatResponse(fixtureJson("claude-text.json"), claude()).choices[0]!.message.content).toBe("Hello from Claude on Vertex.");
    const { chunks, done } = decodeAll(claude(), [fixtureText("claude-text.chunks.txt")]);
    expect(done).toBe(true);
    expect(chunks.map((c) => c.choices[0]!.delta.content ?? c.choices[0]!.finish_reason)).toEqual(["", "Hello from", " Claude on Vertex.", "stop"]);
    expect(chunks.at(-1)!.usage).toEqual({ prompt_tokens: 12, completion_tokens: 9, total_tokens: 21, prompt_tokens_details: { cached_tokens: 0 } });
  });

  test("Anthropic's own rules still apply (n > 1 is a 400)", () => {
    expect(() => vertexAdapter.chatRequest(req({ n: 2 }), claude(), false)).toThrow(expect.objectContaining({ status: 400, param: "n" }));
  });
});

describe("errors", () => {
  test("Google's error shape keeps status and Google's status name", () => {
    const e = vertexAdapter.errorFromResponse(404, fixtureText("error-not-found.json"), target());
    expect([e.status, e.type, e.isBifrostError, e.extra]).toEqual([404, "NOT_FOUND", false, { provider: "vertex" }]);
    expect(e.message).toStartWith("Publisher Model `projects/acme-prod");
  });

  test("Anthropic's error shape (Claude) keeps Anthropic's type", () => {
    const e = vertexAdapter.errorFromResponse(529, fixtureText("error-claude-overloaded.json"), claude());
    expect([e.status, e.type, e.message]).toEqual([529, "overloaded_error", "Overloaded"]);
  });

  test("a key config without project_id fails before anything is sent", () => {
    expect(() => vertexAdapter.chatRequest(req(), target({ keyConfig: {} }), false)).toThrow(expect.objectContaining({ status: 500 }));
  });
});
