import { describe, expect, test } from "bun:test";
import { BifrostError } from "../../schemas/error";
import { toChatRequest } from "./request";
import { fixtureJson } from "./__fixtures__";

const base = { model: "openai/gpt-4o", messages: [{ role: "user" as const, content: "Hello" }] };
const convert = (over: Record<string, unknown> = {}) => toChatRequest({ ...base, ...over }, {});

function rejection(body: unknown): BifrostError {
  try {
    toChatRequest(body, {});
  } catch (e) {
    return e as BifrostError;
  }
  throw new Error("expected a rejection");
}

describe("cohere v2 request → canonical", () => {
  test("the minimal request: model kept with its provider prefix, messages as given", () => {
    expect(convert()).toEqual({ model: "openai/gpt-4o", messages: [{ role: "user", content: "Hello" }] });
  });

  test("a full request as the SDK sends it: every field mapped", () => {
    expect(toChatRequest(fixtureJson("cohere-request-tools.json"), {})).toEqual(fixtureJson("canonical-request-tools.json"));
  });

  test("the model may come from the path", () => {
    expect(toChatRequest({ messages: base.messages }, { model: "cohere/command-a-03-2025" }).model).toBe("cohere/command-a-03-2025");
  });

  test("k = 0 is Cohere's no top-k; empty stop_sequences send nothing", () => {
    expect(convert({ k: 0, stop_sequences: [] })).toEqual({ model: "openai/gpt-4o", messages: base.messages });
  });

  test("thinking: disabled is a zero budget, enabled without a budget a default effort", () => {
    expect(convert({ thinking: { type: "disabled" } }).reasoning).toEqual({ max_tokens: 0 });
    expect(convert({ thinking: { type: "enabled" } }).reasoning).toEqual({ effort: "medium" });
  });

  test("response_format text and json_object without schema", () => {
    expect(convert({ response_format: { type: "text" } }).response_format).toEqual({ type: "text" });
    expect(convert({ response_format: { type: "json_object" } }).response_format).toEqual({ type: "json_object" });
  });

  test("stream adds include_usage so message-end can report usage", () => {
    expect(convert({ stream: true })).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(convert({ stream: false })).not.toHaveProperty("stream");
  });

  test("Cohere-only fields ride along; unknown ones are dropped", () => {
    const documents = [{ id: "d1", data: { text: "Madrid is sunny." } }];
    const req = convert({ documents, safety_mode: "STRICT", citation_options: { mode: "FAST" }, connectors: [{ id: "web" }] });
    expect(req).toMatchObject({ documents, safety_mode: "STRICT", citation_options: { mode: "FAST" } });
    expect(req).not.toHaveProperty("connectors");
  });

  test("assistant text parts win over tool_plan; thinking parts are reasoning; object arguments are serialised", () => {
    const req = convert({
      messages: [
        { role: "user", content: "hi" },
        {
          role: "assistant",
          content: [{ type: "thinking", thinking: "hmm" }, { type: "text", text: "Checking." }],
          tool_plan: "ignored",
          tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: { a: 1 } } }],
        },
      ],
    });
    expect(req.messages[1]).toEqual({ role: "assistant", content: "Checking.", reasoning: "hmm", tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: '{"a":1}' } }] });
  });
});

describe("rejections name the field", () => {
  test.each([
    [null, "request body must be a JSON object", null],
    [{ messages: base.messages }, "model: field required", "model"],
    [{ model: "m" }, "messages: field required", "messages"],
    [{ model: "m", messages: [] }, "messages: must be a non-empty list", "messages"],
    [{ ...base, max_tokens: "many" }, "max_tokens: must be an integer", "max_tokens"],
    [{ ...base, temperature: "hot" }, "temperature: must be a number", "temperature"],
    [{ ...base, stop_sequences: "END" }, "stop_sequences: must be a list of strings", "stop_sequences"],
    [{ ...base, tool_choice: "AUTO" }, 'tool_choice: must be "REQUIRED" or "NONE"', "tool_choice"],
    [{ ...base, tools: [{ name: "f", parameter_definitions: {} }] }, 'tools[0]: expected {type:"function"', "tools[0]"],
    [{ ...base, response_format: { type: "xml" } }, "response_format.type", "response_format.type"],
    [{ ...base, thinking: { type: "enabled", token_budget: -1 } }, "thinking.token_budget: must be a positive integer", "thinking.token_budget"],
    [{ ...base, messages: [{ role: "chatbot", content: "x" }] }, "messages[0].role: must be one of system, user, assistant, tool", "messages[0].role"],
    [{ ...base, messages: [{ role: "tool", content: "x" }] }, "messages[0].tool_call_id: field required", "messages[0].tool_call_id"],
    [{ ...base, messages: [{ role: "user", content: [{ type: "document", document: { data: "x" } }] }] }, 'content type "document" is not supported here', "messages[0].content[0].type"],
    [{ ...base, messages: [{ role: "assistant", tool_calls: [{ id: "c", function: {} }] }] }, "messages[0].tool_calls[0].function.name: field required", "messages[0].tool_calls[0].function.name"],
  ])("%j", (body, message, param) => {
    const e = rejection(body);
    expect(e).toBeInstanceOf(BifrostError);
    expect(e.status).toBe(400);
    expect(e.message).toContain(message);
    expect(e.param).toBe(param);
  });
});
