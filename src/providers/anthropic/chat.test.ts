import { describe, expect, test } from "bun:test";
import type { ChatRequest } from "../../schemas/chat";
import { anthropicChatRequest, toAnthropicRequest } from "./chat";
import { target, TEST_KEY } from "./__fixtures__";

const req = (over: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "anthropic/claude-sonnet-4-5-20250929",
  messages: [{ role: "user", content: "Hello" }],
  ...over,
});
const body = (over: Partial<ChatRequest> = {}, stream = false) => toAnthropicRequest(req(over), target(), stream);

describe("wire request", () => {
  test("POSTs JSON to /v1/messages with x-api-key and anthropic-version", () => {
    const wire = anthropicChatRequest(req(), target(), false);
    expect(wire.url).toBe("https://api.anthropic.com/v1/messages");
    expect(wire.method).toBe("POST");
    expect(wire.headers).toEqual({ "content-type": "application/json", "anthropic-version": "2023-06-01", "x-api-key": TEST_KEY });
    expect(JSON.parse(wire.body as string)).toEqual({
      model: "claude-sonnet-4-5-20250929",
      messages: [{ role: "user", content: [{ type: "text", text: "Hello" }] }],
      max_tokens: 4096,
    });
  });

  test("extra headers are added and override defaults, whatever their case", () => {
    const t = target({ extraHeaders: { "Anthropic-Beta": "prompt-caching-2024-07-31", "Anthropic-Version": "2024-01-01" } });
    expect(anthropicChatRequest(req(), t, false).headers).toEqual({
      "content-type": "application/json",
      "anthropic-version": "2024-01-01",
      "anthropic-beta": "prompt-caching-2024-07-31",
      "x-api-key": TEST_KEY,
    });
  });

  test("x-api-key is replaced only when extra headers set it", () => {
    const h = anthropicChatRequest(req(), target({ extraHeaders: { "X-Api-Key": "other" } }), false).headers;
    expect(h["x-api-key"]).toBe("other");
    expect(Object.keys(h).filter((k) => k.toLowerCase() === "x-api-key")).toHaveLength(1);
  });

  test("a keyless target sends no empty x-api-key", () => {
    expect(anthropicChatRequest(req(), target({ apiKey: "" }), false).headers).not.toHaveProperty("x-api-key");
  });

  test("stream: true only when streaming", () => {
    expect(body({}, true).stream).toBe(true);
    expect(body({ stream: true }, false)).not.toHaveProperty("stream");
  });
});

describe("parameters", () => {
  test("uses the target's model, not the canonical prefixed one", () => {
    expect(body().model).toBe("claude-sonnet-4-5-20250929");
  });

  test("max_tokens defaults to 4096", () => {
    expect(body().max_tokens).toBe(4096);
  });

  test("max_tokens and max_completion_tokens pass; max_completion_tokens wins", () => {
    expect(body({ max_tokens: 100 }).max_tokens).toBe(100);
    expect(body({ max_completion_tokens: 200 }).max_tokens).toBe(200);
    expect(body({ max_tokens: 100, max_completion_tokens: 200 }).max_tokens).toBe(200);
  });

  test("stop string and array become stop_sequences; null and [] are omitted", () => {
    expect(body({ stop: "END" }).stop_sequences).toEqual(["END"]);
    expect(body({ stop: ["\n\nHuman:", "END"] }).stop_sequences).toEqual(["\n\nHuman:", "END"]);
    expect(body({ stop: null })).not.toHaveProperty("stop_sequences");
    expect(body({ stop: [] })).not.toHaveProperty("stop_sequences");
  });

  test("temperature, top_p and top_k pass; user becomes metadata.user_id", () => {
    const b = body({ temperature: 0.2, top_p: 0.9, top_k: 40, user: "user-123" });
    expect(b).toMatchObject({ temperature: 0.2, top_p: 0.9, top_k: 40, metadata: { user_id: "user-123" } });
  });

  test("temperature 0 is kept (not dropped as falsy)", () => {
    expect(body({ temperature: 0 }).temperature).toBe(0);
  });

  test("fields Anthropic does not know are not forwarded", () => {
    const b = body({
      presence_penalty: 1,
      frequency_penalty: 1,
      seed: 7,
      logprobs: true,
      response_format: { type: "json_object" },
      stream_options: { include_usage: true },
      metadata: { trace: "x" },
      fallbacks: ["openai/gpt-4o"],
      n: 1,
      some_vendor_field: true,
    } as any);
    expect(Object.keys(b).sort()).toEqual(["max_tokens", "messages", "model"]);
  });

  test("n > 1 is a 400 (Anthropic returns one choice)", () => {
    expect(() => body({ n: 2 })).toThrow(expect.objectContaining({ status: 400, param: "n" }));
  });

  test("system messages go to top-level system", () => {
    expect(body({ messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }] }).system).toEqual([{ type: "text", text: "Be brief." }]);
  });
});

describe("tools in the request", () => {
  const tools = [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: {} } } }];

  test("tools and tool_choice are translated", () => {
    const b = body({ tools, tool_choice: "required", parallel_tool_calls: false });
    expect(b.tools).toEqual([{ name: "get_weather", input_schema: { type: "object", properties: {} } }]);
    expect(b.tool_choice).toEqual({ type: "any", disable_parallel_tool_use: true });
  });

  test("no tool_choice field unless asked for", () => {
    expect(body({ tools })).not.toHaveProperty("tool_choice");
  });

  test("tool_choice without tools is omitted (Anthropic rejects it)", () => {
    const b = body({ tool_choice: "auto", parallel_tool_calls: false });
    expect(b).not.toHaveProperty("tool_choice");
    expect(b).not.toHaveProperty("tools");
  });
});

describe("thinking", () => {
  test.each([
    ["low", 1024],
    ["medium", 4096],
    ["high", 16384],
  ])("reasoning_effort %s → budget %d, max_tokens raised above it", (effort, budget) => {
    const b = body({ reasoning_effort: effort });
    expect(b.thinking).toEqual({ type: "enabled", budget_tokens: budget });
    expect(b.max_tokens).toBe(budget >= 4096 ? budget + 4096 : 4096);
    expect(b.max_tokens).toBeGreaterThan(budget);
  });

  test.each(["none", "minimal", "turbo"])("reasoning_effort %s → no thinking", (effort) => {
    expect(body({ reasoning_effort: effort })).not.toHaveProperty("thinking");
  });

  test("reasoning.max_tokens sets the budget and wins over effort", () => {
    const b = body({ reasoning: { max_tokens: 2000, effort: "high" }, max_tokens: 8000 });
    expect(b.thinking).toEqual({ type: "enabled", budget_tokens: 2000 });
    expect(b.max_tokens).toBe(8000);
  });

  test("reasoning.effort works like reasoning_effort", () => {
    expect(body({ reasoning: { effort: "medium" } }).thinking).toEqual({ type: "enabled", budget_tokens: 4096 });
  });

  test("reasoning.max_tokens 0 disables thinking", () => {
    expect(body({ reasoning: { max_tokens: 0 }, reasoning_effort: "high" })).not.toHaveProperty("thinking");
  });

  test("a budget below Anthropic's 1024 minimum is raised to it", () => {
    expect(body({ reasoning: { max_tokens: 500 } }).thinking).toEqual({ type: "enabled", budget_tokens: 1024 });
  });

  test("max_tokens not above the budget is raised to budget + 4096", () => {
    expect(body({ reasoning_effort: "medium", max_tokens: 1000 }).max_tokens).toBe(8192);
    expect(body({ reasoning_effort: "medium", max_tokens: 4096 }).max_tokens).toBe(8192);
    expect(body({ reasoning_effort: "medium", max_tokens: 4097 }).max_tokens).toBe(4097);
  });
});
