/** A new user's path: the official SDKs against the running gateway, which talks to a mock upstream. */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { openGateway, type Gateway } from "../support/gateway";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";
import { collectChat as collect } from "../support/openai-stream";

const OPENAI_KEY = "sk-openai-secret-123456";
const ANTHROPIC_KEY = "sk-ant-secret-abcdef";

let mock: MockUpstream;
let gw: Gateway;
let client: OpenAI;

beforeAll(async () => {
  mock = await startMockUpstream();
  gw = await openGateway(
    {
      providers: {
        openai: { keys: [{ name: "oa", value: "env.OA_KEY", models: ["*"], weight: 1 }], network_config: { base_url: mock.url } },
        anthropic: { keys: [{ name: "an", value: "env.AN_KEY", models: ["*"], weight: 1 }], network_config: { base_url: mock.url } },
      },
    },
    // The SDK paths run through the worker pool; the other suites use the default (calls on the server thread).
    { env: { OA_KEY: OPENAI_KEY, AN_KEY: ANTHROPIC_KEY }, workers: 2 },
  );
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "unused", maxRetries: 0 });
});

afterAll(async () => {
  await gw?.close();
  await mock?.stop();
});

describe("openai SDK → openai provider", () => {
  test("chat.completions.create answers with the upstream's reply, usage and extra_fields", async () => {
    const res = await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Hello there" }] });
    expect(res.choices[0]!.message.content).toStartWith("mock reply to: Hello there");
    expect(res.usage!.prompt_tokens).toBeGreaterThan(0);
    expect((res as any).extra_fields).toMatchObject({ provider: "openai", model_requested: "openai/gpt-4o-mini" });
    const up = mock.requests.at(-1)!;
    expect(up.path).toBe("/v1/chat/completions");
    expect(up.body.model).toBe("gpt-4o-mini");
    expect(up.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
  });

  test("stream: true yields chunks whose content joins to the reply, with usage at the end", async () => {
    const { text, usage, finish } = await collect(
      await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Stream me" }], stream: true, stream_options: { include_usage: true } }),
    );
    expect(text).toStartWith("mock reply to: Stream me");
    expect(finish).toBe("stop");
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
  });

  test("embeddings.create returns vectors", async () => {
    const res = await client.embeddings.create({ model: "openai/text-embedding-3-small", input: ["a", "b"] });
    expect(res.data).toHaveLength(2);
    expect(res.data[0]!.embedding.length).toBeGreaterThan(0);
  });

  test("an unprefixed model of a known family routes to its provider", async () => {
    const res = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] });
    expect((res as any).extra_fields.provider).toBe("openai");
  });
});

describe("openai SDK → anthropic provider", () => {
  test("chat answers in OpenAI's shape from Anthropic's Messages API", async () => {
    const res = await client.chat.completions.create({
      model: "anthropic/claude-3-5-haiku-latest",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hello Claude" },
      ],
    });
    expect(res.object).toBe("chat.completion");
    expect(res.choices[0]!.message.content).toStartWith("mock reply to: Hello Claude");
    expect(res.choices[0]!.finish_reason).toBe("stop");
    expect(res.usage!.completion_tokens).toBeGreaterThan(0);
    const up = mock.requests.at(-1)!;
    expect(up.path).toBe("/v1/messages");
    expect(up.headers["x-api-key"]).toBe(ANTHROPIC_KEY);
    expect(up.body.system).toBeDefined();
    expect(up.body.max_tokens).toBeGreaterThan(0);
  });

  test("streaming is mapped to OpenAI chunks, usage included", async () => {
    const { text, usage, finish } = await collect(
      await client.chat.completions.create({ model: "anthropic/claude-3-5-haiku-latest", messages: [{ role: "user", content: "Stream Claude" }], stream: true, stream_options: { include_usage: true } }),
    );
    expect(text).toStartWith("mock reply to: Stream Claude");
    expect(finish).toBe("stop");
    expect(usage.prompt_tokens).toBeGreaterThan(0);
    expect(usage.completion_tokens).toBeGreaterThan(0);
  });

  test("tool calls come back as OpenAI tool_calls, streamed arguments included", async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      { type: "function", function: { name: "search", description: "search the web", parameters: { type: "object", properties: { query: { type: "string" } } } } },
    ];
    const res = await client.chat.completions.create({
      model: "anthropic/claude-3-5-haiku-latest",
      messages: [{ role: "user", content: "use a tool please" }],
      tools,
      tool_choice: "required",
    });
    const call = res.choices[0]!.message.tool_calls![0]! as any;
    expect(res.choices[0]!.finish_reason).toBe("tool_calls");
    expect(call.function.name).toBe("search");
    expect(JSON.parse(call.function.arguments)).toEqual({ query: "use a tool please" });
    expect(mock.requests.at(-1)!.body.tool_choice).toEqual({ type: "any" });

    const stream = await client.chat.completions.create({
      model: "anthropic/claude-3-5-haiku-latest",
      messages: [{ role: "user", content: "use a tool please" }],
      tools,
      stream: true,
    });
    let args = "";
    let name = "";
    for await (const chunk of stream) {
      for (const tc of chunk.choices[0]?.delta?.tool_calls ?? []) {
        name ||= tc.function?.name ?? "";
        args += tc.function?.arguments ?? "";
      }
    }
    expect(name).toBe("search");
    expect(JSON.parse(args)).toEqual({ query: "use a tool please" });
  });

  test("a tool result turn is sent to Anthropic as a tool_result block", async () => {
    await client.chat.completions.create({
      model: "anthropic/claude-3-5-haiku-latest",
      messages: [
        { role: "user", content: "weather?" },
        { role: "assistant", content: null, tool_calls: [{ id: "toolu_1", type: "function", function: { name: "search", arguments: '{"query":"weather"}' } }] },
        { role: "tool", tool_call_id: "toolu_1", content: "sunny" },
      ],
    });
    const msgs = mock.requests.at(-1)!.body.messages;
    expect(msgs[1].content[0]).toMatchObject({ type: "tool_use", id: "toolu_1", name: "search", input: { query: "weather" } });
    expect(msgs[2].content[0]).toMatchObject({ type: "tool_result", tool_use_id: "toolu_1" });
  });
});

describe("models", () => {
  test("GET /v1/models lists the configured providers' models, prefixed", async () => {
    const page = await client.models.list();
    const ids = page.data.map((m) => m.id);
    expect(ids).toContain("openai/gpt-4o-mini");
    expect(ids.some((id) => id.startsWith("anthropic/claude"))).toBe(true);
  });
});

// The Anthropic tests above are only as good as the mock's Anthropic dialect: the official SDK must read it.
test("the mock upstream speaks Anthropic's wire format as the official SDK reads it", async () => {
  const anthropic = new Anthropic({ baseURL: mock.url, apiKey: "sk-ant-direct", maxRetries: 0 });
  const msg = await anthropic.messages.create({ model: "claude-3-5-haiku-latest", max_tokens: 64, messages: [{ role: "user", content: "hi" }] });
  expect(msg.content[0]!.type).toBe("text");
  const stream = anthropic.messages.stream({ model: "claude-3-5-haiku-latest", max_tokens: 64, messages: [{ role: "user", content: "hi" }] });
  const final = await stream.finalMessage();
  expect(final.usage.output_tokens).toBeGreaterThan(0);
  expect((final.content[0] as any).text).toStartWith("mock reply to: hi");
});

test("provider keys never appear in the gateway's output", () => {
  expect(gw.output()).not.toContain(OPENAI_KEY);
  expect(gw.output()).not.toContain(ANTHROPIC_KEY);
});

// Claude Code and other Anthropic-SDK clients mark prompt prefixes for caching; losing the marks costs money.
test("the Anthropic SDK's cache_control marks reach Anthropic, and are dropped for OpenAI (which rejects them)", async () => {
  const claudeShaped = new Anthropic({ baseURL: `${gw.url}/anthropic`, apiKey: "unused", maxRetries: 0 });
  const ask = (model: string) =>
    claudeShaped.messages.create({
      model,
      max_tokens: 64,
      system: [{ type: "text", text: "A long system prompt.", cache_control: { type: "ephemeral" } }],
      messages: [{ role: "user", content: [{ type: "text", text: "A long document.", cache_control: { type: "ephemeral" } }] }],
      tools: [{ name: "search", input_schema: { type: "object", properties: {} }, cache_control: { type: "ephemeral" } }],
    });
  await ask("anthropic/claude-3-5-haiku-latest");
  const toAnthropic = mock.requests.at(-1)!.body;
  expect(toAnthropic.system[0].cache_control).toEqual({ type: "ephemeral" });
  expect(toAnthropic.messages[0].content[0].cache_control).toEqual({ type: "ephemeral" });
  expect(toAnthropic.tools[0].cache_control).toEqual({ type: "ephemeral" });
  await ask("openai/gpt-4o-mini");
  expect(JSON.stringify(mock.requests.at(-1)!.body)).not.toContain("cache_control");
});
