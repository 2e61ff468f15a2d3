import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { fixtures } from "../../../tests/support/fixtures";
import { BifrostError } from "../../schemas/error";
import type { ProviderTarget } from "../types";
import { createOpenAIAdapter, createOpenAIStreamDecoder } from "./adapter";

const target: ProviderTarget = { provider: "openai", model: "gpt-4o-mini", baseUrl: "https://api.openai.com", apiKey: "sk-test", extraHeaders: { "x-team": "a" } };
const { fixtureText } = fixtures(join(import.meta.dir, "__fixtures__"));
const adapter = createOpenAIAdapter({ kind: "openai" });

/** Feed the transcript split at `at` (every offset when -1 is not given). */
function decodeSplit(text: string, cuts: number[]) {
  const dec = createOpenAIStreamDecoder(target);
  const out = [];
  let prev = 0;
  for (const c of [...cuts, text.length]) {
    out.push(...dec.push(text.slice(prev, c)));
    prev = c;
  }
  out.push(...dec.end());
  return { chunks: out, done: dec.done };
}

describe("openai request translation", () => {
  test("strips the provider prefix, keeps unknown params, drops gateway-only fields", () => {
    const w = adapter.chatRequest(
      { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], fallbacks: ["anthropic/claude"], service_tier: "flex" } as any,
      target,
      false,
    );
    expect(w.url).toBe("https://api.openai.com/v1/chat/completions");
    expect(w.headers).toMatchObject({ authorization: "Bearer sk-test", "x-team": "a", "content-type": "application/json" });
    const body = JSON.parse(w.body as string);
    expect(body).toEqual({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], service_tier: "flex" });
  });

  test("streams always ask for usage, keeping the caller's stream options", () => {
    const w = adapter.chatRequest({ model: "x", messages: [{ role: "user", content: "hi" }], stream: true } as any, target, true);
    expect(JSON.parse(w.body as string)).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  test("providers with their own paths (perplexity) use them", () => {
    const pplx = createOpenAIAdapter({ kind: "perplexity", chatPath: "/chat/completions", embeddingsPath: null, modelsPath: null });
    expect(pplx.chatRequest({ model: "x", messages: [] } as any, { ...target, baseUrl: "https://api.perplexity.ai" }, false).url).toBe(
      "https://api.perplexity.ai/chat/completions",
    );
    expect(pplx.capabilities.has("embeddings")).toBe(false);
  });
});

describe("openai stream decoding", () => {
  test("a tool-call stream decodes the same at every split point, usage included", async () => {
    const text = fixtureText("tool-call.chunks.txt");
    const whole = decodeSplit(text, []);
    expect(whole.done).toBe(true);
    expect(whole.chunks).toHaveLength(5);
    const args = whole.chunks.flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls ?? [])).map((t) => t.function?.arguments ?? "").join("");
    expect(JSON.parse(args)).toEqual({ city: "Paris — ☀" });
    expect(whole.chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 9, prompt_tokens_details: { cached_tokens: 4 } });
    for (let i = 1; i < text.length; i++) expect(decodeSplit(text, [i]).chunks).toEqual(whole.chunks);
  });

  test("CRLF line endings split between \\r and \\n decode the same", async () => {
    const text = fixtureText("tool-call.chunks.txt").replace(/\n/g, "\r\n");
    const whole = decodeSplit(text, []).chunks;
    expect(whole).toHaveLength(5);
    for (let i = 1; i < text.length; i += 7) expect(decodeSplit(text, [i]).chunks).toEqual(whole);
  });

  test("an error event mid-stream throws the upstream's message", () => {
    const dec = createOpenAIStreamDecoder(target);
    expect(() => dec.push('data: {"error":{"message":"model overloaded","type":"server_error"}}\n\n')).toThrow(BifrostError);
    const dec2 = createOpenAIStreamDecoder(target);
    try {
      dec2.push('data: {"error":{"message":"model overloaded","type":"server_error"}}\n\n');
    } catch (e) {
      expect((e as BifrostError).message).toBe("model overloaded");
      expect((e as BifrostError).isBifrostError).toBe(false);
    }
  });

  test("a malformed event is a 502", () => {
    const dec = createOpenAIStreamDecoder(target);
    expect(() => dec.push("data: {not json\n\n")).toThrow("malformed stream event");
  });
});

describe("openai errors", () => {
  test("keep the upstream status, message, type and code", () => {
    const e = adapter.errorFromResponse(429, '{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded","param":null}}', target);
    expect(e.toJSON()).toMatchObject({
      is_bifrost_error: false,
      status_code: 429,
      error: { type: "requests", code: "rate_limit_exceeded", message: "Rate limit reached" },
      extra_fields: { provider: "openai" },
    });
  });

  test("a non-JSON body becomes the message", () => {
    expect(adapter.errorFromResponse(502, "<html>Bad gateway</html>", target).message).toBe("<html>Bad gateway</html>");
    expect(adapter.errorFromResponse(503, "", target).message).toBe("upstream returned 503");
  });
});

describe("mistral quirks (data in the catalog)", () => {
  test("seed is renamed, unknown fields dropped, no stream_options", async () => {
    const { getAdapter } = await import("../index");
    const w = getAdapter("mistral").chatRequest(
      { model: "m", messages: [{ role: "user", content: "hi" }], seed: 7, user: "u", max_completion_tokens: 9, logprobs: true } as any,
      { ...target, provider: "mistral", model: "mistral-small-latest" },
      true,
    );
    const body = JSON.parse(w.body as string);
    expect(body).toEqual({ model: "mistral-small-latest", messages: [{ role: "user", content: "hi" }], random_seed: 7, max_tokens: 9, stream: true });
  });
});

describe("mistral tool-call ids", () => {
  test("ids from another provider are rewritten to 9 letters or digits, a call and its result alike; valid ids stay", async () => {
    const { getAdapter } = await import("../index");
    const w = getAdapter("mistral").chatRequest(
      {
        model: "m",
        messages: [
          { role: "user", content: "weather?" },
          { role: "assistant", content: null, tool_calls: [{ id: "toolu_01A09q90qw90lq917835lq9", type: "function", function: { name: "w", arguments: "{}" } }, { id: "abcDEF123", type: "function", function: { name: "w", arguments: "{}" } }] },
          { role: "tool", tool_call_id: "toolu_01A09q90qw90lq917835lq9", content: "sunny" },
          { role: "tool", tool_call_id: "abcDEF123", content: "rainy" },
        ],
      } as any,
      { ...target, provider: "mistral", model: "mistral-small-latest" },
      false,
    );
    const msgs = JSON.parse(w.body as string).messages;
    const rewritten = msgs[1].tool_calls[0].id;
    expect(rewritten).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(msgs[2].tool_call_id).toBe(rewritten);
    expect(msgs[1].tool_calls[1].id).toBe("abcDEF123");
    expect(msgs[3].tool_call_id).toBe("abcDEF123");
  });
});
