import { describe, expect, test } from "bun:test";
import { BifrostError } from "../../schemas/error";
import { validateChatRequest } from "../../schemas/requests";
import { packReasoning } from "./reasoning";
import { toChatRequest } from "./request";

const base = { model: "anthropic/claude-sonnet-4-5", input: "Hi" };
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

describe("responses request → canonical", () => {
  test("a string input is one user message; instructions become the system message", () => {
    expect(translate({ instructions: "Be brief." })).toEqual({
      model: "anthropic/claude-sonnet-4-5",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
      ],
    });
  });

  test.each(["model", "input"])("missing %s is a 400 naming the field", (field) => {
    const body: Record<string, unknown> = { ...base };
    delete body[field];
    expect(rejects(body).param).toBe(field);
  });

  test.each([
    ["previous_response_id", "resp_1"],
    ["store", true],
    ["conversation", "conv_1"],
    ["background", true],
    ["prompt", { id: "pmpt_1" }],
  ])("%s is refused: the gateway is stateless", (param, value) => {
    const e = rejects({ ...base, [param]: value });
    expect(e.param).toBe(param);
    expect(e.code).toBe("unsupported_parameter");
  });

  test("store: false and previous_response_id: null are fine", () => {
    expect(() => translate({ store: false, previous_response_id: null })).not.toThrow();
  });

  test("message items: input_text, input_image, input_file; system and developer roles kept", () => {
    const req = translate({
      input: [
        { role: "developer", content: "Answer in French." },
        {
          type: "message",
          role: "user",
          content: [
            { type: "input_text", text: "What is this?" },
            { type: "input_image", image_url: "data:image/png;base64,iVBORw0KGgo=", detail: "low" },
            { type: "input_file", filename: "a.pdf", file_data: "data:application/pdf;base64,JVBERi0=" },
          ],
        },
      ],
    });
    expect(req.messages as unknown).toEqual([
      { role: "developer", content: "Answer in French." },
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=", detail: "low" } },
          { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0=", filename: "a.pdf" } },
        ],
      },
    ]);
  });

  test("an assistant message with output_text, then its function calls, then their outputs", () => {
    const req = translate({
      input: [
        { role: "user", content: [{ type: "input_text", text: "Weather and time in Paris?" }] },
        { type: "message", role: "assistant", id: "msg_1", status: "completed", content: [{ type: "output_text", text: "Checking.", annotations: [] }] },
        { type: "function_call", id: "fc_1", call_id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' },
        { type: "function_call", id: "fc_2", call_id: "call_2", name: "get_time", arguments: "{}" },
        { type: "function_call_output", call_id: "call_1", output: "18°C" },
        { type: "function_call_output", call_id: "call_2", output: [{ type: "input_text", text: "12:00" }] },
      ],
    });
    expect(req.messages).toEqual([
      { role: "user", content: "Weather and time in Paris?" },
      {
        role: "assistant",
        content: "Checking.",
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
          { id: "call_2", type: "function", function: { name: "get_time", arguments: "{}" } },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: "18°C" },
      { role: "tool", tool_call_id: "call_2", content: "12:00" },
    ]);
  });

  test("reasoning items we packed go back as reasoning_details on the next assistant turn; others are ignored", () => {
    const details = [{ type: "reasoning.text", text: "hmm", signature: "sig" }];
    const req = translate({
      input: [
        { role: "user", content: "q" },
        { type: "reasoning", id: "rs_openai", summary: [{ type: "summary_text", text: "x" }], encrypted_content: "gAAAA-openai-opaque" },
        { type: "reasoning", id: "rs_1", summary: [], content: [{ type: "reasoning_text", text: "hmm" }], encrypted_content: packReasoning(details) },
        { type: "function_call", call_id: "c", name: "f", arguments: "{}" },
      ],
    });
    expect(req.messages[1]).toEqual({ role: "assistant", content: null, reasoning_details: details, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }] });
  });

  test("function tools → chat tools; strict only when given", () => {
    const req = translate({
      tools: [
        { type: "function", name: "get_weather", description: "Weather", parameters: { type: "object", properties: {} }, strict: true },
        { type: "function", name: "noop" },
      ],
    });
    expect(req.tools).toEqual([
      { type: "function", function: { name: "get_weather", description: "Weather", parameters: { type: "object", properties: {} }, strict: true } },
      { type: "function", function: { name: "noop" } },
    ]);
  });

  test("a hosted tool type is a 400 naming tools[i].type", () => {
    const e = rejects({ ...base, tools: [{ type: "function", name: "f" }, { type: "web_search_preview" }] });
    expect(e.param).toBe("tools[1].type");
    expect(e.message).toContain("unsupported tool type");
  });

  test.each([
    ["auto", "auto"],
    ["required", "required"],
    ["none", "none"],
    [{ type: "function", name: "f" }, { type: "function", function: { name: "f" } }],
  ])("tool_choice %j → %j", (choice, expected) => {
    expect(translate({ tool_choice: choice }).tool_choice).toEqual(expected as any);
  });

  test("a hosted tool_choice is a 400", () => {
    expect(rejects({ ...base, tool_choice: { type: "file_search" } }).param).toBe("tool_choice");
  });

  test("sampling, limits, reasoning effort, metadata, user and stream", () => {
    const req = translate({
      max_output_tokens: 500,
      temperature: 0.5,
      top_p: 0.8,
      parallel_tool_calls: false,
      reasoning: { effort: "low", summary: "auto" },
      metadata: { run: "7" },
      user: "u-1",
      stream: true,
    });
    expect(req).toMatchObject({
      max_completion_tokens: 500,
      temperature: 0.5,
      top_p: 0.8,
      parallel_tool_calls: false,
      reasoning_effort: "low",
      metadata: { run: "7" },
      user: "u-1",
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  test("text.format json_schema / json_object → response_format; text → none", () => {
    const schema = { type: "object", properties: { a: { type: "string" } }, required: ["a"], additionalProperties: false };
    expect(translate({ text: { format: { type: "json_schema", name: "thing", schema, strict: true } } }).response_format as unknown).toEqual({
      type: "json_schema",
      json_schema: { name: "thing", schema, strict: true },
    });
    expect(translate({ text: { format: { type: "json_object" } } }).response_format).toEqual({ type: "json_object" });
    expect(translate({ text: { format: { type: "text" } } }).response_format).toBeUndefined();
  });

  test("an item_reference is a 400: nothing is stored", () => {
    expect(rejects({ ...base, input: [{ type: "item_reference", id: "msg_1" }] }).param).toBe("input[0].type");
  });

  test("an unknown input item type is a 400 naming it", () => {
    expect(rejects({ ...base, input: [{ type: "computer_call_output", call_id: "c" }] }).message).toContain("computer_call_output");
  });

  test("the result passes the gateway's canonical validation", () => {
    const req = translate({
      instructions: "S",
      input: [
        { role: "user", content: "q" },
        { type: "function_call", call_id: "c", name: "f", arguments: "{}" },
        { type: "function_call_output", call_id: "c", output: "r" },
      ],
      tools: [{ type: "function", name: "f", parameters: { type: "object" } }],
      tool_choice: "auto",
      text: { format: { type: "json_object" } },
      stream: true,
    });
    expect(() => validateChatRequest(req)).not.toThrow();
  });
});
