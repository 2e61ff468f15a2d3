import { describe, expect, test } from "bun:test";
import { decodeMessage, stringHeader } from "../../providers/bedrock/eventstream";
import { createBedrockStreamDecoder } from "../../providers/bedrock/stream";
import { concatBytes, fixtureStream, target } from "../../providers/bedrock/__fixtures__";
import type { ChatChunk } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import type { Frame } from "../types";
import { createConverseStreamEncoder } from "./stream";
import { decodeFrames, fixtureChunks } from "./__fixtures__";

/** A clock that advances 250 ms per reading, so metrics.latencyMs is deterministic. */
function clock() {
  let t = 1_000_000;
  return () => (t += 250);
}

function encode(chunks: ChatChunk[]): Frame[] {
  const enc = createConverseStreamEncoder(clock());
  return [...chunks.flatMap((c) => enc.chunk(c)), ...enc.end()];
}

/** Canonical chunks as our provider decoder reads a byte stream (the same framing the AWS SDKs read). */
function decodeToChunks(bytes: Uint8Array): ChatChunk[] {
  const d = createBedrockStreamDecoder(target(), () => 0, () => "id");
  return [...d.push(bytes), ...d.end()];
}

describe("OpenAI-style chunks → ConverseStream events", () => {
  test("messageStart, text delta, tool-use blocks with contentBlockStart, messageStop tool_use, metadata with usage", () => {
    expect(decodeFrames(encode(fixtureChunks("openai-tool-call.chunks.jsonl")))).toEqual([
      { type: "messageStart", payload: { role: "assistant" } },
      { type: "contentBlockDelta", payload: { contentBlockIndex: 0, delta: { text: "Checking" } } },
      { type: "contentBlockStop", payload: { contentBlockIndex: 0 } },
      { type: "contentBlockStart", payload: { contentBlockIndex: 1, start: { toolUse: { toolUseId: "call_abc123", name: "get_weather" } } } },
      { type: "contentBlockDelta", payload: { contentBlockIndex: 1, delta: { toolUse: { input: '{"city":' } } } },
      { type: "contentBlockDelta", payload: { contentBlockIndex: 1, delta: { toolUse: { input: '"Paris"}' } } } },
      { type: "contentBlockStop", payload: { contentBlockIndex: 1 } },
      { type: "contentBlockStart", payload: { contentBlockIndex: 2, start: { toolUse: { toolUseId: "call_def456", name: "get_time" } } } },
      { type: "contentBlockDelta", payload: { contentBlockIndex: 2, delta: { toolUse: { input: "{}" } } } },
      { type: "contentBlockStop", payload: { contentBlockIndex: 2 } },
      { type: "messageStop", payload: { stopReason: "tool_use" } },
      { type: "metadata", payload: { usage: { inputTokens: 18, outputTokens: 17, totalTokens: 99, cacheReadInputTokens: 64 }, metrics: { latencyMs: 250 } } },
    ]);
  });

  test("every frame has the headers the AWS SDK dispatches on", () => {
    for (const f of encode(fixtureChunks("openai-tool-call.chunks.jsonl"))) {
      const m = decodeMessage(f as Uint8Array);
      expect(stringHeader(m.headers, ":message-type")).toBe("event");
      expect(stringHeader(m.headers, ":content-type")).toBe("application/json");
      expect(stringHeader(m.headers, ":event-type")).toBeString();
    }
  });

  test("contentType is application/vnd.amazon.eventstream", () => {
    expect(createConverseStreamEncoder().contentType).toBe("application/vnd.amazon.eventstream");
  });

  test("usage on the finish chunk (Anthropic-style upstreams) reaches metadata too", () => {
    const chunks: ChatChunk[] = [
      { id: "x", object: "chat.completion.chunk", created: 0, model: "m", choices: [{ index: 0, delta: { role: "assistant", content: "Hi" }, finish_reason: null }] },
      { id: "x", object: "chat.completion.chunk", created: 0, model: "m", choices: [{ index: 0, delta: {}, finish_reason: "length" }], usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 } },
    ];
    const events = decodeFrames(encode(chunks));
    expect(events.at(-2)).toEqual({ type: "messageStop", payload: { stopReason: "max_tokens" } });
    expect(events.at(-1)!.payload.usage).toEqual({ inputTokens: 5, outputTokens: 1, totalTokens: 6 });
  });

  test("an upstream that ends without finish_reason still gets messageStart, messageStop end_turn and metadata", () => {
    expect(decodeFrames(encode([])).map((e) => e.type)).toEqual(["messageStart", "messageStop", "metadata"]);
  });

  test("reasoning repeated in reasoning_details is sent once; the signature follows in the same block", () => {
    const chunk = (delta: ChatChunk["choices"][0]["delta"]): ChatChunk => ({ id: "x", object: "chat.completion.chunk", created: 0, model: "m", choices: [{ index: 0, delta, finish_reason: null }] });
    const events = decodeFrames(
      encode([chunk({ reasoning: "hmm", reasoning_details: [{ type: "reasoning.text", text: "hmm" }] }), chunk({ reasoning_details: [{ type: "reasoning.text", signature: "sig" }] }), chunk({ content: "ok" })]),
    );
    expect(events.slice(1, 5)).toEqual([
      { type: "contentBlockDelta", payload: { contentBlockIndex: 0, delta: { reasoningContent: { text: "hmm" } } } },
      { type: "contentBlockDelta", payload: { contentBlockIndex: 0, delta: { reasoningContent: { signature: "sig" } } } },
      { type: "contentBlockStop", payload: { contentBlockIndex: 0 } },
      { type: "contentBlockDelta", payload: { contentBlockIndex: 1, delta: { text: "ok" } } },
    ]);
  });
});

describe("round trip through our Bedrock decoder", () => {
  test.each(["text", "tool-call", "parallel-tool-calls", "reasoning", "cache-usage", "guardrail"])(
    "%s: Bedrock bytes → canonical → re-encoded bytes → the same canonical chunks",
    (name) => {
      const canonical = decodeToChunks(fixtureStream(`${name}.events.txt`));
      const reencoded = concatBytes(encode(canonical) as Uint8Array[]);
      expect(decodeToChunks(reencoded)).toEqual(canonical);
    },
  );

  test("the re-encoded bytes decode the same when split at every offset", () => {
    const canonical = decodeToChunks(fixtureStream("tool-call.events.txt"));
    const bytes = concatBytes(encode(canonical) as Uint8Array[]);
    for (let i = 1; i < bytes.length; i += 3) {
      const d = createBedrockStreamDecoder(target(), () => 0, () => "id");
      expect([...d.push(bytes.subarray(0, i)), ...d.push(bytes.subarray(i)), ...d.end()]).toEqual(canonical);
    }
  });
});

describe("errors", () => {
  test("error() is one exception frame the SDK throws as the modeled exception", () => {
    const enc = createConverseStreamEncoder();
    enc.chunk({ id: "x", object: "chat.completion.chunk", created: 0, model: "m", choices: [{ index: 0, delta: { content: "Once" }, finish_reason: null }] });
    const frames = enc.error(new BifrostError({ status: 503, message: "provider overloaded" }));
    expect(decodeFrames(frames)).toEqual([{ type: "!serviceUnavailableException", payload: { message: "provider overloaded" } }]);
  });

  test("our decoder turns it back into the same status and message", () => {
    const enc = createConverseStreamEncoder();
    const bytes = concatBytes([...(enc.chunk({ id: "x", object: "chat.completion.chunk", created: 0, model: "m", choices: [{ index: 0, delta: { content: "Once" }, finish_reason: null }] }) as Uint8Array[]), ...(enc.error(new BifrostError({ status: 429, message: "slow" })) as Uint8Array[])]);
    expect(() => decodeToChunks(bytes)).toThrow(expect.objectContaining({ status: 429, message: "slow" }));
  });
});
