import { describe, expect, test } from "bun:test";
import type { ChatResponse } from "../../schemas/chat";
import { chatResponse } from "./__fixtures__";
import { unpackReasoning } from "./reasoning";
import { toResponse } from "./response";

const now = () => 1_760_000_123_000;

function withChoice(over: Record<string, unknown>, message: Record<string, unknown> = {}): ChatResponse {
  const res = chatResponse("openai-text");
  res.choices[0] = { ...res.choices[0]!, ...over, message: { ...res.choices[0]!.message, ...message } } as ChatResponse["choices"][number];
  return res;
}

describe("canonical response → Responses Response", () => {
  test("text: ids, message item, usage, defaults when the request is not echoed", () => {
    expect(toResponse(chatResponse("openai-text"), {}, now)).toEqual({
      id: "resp_B9MBs8CjcvOU2jLn4n570S5qMJKcT",
      object: "response",
      created_at: 1741569952,
      status: "completed",
      background: false,
      error: null,
      incomplete_details: null,
      instructions: null,
      max_output_tokens: null,
      max_tool_calls: null,
      model: "gpt-4o-mini-2024-07-18",
      output: [
        {
          id: "msg_B9MBs8CjcvOU2jLn4n570S5qMJKcT",
          type: "message",
          status: "completed",
          content: [{ type: "output_text", text: "Hello! How can I assist you today?", annotations: [], logprobs: [] }],
          role: "assistant",
        },
      ],
      parallel_tool_calls: true,
      previous_response_id: null,
      reasoning: { effort: null, summary: null },
      store: false,
      temperature: null,
      text: { format: { type: "text" } },
      tool_choice: "auto",
      tools: [],
      top_p: null,
      truncation: "disabled",
      usage: { input_tokens: 19, input_tokens_details: { cached_tokens: 16, cache_write_tokens: 0 }, output_tokens: 10, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 29 },
      user: null,
      metadata: {},
      completed_at: 1760000123,
    });
  });

  test("the request's parameters are echoed when params.request is given", () => {
    const tools = [{ type: "function", name: "f", parameters: {}, strict: false }];
    const request = { model: "m", input: "x", instructions: "I", temperature: 0.2, top_p: 0.9, tools, tool_choice: "required", max_output_tokens: 99, parallel_tool_calls: false, metadata: { a: "1" }, reasoning: { effort: "low" }, text: { format: { type: "json_object" } } };
    expect(toResponse(chatResponse("openai-text"), { request }, now)).toMatchObject({
      instructions: "I",
      temperature: 0.2,
      top_p: 0.9,
      tools,
      tool_choice: "required",
      max_output_tokens: 99,
      parallel_tool_calls: false,
      metadata: { a: "1" },
      reasoning: { effort: "low", summary: null },
      text: { format: { type: "json_object" } },
    });
  });

  test("tool calls → function_call items with fc_ ids; empty arguments → {}; no message item", () => {
    const res = toResponse(chatResponse("openai-parallel-tool-calls"), {}, now);
    expect(res.output).toEqual([
      { id: "fc_call_weather1", type: "function_call", status: "completed", arguments: '{"location": "Paris"}', call_id: "call_weather1", name: "get_weather" },
      { id: "fc_call_time2", type: "function_call", status: "completed", arguments: "{}", call_id: "call_time2", name: "get_time" },
    ]);
  });

  test("signed reasoning → a reasoning item first, its details packed in encrypted_content", () => {
    const res = toResponse(chatResponse("anthropic-thinking"), {}, now);
    expect(res.id).toBe("resp_01Wn3eTqWfVcc7nD5Ct9vVw2");
    expect(res.output.map((o) => o.type)).toEqual(["reasoning", "message"]);
    const rs = res.output[0] as any;
    expect(rs.id).toBe("rs_01Wn3eTqWfVcc7nD5Ct9vVw2");
    expect(rs.content).toEqual([{ type: "reasoning_text", text: "The user asks for 27 * 453. 27 * 453 = 27 * 400 + 27 * 53 = 10800 + 1431 = 12231." }]);
    expect(unpackReasoning(rs.encrypted_content)).toEqual(chatResponse("anthropic-thinking").choices[0]!.message.reasoning_details!);
    expect(res.usage?.output_tokens_details.reasoning_tokens).toBe(150);
  });

  test("unsigned reasoning text has no encrypted_content", () => {
    const rs = toResponse(withChoice({}, { reasoning: "Hmm." }), {}, now).output[0] as any;
    expect(rs).toEqual({ id: "rs_B9MBs8CjcvOU2jLn4n570S5qMJKcT", type: "reasoning", summary: [], content: [{ type: "reasoning_text", text: "Hmm." }] });
  });

  test("length → incomplete with reason max_output_tokens, the message item incomplete too", () => {
    const res = toResponse(withChoice({ finish_reason: "length" }), {}, now);
    expect(res.status).toBe("incomplete");
    expect(res.incomplete_details).toEqual({ reason: "max_output_tokens" });
    expect((res.output[0] as any).status).toBe("incomplete");
  });

  test("content_filter → incomplete with reason content_filter; a refusal is a refusal part", () => {
    const res = toResponse(withChoice({ finish_reason: "content_filter" }, { content: null, refusal: "No." }), {}, now);
    expect(res.incomplete_details).toEqual({ reason: "content_filter" });
    expect((res.output[0] as any).content).toEqual([{ type: "refusal", refusal: "No." }]);
  });

  test("empty content without tool calls still yields a message with empty output_text", () => {
    const res = toResponse(withChoice({}, { content: null }), {}, now);
    expect((res.output[0] as any).content).toEqual([{ type: "output_text", text: "", annotations: [], logprobs: [] }]);
  });
});
