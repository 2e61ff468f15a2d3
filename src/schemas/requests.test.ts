import { describe, expect, test } from "bun:test";
import { validateRequest } from "./requests";
import type { UnaryOp } from "./ops";

const chat = { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] };

function status(op: UnaryOp, body: unknown): number {
  try {
    validateRequest(op, body);
    return 200;
  } catch (e: any) {
    return e.status;
  }
}

describe("the gateway checks shape and type, not value ranges (the provider's business)", () => {
  test.each([
    ["LangChain ChatAnthropic's unset sentinels", { top_k: -1, top_p: -1 }],
    ["a temperature above OpenAI's 2", { temperature: 2.5 }],
    ["a negative temperature", { temperature: -1 }],
    ["penalties outside ±2", { frequency_penalty: 3, presence_penalty: -3 }],
    ["n above 128", { n: 200 }],
    ["max_tokens 0", { max_tokens: 0, max_completion_tokens: 0 }],
    ["top_logprobs above 20", { logprobs: true, top_logprobs: 25 }],
    ["a negative reasoning budget", { reasoning: { max_tokens: -1 } }],
  ])("chat with %s passes", (_, over) => {
    expect(status("chat", { ...chat, ...over })).toBe(200);
  });

  test("the OpenAI-route defaults of LangChain Python, LiteLLM and the Vercel AI SDK pass", () => {
    const defaults = {
      temperature: 0.7, top_p: 1, n: 1, stream: false, stream_options: { include_usage: true }, parallel_tool_calls: true,
      logprobs: false, seed: 0, user: "u-1", max_completion_tokens: 256, frequency_penalty: 0, presence_penalty: 0, stop: null,
    };
    expect(status("chat", { ...chat, ...defaults })).toBe(200);
  });

  test("other operations take any number too: dimensions, top_n, speed, image n, completion and transcription temperature", () => {
    expect(status("embeddings", { model: "m", input: "x", dimensions: 0 })).toBe(200);
    expect(status("rerank", { model: "m", query: "q", documents: ["d"], top_n: 0, max_tokens_per_doc: 0 })).toBe(200);
    expect(status("speech", { model: "m", input: "x", voice: "alloy", speed: 10 })).toBe(200);
    expect(status("imageGeneration", { model: "m", prompt: "p", n: 20 })).toBe(200);
    expect(status("textCompletion", { model: "m", prompt: "p", temperature: 3, max_tokens: 0 })).toBe(200);
    expect(status("transcription", { model: "m", file: { name: "a.wav", type: "audio/wav", base64: "AA==" }, temperature: 1.5 })).toBe(200);
  });

  test("types and shape are still checked", () => {
    expect(status("chat", { ...chat, temperature: "hot" })).toBe(400);
    expect(status("chat", { ...chat, n: 1.5 })).toBe(400);
    expect(status("chat", { ...chat, messages: [] })).toBe(400);
    expect(status("chat", { ...chat, model: "x".repeat(513) })).toBe(400);
    expect(status("embeddings", { model: "m", input: "x", encoding_format: "hex" })).toBe(400);
  });
});
