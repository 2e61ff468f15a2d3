import { describe, expect, test } from "bun:test";
import { BifrostError } from "../../schemas/error";
import { validateChatRequest } from "../../schemas/requests";
import { toChatRequest } from "./request";

const base = { model: "openai/gpt-4o-mini", max_tokens: 256, messages: [{ role: "user", content: "Hi" }] };
const translate = (over: Record<string, unknown>) => toChatRequest({ ...base, ...over }, {});

function rejects(body: unknown): BifrostError {
  try {
    toChatRequest(body, {});
  } catch (e) {
    expect(e).toBeInstanceOf(BifrostError);
    expect((e as BifrostError).status).toBe(400);
    return e as BifrostError;
  }
  throw new Error("expected a 400");
}

describe("anthropic request → canonical", () => {
  test("a minimal request keeps the model as given and maps max_tokens", () => {
    expect(toChatRequest(base, {})).toEqual({ model: "openai/gpt-4o-mini", max_tokens: 256, messages: [{ role: "user", content: "Hi" }] });
  });

  test.each(["model", "max_tokens", "messages"])("missing %s is a 400 naming the field", (field) => {
    const body: Record<string, unknown> = { ...base };
    delete body[field];
    const e = rejects(body);
    expect(e.param).toBe(field);
    expect(e.message).toContain(field);
  });

  test("a non-object body is a 400", () => {
    expect(rejects("hello").message).toContain("JSON object");
  });

  test("system as a string or as text blocks becomes one leading system message", () => {
    expect(translate({ system: "Be brief." }).messages[0]).toEqual({ role: "system", content: "Be brief." });
    const blocks = translate({ system: [{ type: "text", text: "One." }, { type: "text", text: "Two." }] });
    expect(blocks.messages[0]).toEqual({ role: "system", content: "One.\n\nTwo." });
  });

  test("prompt-caching marks survive: system blocks, user text and the tool they are on (regression: cache_control was dropped)", () => {
    const req = translate({
      system: [{ type: "text", text: "One.", cache_control: { type: "ephemeral" } }, { type: "text", text: "Two." }],
      messages: [{ role: "user", content: [{ type: "text", text: "Long document", cache_control: { type: "ephemeral" } }] }],
      tools: [{ name: "ping", input_schema: { type: "object", properties: {} }, cache_control: { type: "ephemeral" } }],
    });
    expect(req.messages[0]).toEqual({ role: "system", content: [{ type: "text", text: "One.", cache_control: { type: "ephemeral" } }, { type: "text", text: "Two." }] });
    expect(req.messages[1]).toEqual({ role: "user", content: [{ type: "text", text: "Long document", cache_control: { type: "ephemeral" } }] });
    expect((req.tools![0] as any).cache_control).toEqual({ type: "ephemeral" });
  });

  test("user text and image blocks become content parts (base64 → data URL, url → url)", () => {
    const req = translate({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
            { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
          ],
        },
      ],
    });
    expect(req.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
          { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
        ],
      },
    ]);
  });

  test("a single text block collapses to string content", () => {
    expect(translate({ messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] }).messages).toEqual([{ role: "user", content: "Hi" }]);
  });

  test("a base64 PDF document becomes a file part", () => {
    const req = translate({
      messages: [{ role: "user", content: [{ type: "document", title: "r.pdf", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" } }, { type: "text", text: "Summarise" }] }],
    });
    expect(req.messages[0]!.content as unknown).toEqual([
      { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0=", filename: "r.pdf" } },
      { type: "text", text: "Summarise" },
    ]);
  });

  test("tool_use in assistant turns → tool_calls; tool_result in user turns → tool messages before the user's text", () => {
    const req = translate({
      messages: [
        { role: "user", content: "Weather in Paris and the time?" },
        {
          role: "assistant",
          content: [
            { type: "text", text: "Checking." },
            { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
            { type: "tool_use", id: "toolu_2", name: "get_time", input: {} },
          ],
        },
        {
          role: "user",
          content: [
            { type: "text", text: "Thanks" },
            { type: "tool_result", tool_use_id: "toolu_1", content: "18°C" },
            { type: "tool_result", tool_use_id: "toolu_2", content: [{ type: "text", text: "12:00" }, { type: "text", text: "CEST" }] },
          ],
        },
      ],
    });
    expect(req.messages).toEqual([
      { role: "user", content: "Weather in Paris and the time?" },
      {
        role: "assistant",
        content: "Checking.",
        tool_calls: [
          { id: "toolu_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
          { id: "toolu_2", type: "function", function: { name: "get_time", arguments: "{}" } },
        ],
      },
      { role: "tool", tool_call_id: "toolu_1", content: "18°C" },
      { role: "tool", tool_call_id: "toolu_2", content: "12:00\nCEST" },
      { role: "user", content: "Thanks" },
    ]);
  });

  test("an assistant turn with only tool_use has null content", () => {
    const req = translate({ messages: [{ role: "assistant", content: [{ type: "tool_use", id: "t", name: "f", input: { a: 1 } }] }] });
    expect(req.messages[0]).toEqual({ role: "assistant", content: null, tool_calls: [{ id: "t", type: "function", function: { name: "f", arguments: '{"a":1}' } }] });
  });

  test("an errored tool_result says so in its content; its images follow in a user message", () => {
    const req = translate({
      messages: [
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_1", is_error: true, content: "city not found" },
            { type: "tool_result", tool_use_id: "toolu_2", content: [{ type: "image", source: { type: "url", url: "https://x.test/p.png" } }] },
          ],
        },
      ],
    });
    expect(req.messages).toEqual([
      { role: "tool", tool_call_id: "toolu_1", content: "Error: city not found" },
      { role: "tool", tool_call_id: "toolu_2", content: "" },
      { role: "user", content: [{ type: "image_url", image_url: { url: "https://x.test/p.png" } }] },
    ]);
  });

  test("thinking and redacted_thinking blocks → reasoning_details with signature / data", () => {
    const req = translate({
      messages: [
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "Let me add.", signature: "sig-1" },
            { type: "redacted_thinking", data: "opaque" },
            { type: "text", text: "4" },
          ],
        },
      ],
    });
    expect(req.messages[0]).toEqual({
      role: "assistant",
      content: "4",
      reasoning_details: [
        { type: "reasoning.text", text: "Let me add.", signature: "sig-1" },
        { type: "reasoning.encrypted", data: "opaque" },
      ],
    });
  });

  test("sampling, stop sequences, user and stream map to their canonical fields", () => {
    const req = translate({ temperature: 0.2, top_p: 0.9, top_k: 40, stop_sequences: ["END"], metadata: { user_id: "u-42" }, stream: true });
    expect(req).toMatchObject({ temperature: 0.2, top_p: 0.9, top_k: 40, stop: ["END"], user: "u-42", stream: true, stream_options: { include_usage: true } });
  });

  test("LangChain ChatAnthropic's unset top_k/top_p (-1) are dropped; other values pass as sent (regression: a 400 on every LangChain call)", () => {
    const req = translate({ temperature: 1, top_k: -1, top_p: -1 });
    expect(req.temperature).toBe(1);
    expect("top_k" in req).toBe(false);
    expect("top_p" in req).toBe(false);
    expect(() => validateChatRequest(req)).not.toThrow();
    expect(translate({ top_k: 0, top_p: 0 })).toMatchObject({ top_k: 0, top_p: 0 });
  });

  test("extended thinking's budget becomes reasoning.max_tokens", () => {
    expect(translate({ thinking: { type: "enabled", budget_tokens: 2048 } }).reasoning).toEqual({ max_tokens: 2048 });
    expect(translate({ thinking: { type: "disabled" } }).reasoning).toBeUndefined();
  });

  test("tools → OpenAI function tools", () => {
    const req = translate({
      tools: [
        { name: "get_weather", description: "Weather for a city", input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
        { name: "ping", input_schema: { type: "object", properties: {} }, cache_control: { type: "ephemeral" } },
      ],
    });
    expect(req.tools).toEqual([
      { type: "function", function: { name: "get_weather", description: "Weather for a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } },
      { type: "function", function: { name: "ping", parameters: { type: "object", properties: {} } }, cache_control: { type: "ephemeral" } },
    ]);
  });

  test.each([
    [{ type: "auto" }, { tool_choice: "auto" }],
    [{ type: "any" }, { tool_choice: "required" }],
    [{ type: "none" }, { tool_choice: "none" }],
    [{ type: "tool", name: "get_weather" }, { tool_choice: { type: "function", function: { name: "get_weather" } } }],
    [{ type: "auto", disable_parallel_tool_use: true }, { tool_choice: "auto", parallel_tool_calls: false }],
  ])("tool_choice %j → %j", (choice, expected) => {
    const req = translate({ tool_choice: choice, tools: [{ name: "get_weather", input_schema: { type: "object" } }] });
    expect({ tool_choice: req.tool_choice, ...(req.parallel_tool_calls !== undefined ? { parallel_tool_calls: req.parallel_tool_calls } : {}) }).toEqual(expected as any);
  });

  test("a server tool passes as Anthropic defines it, beside client tools", () => {
    const server = { type: "web_search_20250305", name: "web_search", max_uses: 3, allowed_domains: ["example.com"] };
    const req = translate({ tools: [{ name: "f", input_schema: { type: "object" } }, server] });
    expect(req.tools).toEqual([{ type: "function", function: { name: "f", parameters: { type: "object" } } }, server]);
    expect(() => validateChatRequest(req)).not.toThrow();
  });

  test("a tool typed function (OpenAI's shape) is a 400 naming tools[i].type", () => {
    expect(rejects({ ...base, tools: [{ type: "function", function: { name: "f" } }] }).param).toBe("tools[0].type");
  });

  test("an unknown content block is a 400 naming its place", () => {
    const e = rejects({ ...base, messages: [{ role: "user", content: [{ type: "text", text: "a" }, { type: "container_upload", file_id: "f" }] }] });
    expect(e.param).toBe("messages[0].content[1].type");
  });

  test("a bad role is a 400", () => {
    expect(rejects({ ...base, messages: [{ role: "system", content: "x" }] }).param).toBe("messages[0].role");
  });

  test("the result passes the gateway's canonical validation", () => {
    const req = translate({
      system: "S",
      stream: true,
      thinking: { type: "enabled", budget_tokens: 1024 },
      tools: [{ name: "f", input_schema: { type: "object" } }],
      tool_choice: { type: "any", disable_parallel_tool_use: true },
      messages: [
        { role: "user", content: "q" },
        { role: "assistant", content: [{ type: "thinking", thinking: "t", signature: "s" }, { type: "tool_use", id: "t1", name: "f", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "r" }] },
      ],
    });
    expect(() => validateChatRequest(req)).not.toThrow();
  });
});
