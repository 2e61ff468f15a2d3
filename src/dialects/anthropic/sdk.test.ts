/** The real @anthropic-ai/sdk against a tiny server speaking through the dialect: proves wire compatibility offline. */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, describe, expect, test } from "bun:test";
import { chatChunks, chatResponse } from "./__fixtures__";
import { cannedDialectServer } from "../../../tests/support/dialect-fixtures";
import { anthropicDialect } from "./index";

const { server, seen } = cannedDialectServer(anthropicDialect, "/anthropic/v1/messages", { chatResponse, chatChunks });
afterAll(() => server.stop(true));

const client = new Anthropic({ baseURL: `${server.url.origin}/anthropic`, apiKey: "x", maxRetries: 0 });
const user = [{ role: "user" as const, content: "Hello" }];

describe("@anthropic-ai/sdk through the anthropic dialect", () => {
  test("messages.create: text", async () => {
    const msg = await client.messages.create({ model: "openai-text", max_tokens: 64, system: "Be nice.", messages: user });
    expect(msg.content).toEqual([{ type: "text", text: "Hello! How can I assist you today?" } as any]);
    expect(msg.stop_reason).toBe("end_turn");
    expect(msg.usage).toMatchObject({ input_tokens: 3, cache_read_input_tokens: 16, output_tokens: 10 });
    expect(seen.at(-1)!.messages[0]).toEqual({ role: "system", content: "Be nice." });
  });

  test("messages.create: tool_use with parsed input", async () => {
    const msg = await client.messages.create({
      model: "anthropic-tool-call",
      max_tokens: 64,
      messages: user,
      tools: [{ name: "get_weather", input_schema: { type: "object", properties: { location: { type: "string" } } } }],
      tool_choice: { type: "any", disable_parallel_tool_use: true },
    });
    expect(msg.stop_reason).toBe("tool_use");
    const tool = msg.content.find((b) => b.type === "tool_use");
    expect(tool).toMatchObject({ id: "toolu_01A09q90qw90lq917835lq9", name: "get_weather", input: { location: "San Francisco, CA", unit: "celsius" } });
    expect(seen.at(-1)).toMatchObject({ tool_choice: "required", parallel_tool_calls: false });
  });

  test("messages.stream().finalMessage(): thinking with signature, then text", async () => {
    const stream = client.messages.stream({ model: "anthropic-thinking", max_tokens: 2048, thinking: { type: "enabled", budget_tokens: 1024 }, messages: user });
    let text = "";
    stream.on("text", (t) => (text += t));
    const msg = await stream.finalMessage();
    expect(msg.content.map((b) => b.type)).toEqual(["thinking", "redacted_thinking", "text"]);
    expect(msg.content[0]).toMatchObject({ thinking: "27 * 453 = 27 * 400 + 27 * 53 = 10800 + 1431 = 12231.", signature: expect.stringMatching(/^EuYB/) });
    expect(text).toBe("27 × 453 = **12,231**.");
    expect(msg.stop_reason).toBe("end_turn");
    expect(msg.usage).toMatchObject({ input_tokens: 46, output_tokens: 190 });
    expect(seen.at(-1)).toMatchObject({ stream: true, reasoning: { max_tokens: 1024 } });
  });

  test("messages.stream().finalMessage(): text then parallel tool_use, usage from a chunk after finish", async () => {
    const msg = await client.messages.stream({ model: "openai-parallel-tool-calls", max_tokens: 64, messages: user }).finalMessage();
    expect(msg.content).toEqual([
      { type: "text", text: "Checking both." },
      { type: "tool_use", id: "call_weather1", name: "get_weather", input: { location: "Paris" } },
      { type: "tool_use", id: "call_time2", name: "get_time", input: { tz: "Europe/Paris" } },
    ] as any);
    expect(msg.stop_reason).toBe("tool_use");
    expect(msg.usage).toMatchObject({ input_tokens: 80, output_tokens: 42 });
  });

  test("messages.create({stream: true}): the raw event sequence", async () => {
    const events = await client.messages.create({ model: "openai-tool-call", max_tokens: 64, messages: user, stream: true });
    const types: string[] = [];
    for await (const ev of events) types.push(ev.type);
    expect(types).toEqual(["message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"]);
  });

  test("a multi-turn tool conversation is accepted", async () => {
    await client.messages.create({
      model: "openai-text",
      max_tokens: 64,
      messages: [
        { role: "user", content: "Weather?" },
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "18°C" }] },
      ],
    });
    expect(seen.at(-1)!.messages.map((m) => m.role)).toEqual(["user", "assistant", "tool"]);
  });

  test("a 400 from the dialect surfaces as the SDK's BadRequestError", async () => {
    const err = await client.messages.create({ model: "openai-text", messages: user } as any).catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect(err.status).toBe(400);
    expect(err.error).toMatchObject({ type: "error", error: { type: "invalid_request_error", message: "max_tokens: field required" } });
  });

  test("a mid-stream error rejects the stream with the error's message", async () => {
    const err = await client.messages.stream({ model: "fail-mid-stream", max_tokens: 64, messages: user }).finalMessage().catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(String(err.message)).toContain("upstream overloaded");
  });
});
