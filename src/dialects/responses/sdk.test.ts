/** The real `openai` SDK's Responses client against a tiny server speaking through the dialect: wire compatibility, offline. */
import { afterAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { chatChunks, chatResponse } from "./__fixtures__";
import { cannedDialectServer } from "../../../tests/support/dialect-fixtures";
import { responsesDialect } from "./index";

const { server, seen } = cannedDialectServer(responsesDialect, "/v1/responses", { chatResponse, chatChunks });
afterAll(() => server.stop(true));

const client = new OpenAI({ baseURL: `${server.url.origin}/v1`, apiKey: "x", maxRetries: 0 });
const weather = { type: "function" as const, name: "get_weather", description: "Weather", parameters: { type: "object", properties: { location: { type: "string" } } }, strict: false };

describe("openai SDK (Responses) through the responses dialect", () => {
  test("responses.create: text, output_text and usage", async () => {
    const res = await client.responses.create({ model: "openai-text", input: "Hello", instructions: "Be nice.", temperature: 0.3 });
    expect(res.id).toBe("resp_B9MBs8CjcvOU2jLn4n570S5qMJKcT");
    expect(res.status).toBe("completed");
    expect(res.output_text).toBe("Hello! How can I assist you today?");
    expect(res.usage).toEqual({ input_tokens: 19, input_tokens_details: { cached_tokens: 16, cache_write_tokens: 0 }, output_tokens: 10, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 29 });
    expect(res.temperature).toBe(0.3);
    expect(seen.at(-1)!.messages).toEqual([{ role: "system", content: "Be nice." }, { role: "user", content: "Hello" }]);
  });

  test("responses.create: function calls", async () => {
    const res = await client.responses.create({ model: "openai-parallel-tool-calls", input: "Weather and time?", tools: [weather] });
    const calls = res.output.filter((o) => o.type === "function_call");
    expect(calls.map((c) => [c.call_id, c.name, JSON.parse(c.arguments)])).toEqual([
      ["call_weather1", "get_weather", { location: "Paris" }],
      ["call_time2", "get_time", {}],
    ]);
    expect(res.output_text).toBe("");
  });

  test("responses.create({stream: true}): events in order, final response with text and usage", async () => {
    const stream = await client.responses.create({ model: "openai-text", input: "Hello", stream: true });
    const types: string[] = [];
    let text = "";
    let final: OpenAI.Responses.Response | undefined;
    for await (const ev of stream) {
      types.push(ev.type);
      if (ev.type === "response.output_text.delta") text += ev.delta;
      if (ev.type === "response.completed") final = ev.response;
    }
    expect(types).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(text).toBe("Hello there!");
    expect(final!.usage).toMatchObject({ input_tokens: 19, output_tokens: 3, input_tokens_details: { cached_tokens: 16 } });
    expect(seen.at(-1)).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  test("responses.stream(): the SDK's strict accumulator accepts text then parallel function calls", async () => {
    const stream = client.responses.stream({ model: "openai-parallel-tool-calls", input: "Weather and time?", tools: [weather] });
    const args: string[] = [];
    stream.on("response.function_call_arguments.delta", (ev) => args.push(ev.snapshot));
    const res = await stream.finalResponse();
    expect(res.output_text).toBe("Checking both.");
    const calls = res.output.filter((o) => o.type === "function_call");
    expect(calls.map((c) => [c.call_id, c.name, JSON.parse(c.arguments), c.status])).toEqual([
      ["call_weather1", "get_weather", { location: "Paris" }, "completed"],
      ["call_time2", "get_time", { tz: "Europe/Paris" }, "completed"],
    ]);
    expect(args).toEqual(['{"location": ', '{"location": "Paris"}', '{"tz": "Europe/Paris"}']);
    expect(res.usage?.total_tokens).toBe(122);
  });

  test("responses.stream(): reasoning then text, truncated by length → incomplete", async () => {
    const res = await client.responses.stream({ model: "openrouter-reasoning-length", input: "Why?", reasoning: { effort: "high" } }).finalResponse();
    expect(res.status).toBe("incomplete");
    expect(res.incomplete_details).toEqual({ reason: "max_output_tokens" });
    expect(res.output.map((o) => o.type)).toEqual(["reasoning", "message"]);
    const reasoning = res.output[0] as OpenAI.Responses.ResponseReasoningItem;
    expect(reasoning.content).toEqual([{ type: "reasoning_text", text: "Let me think step by step." }]);
    expect(res.output_text).toBe("The answer is");
    expect(res.usage?.output_tokens_details.reasoning_tokens).toBe(9);
    expect(seen.at(-1)!.reasoning_effort).toBe("high");
  });

  test("responses.stream(): signed thinking round-trips through encrypted_content into the next request", async () => {
    const first = await client.responses.stream({ model: "anthropic-thinking", input: "27 * 453?" }).finalResponse();
    expect(first.output_text).toBe("27 × 453 = **12,231**.");
    await client.responses.create({ model: "openai-text", input: [{ role: "user", content: "27 * 453?" }, ...(first.output as any[]), { role: "user", content: "Thanks" }] });
    expect(seen.at(-1)!.messages[1]).toMatchObject({
      role: "assistant",
      content: "27 × 453 = **12,231**.",
      reasoning_details: [
        { type: "reasoning.text", text: "27 * 453 = 27 * 400 + 27 * 53 = 10800 + 1431 = 12231.", signature: expect.stringMatching(/^EuYB/) },
        { type: "reasoning.encrypted", data: expect.stringMatching(/^EmwK/) },
      ],
    });
  });

  test("a function-call turn sent back as input becomes assistant tool_calls and tool messages", async () => {
    await client.responses.create({
      model: "openai-text",
      input: [
        { role: "user", content: "Weather?" },
        { type: "function_call", call_id: "call_1", name: "get_weather", arguments: '{"location":"Paris"}' },
        { type: "function_call_output", call_id: "call_1", output: "18°C" },
      ],
      tools: [weather],
    });
    expect(seen.at(-1)!.messages).toEqual([
      { role: "user", content: "Weather?" },
      { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"location":"Paris"}' } }] },
      { role: "tool", tool_call_id: "call_1", content: "18°C" },
    ]);
  });

  test("previous_response_id is a 400 the SDK raises as BadRequestError", async () => {
    const err = await client.responses.create({ model: "openai-text", input: "Hi", previous_response_id: "resp_123" }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.status).toBe(400);
    expect(err.param).toBe("previous_response_id");
    expect(err.message).toContain("stateless");
  });

  test("a hosted tool is a 400 naming tools[i].type", async () => {
    const err = await client.responses.create({ model: "openai-text", input: "Hi", tools: [weather, { type: "web_search_preview" }] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.param).toBe("tools[1].type");
  });

  test("a mid-stream error makes the raw stream throw, after response.failed", async () => {
    const stream = await client.responses.create({ model: "fail-mid-stream", input: "Hello", stream: true });
    const types: string[] = [];
    const err = await (async () => {
      for await (const ev of stream) types.push(ev.type);
    })().catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.message).toContain("upstream overloaded");
    expect(types.at(-1)).toBe("response.failed");
  });

  test("a mid-stream error rejects responses.stream().finalResponse()", async () => {
    const err = await client.responses.stream({ model: "fail-mid-stream", input: "Hello" }).finalResponse().catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.message).toContain("upstream overloaded");
  });
});
