import { describe, expect, test } from "bun:test";
import type { ChatChunk } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import { chatChunks, sseEvents } from "./__fixtures__";
import { unpackReasoning } from "./reasoning";
import { createResponsesStreamEncoder } from "./stream";

const now = () => 1_760_000_123_000;

/** Every chunk's events, then end()'s; checks names match data.type and sequence numbers count up from 0. */
function encode(chunks: ChatChunk[], request?: unknown) {
  const enc = createResponsesStreamEncoder({ request }, now);
  const perChunk = chunks.map((c) => sseEvents(enc.chunk(c)).map((e) => e.data));
  const atEnd = sseEvents(enc.end()).map((e) => e.data);
  const events = [...perChunk.flat(), ...atEnd];
  expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
  return { perChunk, atEnd, events };
}

/** A compact view: event, output_index/content_index, payload. */
const outline = (events: any[]) =>
  events.map((e) => {
    const at = e.content_index === undefined ? `${e.output_index}` : `${e.output_index}/${e.content_index}`;
    switch (e.type) {
      case "response.output_item.added":
      case "response.output_item.done":
        return `${e.type.slice(9)} ${at} ${e.item.type} ${e.item.id}${e.item.status ? ` ${e.item.status}` : ""}`;
      case "response.content_part.added":
      case "response.content_part.done":
        return `${e.type.slice(9)} ${at} ${e.part.type}`;
      case "response.output_text.delta":
      case "response.reasoning_text.delta":
      case "response.function_call_arguments.delta":
        return `${e.type.slice(9)} ${at} ${e.delta}`;
      case "response.output_text.done":
      case "response.reasoning_text.done":
        return `${e.type.slice(9)} ${at} ${e.text}`;
      case "response.function_call_arguments.done":
        return `${e.type.slice(9)} ${at} ${e.arguments}`;
      default:
        return e.type.replace(/^response\./, "");
    }
  });

const chunk = (delta: ChatChunk["choices"][number]["delta"], finish: ChatChunk["choices"][number]["finish_reason"] = null): ChatChunk => ({
  id: "chatcmpl-x",
  object: "chat.completion.chunk",
  created: 1,
  model: "m",
  choices: [{ index: 0, delta, finish_reason: finish }],
});

describe("canonical chunks → Responses stream events", () => {
  test("text, with usage arriving in a chunk after finish_reason", () => {
    const { perChunk, atEnd, events } = encode(chatChunks("openai-text"));
    expect(outline(events)).toEqual([
      "created",
      "in_progress",
      "output_item.added 0 message msg_B9MHDbslfkBeAs8l4bebGdFOJ6PeG in_progress",
      "content_part.added 0/0 output_text",
      "output_text.delta 0/0 Hello",
      "output_text.delta 0/0  there",
      "output_text.delta 0/0 !",
      "output_text.done 0/0 Hello there!",
      "content_part.done 0/0 output_text",
      "output_item.done 0 message msg_B9MHDbslfkBeAs8l4bebGdFOJ6PeG completed",
      "completed",
    ]);
    expect(events[0].response).toMatchObject({ id: "resp_B9MHDbslfkBeAs8l4bebGdFOJ6PeG", object: "response", status: "in_progress", output: [], usage: null, created_at: 1741569952 });
    expect(events[4]).toEqual({ type: "response.output_text.delta", sequence_number: 4, item_id: "msg_B9MHDbslfkBeAs8l4bebGdFOJ6PeG", output_index: 0, content_index: 0, delta: "Hello", logprobs: [] });
    // The finish chunk closes the item; response.completed waits for the usage chunk.
    expect(outline(perChunk[5]!)).toEqual(["completed"]);
    expect(atEnd).toEqual([]);
    const final = events.at(-1).response;
    expect(final.status).toBe("completed");
    expect(final.output).toEqual([
      { id: "msg_B9MHDbslfkBeAs8l4bebGdFOJ6PeG", type: "message", status: "completed", content: [{ type: "output_text", text: "Hello there!", annotations: [], logprobs: [] }], role: "assistant" },
    ]);
    expect(final.usage).toEqual({ input_tokens: 19, input_tokens_details: { cached_tokens: 16, cache_write_tokens: 0 }, output_tokens: 3, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 22 });
  });

  test("a tool call with argument deltas", () => {
    const { events } = encode(chatChunks("openai-tool-call"));
    expect(outline(events)).toEqual([
      "created",
      "in_progress",
      "output_item.added 0 function_call fc_call_1 in_progress",
      'function_call_arguments.delta 0 {"city":',
      'function_call_arguments.delta 0 "Paris — ☀"}',
      'function_call_arguments.done 0 {"city":"Paris — ☀"}',
      "output_item.done 0 function_call fc_call_1 completed",
      "completed",
    ]);
    expect(events[2].item).toEqual({ id: "fc_call_1", type: "function_call", status: "in_progress", arguments: "", call_id: "call_1", name: "get_weather" });
  });

  test("text then parallel tool calls: one item after another", () => {
    const { events } = encode(chatChunks("openai-parallel-tool-calls"));
    expect(outline(events)).toEqual([
      "created",
      "in_progress",
      "output_item.added 0 message msg_B9MHDbslfkBeAs8l4bebGdFOJ6PeG in_progress",
      "content_part.added 0/0 output_text",
      "output_text.delta 0/0 Checking both.",
      "output_text.done 0/0 Checking both.",
      "content_part.done 0/0 output_text",
      "output_item.done 0 message msg_B9MHDbslfkBeAs8l4bebGdFOJ6PeG completed",
      "output_item.added 1 function_call fc_call_weather1 in_progress",
      'function_call_arguments.delta 1 {"location": ',
      'function_call_arguments.delta 1 "Paris"}',
      'function_call_arguments.done 1 {"location": "Paris"}',
      "output_item.done 1 function_call fc_call_weather1 completed",
      "output_item.added 2 function_call fc_call_time2 in_progress",
      'function_call_arguments.delta 2 {"tz": "Europe/Paris"}',
      'function_call_arguments.done 2 {"tz": "Europe/Paris"}',
      "output_item.done 2 function_call fc_call_time2 completed",
      "completed",
    ]);
    expect(events.at(-1).response.output.map((o: any) => o.id)).toEqual(["msg_B9MHDbslfkBeAs8l4bebGdFOJ6PeG", "fc_call_weather1", "fc_call_time2"]);
  });

  test("signed reasoning then text (usage on the finish chunk): reasoning_text events, details packed on the item", () => {
    const { perChunk, events } = encode(chatChunks("anthropic-thinking"));
    expect(outline(events)).toEqual([
      "created",
      "in_progress",
      "output_item.added 0 reasoning rs_01Thinking8bYq2wVs3nCx",
      "content_part.added 0/0 reasoning_text",
      "reasoning_text.delta 0/0 27 * 453 = 27 * 400 + 27 * 53",
      "reasoning_text.delta 0/0  = 10800 + 1431 = 12231.",
      "reasoning_text.done 0/0 27 * 453 = 27 * 400 + 27 * 53 = 10800 + 1431 = 12231.",
      "content_part.done 0/0 reasoning_text",
      "output_item.done 0 reasoning rs_01Thinking8bYq2wVs3nCx",
      "output_item.added 1 message msg_01Thinking8bYq2wVs3nCx in_progress",
      "content_part.added 1/0 output_text",
      "output_text.delta 1/0 27 × 453 = **12,231**.",
      "output_text.done 1/0 27 × 453 = **12,231**.",
      "content_part.done 1/0 output_text",
      "output_item.done 1 message msg_01Thinking8bYq2wVs3nCx completed",
      "completed",
    ]);
    expect(outline(perChunk.at(-1)!)).toEqual(["output_text.done 1/0 27 × 453 = **12,231**.", "content_part.done 1/0 output_text", "output_item.done 1 message msg_01Thinking8bYq2wVs3nCx completed", "completed"]);
    const rs = events[8].item;
    expect(unpackReasoning(rs.encrypted_content)).toEqual([
      { type: "reasoning.text", text: "27 * 453 = 27 * 400 + 27 * 53 = 10800 + 1431 = 12231.", signature: expect.stringMatching(/^EuYB/) },
      { type: "reasoning.encrypted", data: expect.stringMatching(/^EmwK/) },
    ]);
  });

  test("reasoning then text cut by length → response.incomplete, the message item incomplete", () => {
    const { events } = encode(chatChunks("openrouter-reasoning-length"));
    expect(outline(events).slice(-4)).toEqual(["output_text.done 1/0 The answer is", "content_part.done 1/0 output_text", "output_item.done 1 message msg_1741569999-reasoner incomplete", "incomplete"]);
    expect(events.at(-1).response).toMatchObject({ status: "incomplete", incomplete_details: { reason: "max_output_tokens" }, usage: { output_tokens_details: { reasoning_tokens: 9 } } });
  });

  test("the request's parameters are echoed in every lifecycle event", () => {
    const { events } = encode(chatChunks("openai-text"), { model: "x", input: "y", temperature: 0.4, instructions: "I" });
    expect(events[0].response).toMatchObject({ temperature: 0.4, instructions: "I" });
    expect(events.at(-1).response).toMatchObject({ temperature: 0.4, instructions: "I" });
  });

  test("text resuming after a tool call opens a second message item with its own id", () => {
    const { events } = encode([chunk({ content: "a" }), chunk({ tool_calls: [{ index: 0, id: "c1", function: { name: "f", arguments: "" } }] }), chunk({ content: "b" }), chunk({}, "stop")]);
    expect(outline(events).filter((l) => l.startsWith("output_item.added"))).toEqual([
      "output_item.added 0 message msg_x in_progress",
      "output_item.added 1 function_call fc_c1 in_progress",
      "output_item.added 2 message msg_x_1 in_progress",
    ]);
    expect(outline(events)).toContain("function_call_arguments.done 1 {}");
  });

  test("a refusal streams as a refusal part", () => {
    const { events } = encode([chunk({ refusal: "No" }), chunk({ refusal: "." }, "content_filter")]);
    expect(outline(events)).toEqual([
      "created",
      "in_progress",
      "output_item.added 0 message msg_x in_progress",
      "content_part.added 0/0 refusal",
      "refusal.delta",
      "refusal.delta",
      "refusal.done",
      "content_part.done 0/0 refusal",
      "output_item.done 0 message msg_x incomplete",
      "incomplete",
    ]);
    expect(events[6]).toMatchObject({ refusal: "No." });
  });

  test("a stream without finish_reason or usage is completed by end()", () => {
    const { atEnd } = encode([chunk({ content: "Hi" })]);
    expect(outline(atEnd)).toEqual(["output_text.done 0/0 Hi", "content_part.done 0/0 output_text", "output_item.done 0 message msg_x completed", "completed"]);
  });

  test("an empty stream still yields created, in_progress, completed", () => {
    const { events } = encode([]);
    expect(outline(events)).toEqual(["created", "in_progress", "completed"]);
    expect(events[0].response.id).toMatch(/^resp_/);
  });

  test("error mid-stream → response.failed with the partial output, then an error event", () => {
    const enc = createResponsesStreamEncoder({}, now);
    enc.chunk(chunk({ content: "a" }));
    const events = sseEvents(enc.error(new BifrostError({ status: 429, message: "slow down", code: "rate_limit_exceeded" })));
    expect(events.map((e) => e.event)).toEqual(["response.failed", "error"]);
    expect(events[0]!.data.response).toMatchObject({ status: "failed", error: { code: "rate_limit_exceeded", message: "slow down" }, output: [{ type: "message", content: [{ text: "a" }] }] });
    expect(events[1]!.data).toEqual({ type: "error", sequence_number: 6, code: "rate_limit_exceeded", message: "slow down", param: null });
    expect(enc.end()).toEqual([]);
  });

  test("error before any chunk → only the error event", () => {
    const enc = createResponsesStreamEncoder({}, now);
    const events = sseEvents(enc.error(new BifrostError({ status: 502, type: "upstream_error", message: "bad gateway" })));
    expect(events).toEqual([{ event: "error", data: { type: "error", sequence_number: 0, code: "upstream_error", message: "bad gateway", param: null } }]);
  });

  test("contentType is SSE", () => {
    expect(createResponsesStreamEncoder({}).contentType).toBe("text/event-stream");
  });
});
