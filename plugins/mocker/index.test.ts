/** mocker in a real pipeline: loaded from plugins/ by name; real providers answer from the mock upstream. */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { testPlugin } from "bifrost/plugin";
import { Bifrost } from "../../src/index";
import mocker from "./index";
import { startMockUpstream, type MockUpstream } from "../../tests/support/mock-upstream";

const PLUGINS_DIR = join(import.meta.dir, "..");
let mock: MockUpstream;
beforeAll(async () => void (mock = await startMockUpstream()));
afterAll(() => mock.stop());
beforeEach(() => mock.reset());

function gateway(config: Record<string, unknown> = {}, withProviders = false) {
  const providers: Record<string, any> = withProviders
    ? { openai: { keys: [{ value: "sk-mocker-1" }], network_config: { base_url: mock.url } }, anthropic: { keys: [{ value: "sk-mocker-2" }], network_config: { base_url: mock.url } } }
    : {};
  return Bifrost.create({ providers, plugins: [{ name: "mocker", config }] }, { workers: 0, pluginsDir: PLUGINS_DIR });
}

const ask = (content: string, model = "mock/gpt-4o-mini", extra: Record<string, unknown> = {}) => ({ model, messages: [{ role: "user" as const, content }], ...extra });

async function collect(bf: Bifrost, req: Record<string, unknown>) {
  const chunks: any[] = [];
  for await (const c of bf.chatStream(req as any)) chunks.push(c);
  return chunks;
}

describe("mock/* models with no rules", () => {
  test("a deterministic reply with word-count usage, its own id and the requested model", async () => {
    const bf = await gateway();
    const res = await bf.chat({ model: "mock/gpt-4o-mini", messages: [{ role: "system", content: "be brief" }, { role: "user", content: "hello there friend" }] });
    expect(res.choices[0]!.message.content).toBe("This is a mock response from Bifrost's mocker plugin to: hello there friend");
    expect(res.choices[0]!.finish_reason).toBe("stop");
    expect(res.id).toMatch(/^mock-\d+$/);
    expect(res.model).toBe("mock/gpt-4o-mini");
    expect(res.usage).toEqual({ prompt_tokens: 5, completion_tokens: 13, total_tokens: 18 });
    expect(res.extra_fields).toMatchObject({ provider: "mock", model_requested: "mock/gpt-4o-mini" });
    const again = await bf.chat(ask("hello there friend"));
    expect(again.id).not.toBe(res.id);
    await bf.shutdown();
  });

  test("the model list offers the configured mock models, after the providers' own", async () => {
    const bf = await gateway({}, true);
    const ids = (await bf.listModels()).data.map((m) => m.id);
    expect(ids.slice(-2)).toEqual(["mock/gpt-4o-mini", "mock/text-embedding-3-small"]);
    expect(ids.length).toBeGreaterThan(2);
    await bf.shutdown();
    const custom = await gateway({ default: { models: ["mock/my-model"] } });
    expect((await custom.listModels()).data.map((m) => m.id)).toEqual(["mock/my-model"]);
    await custom.shutdown();
    const off = await gateway({ default: { enabled: false } });
    expect((await off.listModels()).data).toEqual([]);
    await off.shutdown();
  });

  test("a stream sends the reply word by word, then a finish chunk with usage", async () => {
    const bf = await gateway();
    const chunks = await collect(bf, ask("stream me", "mock/any", { stream: true }));
    expect(chunks[0].choices[0].delta).toEqual({ role: "assistant", content: "" });
    const words = chunks.slice(1, -1).map((c) => c.choices[0].delta.content);
    expect(words.join("")).toBe("This is a mock response from Bifrost's mocker plugin to: stream me");
    expect(words).toHaveLength(12);
    const last = chunks.at(-1);
    expect(last.choices[0].finish_reason).toBe("stop");
    expect(last.usage).toEqual({ prompt_tokens: 2, completion_tokens: 12, total_tokens: 14 });
    await bf.shutdown();
  });

  test("a token count is the prompt tokens the reply would report, as a canonical count", async () => {
    const bf = await gateway();
    const res = await bf.countTokens({ model: "mock/gpt-4o-mini", messages: [{ role: "system", content: "be brief" }, { role: "user", content: "hello there friend" }] });
    expect(res).toMatchObject({ object: "token_count", model: "mock/gpt-4o-mini", input_tokens: 5, extra_fields: { provider: "mock" } });
    await bf.shutdown();
  });

  test("embeddings are deterministic unit vectors, honouring dimensions and base64", async () => {
    const bf = await gateway();
    const a = await bf.embeddings({ model: "mock/text-embedding-3-small", input: ["same text", "other text"], dimensions: 16 });
    const b = await bf.embeddings({ model: "mock/text-embedding-3-small", input: "same text", dimensions: 16 });
    const va = a.data[0]!.embedding as number[];
    expect(va).toHaveLength(16);
    expect(va).toEqual(b.data[0]!.embedding as number[]);
    expect(va).not.toEqual(a.data[1]!.embedding as number[]);
    expect(Math.hypot(...va)).toBeCloseTo(1, 5);
    expect(a.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
    const b64 = await bf.embeddings({ model: "mock/text-embedding-3-small", input: "same text", dimensions: 16, encoding_format: "base64" });
    expect([...new Float32Array(Buffer.from(b64.data[0]!.embedding as string, "base64").buffer.slice(0))]).toEqual(va);
    const full = await bf.embeddings({ model: "mock/e", input: "x" });
    expect(full.data[0]!.embedding).toHaveLength(1536);
    await bf.shutdown();
  });

  test("real providers pass through", async () => {
    const bf = await gateway({}, true);
    const res = await bf.chat(ask("hi", "openai/gpt-4o-mini"));
    expect(res.choices[0]!.message.content).toStartWith("mock reply to: hi");
    expect(mock.requests).toHaveLength(1);
    await bf.shutdown();
  });

  test("with the default switched off, mock/* is an unknown model again", async () => {
    const bf = await gateway({ default: { enabled: false } });
    const e = await bf.chat(ask("hi")).catch((x) => x);
    expect(e.status).toBe(400);
    await bf.shutdown();
  });
});

describe("rules", () => {
  test("match by model glob and content regex; the content is a template", async () => {
    const bf = await gateway({ rules: [{ name: "greeting", match: { model: "gpt-4o*", content: "^hello" }, response: { content: "Canned for {{model}}: {{input}}" } }] }, true);
    const res = await bf.chat(ask("hello world", "openai/gpt-4o-mini"));
    expect(res.choices[0]!.message.content).toBe("Canned for openai/gpt-4o-mini: hello world");
    expect(res.extra_fields).toMatchObject({ provider: "mock", mock_rule: "greeting" });
    expect(mock.requests).toHaveLength(0);
    await bf.chat(ask("goodbye", "openai/gpt-4o-mini"));
    expect(mock.requests).toHaveLength(1); // no match: the real provider answers
    await bf.shutdown();
  });

  test("a provider match and a /regex/ model match", async () => {
    const bf = await gateway({ rules: [{ match: { provider: "anthropic" }, response: { content: "from anthropic rule" } }, { match: { model: "/^openai\\/GPT/i" }, response: { content: "from regex rule" } }] }, true);
    expect((await bf.chat(ask("x", "anthropic/claude-3-5-haiku-latest"))).choices[0]!.message.content).toBe("from anthropic rule");
    expect((await bf.chat(ask("x", "openai/gpt-4o"))).choices[0]!.message.content).toBe("from regex rule");
    expect(mock.requests).toHaveLength(0);
    await bf.shutdown();
  });

  test("an error rule fails the request; fallbacks run unless it says otherwise", async () => {
    const rule = (allow_fallbacks: boolean) => ({ rules: [{ match: { model: "openai/*" }, error: { status: 429, message: "slow down", type: "rate_limit_error", code: "mock_limit", allow_fallbacks } }] });
    let bf = await gateway(rule(false), true);
    const e = await bf.chat(ask("x", "openai/gpt-4o", { fallbacks: ["anthropic/claude-3-5-haiku-latest"] })).catch((x) => x);
    expect(e.status).toBe(429);
    expect(e.toJSON().error).toEqual({ type: "rate_limit_error", code: "mock_limit", message: "slow down", param: null });
    expect(mock.requests).toHaveLength(0);
    await bf.shutdown();
    bf = await gateway(rule(true), true);
    const res = await bf.chat(ask("x", "openai/gpt-4o", { fallbacks: ["anthropic/claude-3-5-haiku-latest"] }));
    expect(res.extra_fields!.provider).toBe("anthropic");
    await bf.shutdown();
  });

  test("tool calls, whole and streamed", async () => {
    const bf = await gateway({ rules: [{ match: { content: "weather" }, response: { tool_calls: [{ function: { name: "get_weather", arguments: { city: "Paris" } } }] } }] });
    const res = await bf.chat(ask("weather in Paris?"));
    expect(res.choices[0]!.finish_reason).toBe("tool_calls");
    expect(res.choices[0]!.message).toMatchObject({ content: null, tool_calls: [{ id: "call_mock_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] });
    const chunks = await collect(bf, ask("weather in Paris?", "mock/m", { stream: true }));
    const args = chunks.map((c) => c.choices[0]?.delta?.tool_calls?.[0]?.function?.arguments ?? "").join("");
    expect(JSON.parse(args)).toEqual({ city: "Paris" });
    expect(chunks.at(-1).choices[0].finish_reason).toBe("tool_calls");
    await bf.shutdown();
  });

  test("probability 0 never fires; latency longer than the default hook budget is honoured", async () => {
    const bf = await gateway({ rules: [{ probability: 0, response: { content: "never" } }, { match: { content: "slow" }, latency_ms: 1100 }] });
    expect((await bf.chat(ask("quick"))).choices[0]!.message.content).not.toBe("never");
    const t0 = performance.now();
    const res = await bf.chat(ask("slow please"));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(1090);
    expect(res.choices[0]!.message.content).toEndWith("slow please");
    await bf.shutdown();
  });

  test("a rule whose regex does not compile fails the plugin's load, naming the rule", async () => {
    const bf = await gateway({ rules: [{ name: "broken", match: { content: "(" } }] });
    expect(bf.plugins.list()[0]).toMatchObject({ state: "failed" });
    expect(bf.plugins.list()[0]!.error).toContain("broken.match.content");
    await bf.shutdown();
  });
});

describe("without a gateway (testPlugin)", () => {
  test("config is checked by path; the hook budget outlasts the slowest configured latency", async () => {
    await expect(testPlugin(mocker, { config: { rules: "all" } })).rejects.toThrow("config.rules: expected array");
    expect((await testPlugin(mocker)).plugin.timeoutMs).toBe(1000);
    expect((await testPlugin(mocker, { config: { default: { latency_ms: 1500 } } })).plugin.timeoutMs).toBe(2500);
  });

  test("a matching rule answers in the pre-hook; a mock/* stream request gets a stream", async () => {
    const p = await testPlugin(mocker, { config: { rules: [{ name: "hi", match: { content: "^hi" }, response: { content: "Canned: {{input}}" } }] } });
    const out = await p.pre(ask("hi there", "openai/gpt-4o"));
    expect(out).toMatchObject({ kind: "respond", response: { choices: [{ message: { content: "Canned: hi there" } }], extra_fields: { mock_rule: "hi" } } });
    expect((await p.pre(ask("bye", "openai/gpt-4o"))).kind).toBe("continue");
    expect((await p.pre(ask("bye", "mock/m", { stream: true }))).kind).toBe("stream");
  });
});
