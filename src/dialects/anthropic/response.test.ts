import { describe, expect, test } from "bun:test";
import { mapStopReason, toUsage } from "../../providers/anthropic/finish";
import type { ChatResponse, FinishReason } from "../../schemas/chat";
import { chatResponse } from "./__fixtures__";
import { toStopReason } from "./finish";
import { toAnthropicMessage } from "./response";

function withChoice(over: Partial<ChatResponse["choices"][number]> & Record<string, unknown>, message: Record<string, unknown> = {}): ChatResponse {
  const res = chatResponse("openai-text");
  res.choices[0] = { ...res.choices[0]!, ...over, message: { ...res.choices[0]!.message, ...message } };
  return res;
}

describe("canonical response → anthropic Message", () => {
  test("text: msg_ id, end_turn, usage with cached tokens split out of input_tokens", () => {
    expect(toAnthropicMessage(chatResponse("openai-text"))).toEqual({
      id: "msg_chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
      type: "message",
      role: "assistant",
      model: "gpt-4o-mini-2024-07-18",
      content: [{ type: "text", text: "Hello! How can I assist you today?" }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 3, cache_creation_input_tokens: 0, cache_read_input_tokens: 16, output_tokens: 10 },
    });
  });

  test("an id that already starts with msg_ is kept", () => {
    expect(toAnthropicMessage(chatResponse("anthropic-tool-call")).id).toBe("msg_01Aq9w938a90dw8q");
  });

  test("thinking (with signature) and redacted thinking come before the text", () => {
    const msg = toAnthropicMessage(chatResponse("anthropic-thinking"));
    expect(msg.content).toEqual([
      {
        type: "thinking",
        thinking: "The user asks for 27 * 453. 27 * 453 = 27 * 400 + 27 * 53 = 10800 + 1431 = 12231.",
        signature: "EuYBCkQYAiJAgCs1le6/Pol5Z4/JMomVOouGrWdhYNsH3ukzUECbB6iWrSQtsQuRHJID6lWV5tW0CaoN8tU2KBhDB1EsBlUM1BIMzXLQE4EqNfW6lkBJGgwOZVfFkzW8iSV0kh4=",
      },
      { type: "redacted_thinking", data: "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB5URj" },
      { type: "text", text: "27 × 453 = **12,231**." },
    ]);
  });

  test("plain reasoning text (no details) becomes one unsigned thinking block", () => {
    const msg = toAnthropicMessage(withChoice({}, { reasoning: "Hmm.", content: "Yes." }));
    expect(msg.content).toEqual([
      { type: "thinking", thinking: "Hmm.", signature: "" },
      { type: "text", text: "Yes." },
    ]);
  });

  test("tool calls → tool_use blocks with parsed input; empty arguments → {}", () => {
    const msg = toAnthropicMessage(chatResponse("openai-parallel-tool-calls"));
    expect(msg.content).toEqual([
      { type: "tool_use", id: "call_weather1", name: "get_weather", input: { location: "Paris" } },
      { type: "tool_use", id: "call_time2", name: "get_time", input: {} },
    ]);
    expect(msg.stop_reason).toBe("tool_use");
  });

  test("malformed or non-object arguments → {}", () => {
    const calls = [
      { id: "a", type: "function", function: { name: "f", arguments: "{not json" } },
      { id: "b", type: "function", function: { name: "f", arguments: "[1,2]" } },
    ];
    const msg = toAnthropicMessage(withChoice({ finish_reason: "tool_calls" }, { content: null, tool_calls: calls }));
    expect(msg.content.map((b: any) => b.input)).toEqual([{}, {}]);
  });

  test.each([
    ["stop", "end_turn"],
    ["length", "max_tokens"],
    ["tool_calls", "tool_use"],
    ["content_filter", "refusal"],
  ] as const)("finish_reason %s → stop_reason %s", (finish, stop) => {
    expect(toAnthropicMessage(withChoice({ finish_reason: finish })).stop_reason).toBe(stop);
  });

  test("a stop sequence the upstream reports (vLLM's stop_reason) → stop_sequence with the string", () => {
    const msg = toAnthropicMessage(withChoice({ finish_reason: "stop", stop_reason: "###" }));
    expect(msg.stop_reason).toBe("stop_sequence");
    expect(msg.stop_sequence).toBe("###");
  });

  test("tool calls finished with 'stop' still say tool_use, since Anthropic clients loop on it", () => {
    const msg = toAnthropicMessage(withChoice({ finish_reason: "stop" }, { tool_calls: [{ id: "a", type: "function", function: { name: "f", arguments: "{}" } }] }));
    expect(msg.stop_reason).toBe("tool_use");
  });

  test("a refusal with no content is returned as text", () => {
    const msg = toAnthropicMessage(withChoice({ finish_reason: "content_filter" }, { content: null, refusal: "I can't help with that." }));
    expect(msg.content).toEqual([{ type: "text", text: "I can't help with that." }]);
  });

  test("reported cache writes → cache_creation_input_tokens, out of input_tokens", () => {
    const res = chatResponse("openai-text");
    res.usage = { prompt_tokens: 100, completion_tokens: 5, total_tokens: 105, prompt_tokens_details: { cached_tokens: 30, cache_write_tokens: 50 } };
    expect(toAnthropicMessage(res).usage).toEqual({ input_tokens: 20, cache_creation_input_tokens: 50, cache_read_input_tokens: 30, output_tokens: 5 });
  });

  test("no usage → zero usage", () => {
    const res = chatResponse("openai-text");
    delete res.usage;
    expect(toAnthropicMessage(res).usage).toEqual({ input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 });
  });

  test("is the inverse of the anthropic adapter's mapping (finish reasons and usage round-trip)", () => {
    for (const f of ["stop", "length", "tool_calls", "content_filter"] as FinishReason[]) expect(mapStopReason(toStopReason(f, false, null))).toBe(f);
    const usage = chatResponse("openai-text").usage!;
    const back = toUsage(toAnthropicMessage(chatResponse("openai-text")).usage);
    expect(back).toMatchObject({ prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens, prompt_tokens_details: { cached_tokens: 16 } });
  });
});
