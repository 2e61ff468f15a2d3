/**
 * Throws broken input at every endpoint: truncated and random JSON, wrong types, huge strings,
 * deep nesting, invalid UTF-8. Every answer must be JSON and never a 5xx; no request may hang;
 * the server (and its workers) must stay healthy. The cases go to the app in this process; the server
 * is then asked over its socket whether it is still up.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { openGateway, type Gateway } from "../support/gateway";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";

let mock: MockUpstream;
let gw: Gateway;
/** Requests sent and not answered yet: what a run that timed out was waiting on. */
const unanswered = new Set<{ name: string; path: string }>();

beforeAll(async () => {
  mock = await startMockUpstream({ record: false });
  gw = await openGateway(
    {
      client: { max_request_body_size_mb: 2 },
      providers: {
        openai: { keys: [{ value: "sk-fuzz-0001" }], network_config: { base_url: mock.url } },
        anthropic: { keys: [{ value: "sk-ant-fuzz-0001" }], network_config: { base_url: mock.url } },
      },
    },
    { workers: 2 }, // broken input must not crash a provider worker either
  );
}, 60_000);
afterAll(async () => {
  if (unanswered.size) console.error(`fuzz: no answer to\n  ${[...unanswered].map((c) => `${c.path} ${c.name}`).join("\n  ")}`);
  await gw?.close();
  await mock?.stop();
});

/** A small deterministic PRNG so a failure reproduces. */
function rng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

const CHAT = { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], temperature: 0.5 };
/** Each endpoint with a valid body to break; chat twice, since streaming takes its own path. */
const TARGETS: Array<[string, Record<string, unknown>]> = [
  ["/v1/chat/completions", CHAT],
  ["/v1/chat/completions", { ...CHAT, model: "anthropic/claude-3-5-haiku-latest", stream: true }],
  ["/v1/embeddings", { model: "openai/text-embedding-3-small", input: ["a", "b"] }],
  ["/v1/completions", { model: "openai/gpt-4o-mini", prompt: "hi", max_tokens: 5 }],
  ["/v1/responses", { model: "openai/gpt-4o-mini", input: [{ role: "user", content: "hi" }] }],
  ["/v1/rerank", { model: "openai/rerank", query: "q", documents: ["a"] }],
  ["/v1/images/generations", { model: "openai/dall-e-3", prompt: "a cat", n: 1 }],
  ["/v1/audio/speech", { model: "openai/tts-1", voice: "alloy", input: "hi" }],
  ["/anthropic/v1/messages", { model: "openai/gpt-4o-mini", max_tokens: 10, messages: [{ role: "user", content: "hi" }], stream: true }],
  ["/genai/v1beta/models/openai/gpt-4o-mini:generateContent", { contents: [{ role: "user", parts: [{ text: "hi" }] }] }],
  ["/bedrock/model/openai%2Fgpt-4o-mini/converse", { messages: [{ role: "user", content: [{ text: "hi" }] }] }],
  ["/cohere/v2/chat", { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }],
  ["/api/plugins/none", { config: {} }],
];
const WEIRD_VALUES: unknown[] = [null, 0, -1, 1e308, "", "x".repeat(5000), true, [], {}, [[]], { a: { b: {} } }, "anthropic/claude-3", "\u0000\uffff"];

function cases(): Array<{ name: string; path: string; body: string | Uint8Array }> {
  const r = rng(42);
  const out: Array<{ name: string; path: string; body: string | Uint8Array }> = [];
  for (const [path, base] of TARGETS) {
    const valid = JSON.stringify(base);
    for (let i = 0; i < valid.length; i += 3) out.push({ name: `truncated at ${i}`, path, body: valid.slice(0, i) });
    for (let i = 0; i < 25; i++) {
      const bytes = new Uint8Array(1 + Math.floor(r() * 300));
      for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(r() * 256);
      out.push({ name: `random bytes #${i}`, path, body: bytes });
    }
    for (const field of [...Object.keys(base), "model", "stream", "tools", "tool_choice", "stop", "n", "max_tokens"]) {
      for (const v of WEIRD_VALUES) out.push({ name: `${field}=${JSON.stringify(v).slice(0, 20)}`, path, body: JSON.stringify({ ...base, [field]: v }) });
    }
    for (const v of WEIRD_VALUES) {
      out.push({ name: `messages[0].content=${JSON.stringify(v).slice(0, 20)}`, path, body: JSON.stringify({ ...base, messages: [{ role: "user", content: v }] }) });
      out.push({ name: `messages[0]=${JSON.stringify(v).slice(0, 20)}`, path, body: JSON.stringify({ ...base, messages: [v] }) });
    }
    for (const top of ["null", "1", '"str"', "[]", "[{}]", "true", "{}", ""]) out.push({ name: `top-level ${top}`, path, body: top });
    out.push({ name: "deep array nesting", path, body: "[".repeat(200_000) + "]".repeat(200_000) });
    out.push({ name: "deep object nesting in metadata", path, body: `{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"metadata":${'{"a":'.repeat(5000)}1${"}".repeat(5000)}}` });
    out.push({ name: "deep nesting in an unknown field", path, body: `{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"input":"x","extra":${"[".repeat(50_000)}${"]".repeat(50_000)}}` });
    out.push({ name: "huge model name", path, body: JSON.stringify({ ...base, model: "openai/" + "m".repeat(100_000) }) });
    out.push({ name: "huge content", path, body: JSON.stringify({ ...base, messages: [{ role: "user", content: "y".repeat(1_500_000) }] }) });
    out.push({ name: "over the body limit", path, body: "z".repeat(2 * 1024 * 1024 + 1) });
    const utf8 = new TextEncoder().encode(valid.replace('"hi"', '"h__i"').replace('"a"', '"a__"'));
    const at = utf8.indexOf(95);
    utf8[at] = 0xff;
    utf8[at + 1] = 0xfe;
    out.push({ name: "invalid UTF-8", path, body: utf8 });
    out.push({ name: "lone surrogate escape", path, body: valid.replace('"hi"', '"\\ud800"').replace('"a"', '"\\udfff"') });
  }
  return out;
}

/**
 * The OpenAI surface answers the gateway's error shape; each drop-in dialect answers its vendor's own
 * (what that vendor's SDK parses): some JSON with an error message in it, never a stack trace.
 */
function errorShapeProblem(path: string, status: number, text: string): string | null {
  let j: any;
  try {
    j = JSON.parse(text);
  } catch {
    return `${status} not JSON: ${text.slice(0, 100)}`;
  }
  const dialect = /^\/(anthropic|genai|bedrock|cohere)\/|^\/v1\/responses/.test(path);
  const message = j?.error?.message ?? j?.message;
  if (typeof message !== "string" || !message) return `no error message: ${text.slice(0, 200)}`;
  if (!dialect && j.status_code !== status) return `not the gateway's error shape: ${text.slice(0, 200)}`;
  if (/\n\s+at .*\.ts:\d+/.test(text)) return `a stack trace leaked: ${text.slice(0, 200)}`;
  return null;
}

// No deadline per request: one deeply nested body holds the gateway for seconds, far longer on a loaded
// machine. A request that never answers fails the test by its timeout, and afterAll names it.
test("every broken request gets a JSON answer below 500, none hangs, and the server stays up", async () => {
  const all = cases();
  const failures: string[] = [];
  const CONCURRENCY = 8;
  let next = 0;
  const worker = async () => {
    while (next < all.length) {
      const c = all[next++]!;
      unanswered.add(c);
      {
        // One request; what counts as a failure is decided below.
        let status = 0;
        let text = "";
        let contentType = "";
        try {
          const res = await gw.fetch(c.path, {
            method: c.path.startsWith("/api/") ? "PUT" : "POST",
            headers: { "content-type": "application/json" },
            body: c.body,
          });
          status = res.status;
          contentType = res.headers.get("content-type") ?? "";
          text = await res.text();
        } catch (e) {
          failures.push(`${c.path} ${c.name}: ${(e as Error).name} ${(e as Error).message}`);
          continue;
        } finally {
          unanswered.delete(c);
        }
        if (status >= 500) failures.push(`${c.path} ${c.name}: ${status} ${text.slice(0, 200)}`);
        else if (status >= 400) {
          const problem = errorShapeProblem(c.path, status, text);
          if (problem) failures.push(`${c.path} ${c.name}: ${problem}`);
        } else if (contentType.includes("json")) {
          try {
            JSON.parse(text);
          } catch {
            failures.push(`${c.path} ${c.name}: ${status} not JSON: ${text.slice(0, 100)}`);
          }
        }
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  expect(failures).toEqual([]);
  expect(all.length).toBeGreaterThan(1000);
  const health = await fetch(gw.url + "/health");
  expect(health.status).toBe(200);
  // The workers still serve real traffic.
  const ok = await fetch(gw.url + "/v1/chat/completions", { method: "POST", body: JSON.stringify(CHAT) });
  expect(ok.status).toBe(200);
  expect(gw.output()).not.toMatch(/\n\s+at .*\.ts:\d+/); // no stack traces logged
}, 300_000);

test("GET routes with garbage query strings and bodies are JSON", async () => {
  for (const path of ["/v1/models?x=%ff%fe", "/health?%%%", "/v1/chat/completions"]) {
    const res = await fetch(gw.url + path);
    expect(res.status).toBeLessThan(500);
    expect(JSON.parse(await res.text())).toBeObject();
  }
});
