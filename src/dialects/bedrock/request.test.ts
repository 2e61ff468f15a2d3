import { describe, expect, test } from "bun:test";
import { toChatRequest } from "./request";
import { fixtureJson } from "./__fixtures__";

const PNG = fixtureJson("converse-request.json").messages[0].content[1].image.source.bytes;

describe("a full Converse request", () => {
  test("→ canonical: system joined, image as data: URL, reasoning kept with signature, tool result before the user's text", () => {
    expect(toChatRequest(fixtureJson("converse-request.json"), { model: "anthropic/claude-sonnet-4-5" })).toEqual({
      model: "anthropic/claude-sonnet-4-5",
      messages: [
        { role: "system", content: "You are a travel assistant.\n\nAnswer briefly." },
        {
          role: "user",
          content: [
            { type: "text", text: "What's the weather where this photo was taken?" },
            { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } },
          ],
        },
        {
          role: "assistant",
          content: "That's Paris; let me check.",
          tool_calls: [{ id: "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }],
          reasoning: "The photo shows the Eiffel Tower.",
          reasoning_details: [{ type: "reasoning.text", text: "The photo shows the Eiffel Tower.", signature: "EqoBCkgIARAB" }],
        },
        { role: "tool", tool_call_id: "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", content: '{"temp_c":21,"sky":"clear"}' },
        { role: "user", content: "And tomorrow?" },
      ],
      max_tokens: 512,
      temperature: 0.2,
      top_p: 0.9,
      stop: ["\n\nHuman:"],
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Current weather for a city",
            parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
          },
        },
      ],
      tool_choice: "auto",
      reasoning: { max_tokens: 2048 },
      top_k: 40,
    });
  });
});

describe("model from the path", () => {
  const body = { messages: [{ role: "user", content: [{ text: "Hi" }] }] };

  test.each([
    ["openai%2Fgpt-4o-mini", "openai/gpt-4o-mini"],
    ["openai/gpt-4o-mini", "openai/gpt-4o-mini"],
    ["anthropic.claude-3-5-haiku-20241022-v1%3A0", "anthropic.claude-3-5-haiku-20241022-v1:0"],
    ["bad%zzescape", "bad%zzescape"],
  ])("%s → %s", (raw, model) => {
    expect(toChatRequest(body, { model: raw }).model).toBe(model);
  });

  test("missing model is a 400 naming model", () => {
    expect(() => toChatRequest(body, {})).toThrow(expect.objectContaining({ status: 400, param: "model" }));
  });

  test("streaming (converse-stream) asks the upstream for usage, which metadata reports", () => {
    expect(toChatRequest(body, { model: "m", stream: true })).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(toChatRequest(body, { model: "m" })).not.toHaveProperty("stream");
  });
});

describe("tool choice", () => {
  const withChoice = (toolChoice: unknown) =>
    toChatRequest({ messages: [], toolConfig: { tools: [{ toolSpec: { name: "f", inputSchema: { json: { type: "object" } } } }], toolChoice } }, { model: "m" });

  test.each([
    [{ auto: {} }, "auto"],
    [{ any: {} }, "required"],
    [{ tool: { name: "f" } }, { type: "function", function: { name: "f" } }],
  ])("%j → %j", (choice, expected) => {
    expect(withChoice(choice).tool_choice).toEqual(expected as any);
  });

  test("an unknown toolChoice is a 400", () => {
    expect(() => withChoice({ none: {} })).toThrow(expect.objectContaining({ param: "toolConfig.toolChoice" }));
  });

  test("a tool without inputSchema gets an empty object schema; cache points between tools are skipped", () => {
    const r = toChatRequest({ messages: [], toolConfig: { tools: [{ toolSpec: { name: "now" } }, { cachePoint: { type: "default" } }] } }, { model: "m" });
    expect(r.tools).toEqual([{ type: "function", function: { name: "now", parameters: { type: "object", properties: {} } } }]);
  });
});

describe("validation", () => {
  test.each([
    ["a non-object body", [], undefined],
    ["no messages", {}, "messages"],
    ["a bad role", { messages: [{ role: "system", content: [{ text: "x" }] }] }, "messages[0].role"],
    ["string content", { messages: [{ role: "user", content: "Hi" }] }, "messages[0].content"],
    ["an unsupported block", { messages: [{ role: "user", content: [{ video: {} }] }] }, "messages[0].content[0]"],
    ["an s3 image", { messages: [{ role: "user", content: [{ image: { format: "png", source: { s3Location: { uri: "s3://b/k" } } } }] }] }, "messages[0].content[0].image"],
    ["a toolResult without toolUseId", { messages: [{ role: "user", content: [{ toolResult: { content: [] } }] }] }, "messages[0].content[0].toolResult.toolUseId"],
    ["a fractional maxTokens", { messages: [], inferenceConfig: { maxTokens: 1.5 } }, "inferenceConfig.maxTokens"],
    ["string stop sequences", { messages: [], inferenceConfig: { stopSequences: "END" } }, "inferenceConfig.stopSequences"],
    ["a toolSpec without a name", { messages: [], toolConfig: { tools: [{ toolSpec: {} }] } }, "toolConfig.tools[0].toolSpec.name"],
    ["a non-integer thinking budget", { messages: [], additionalModelRequestFields: { thinking: { type: "enabled", budget_tokens: "lots" } } }, "additionalModelRequestFields.thinking.budget_tokens"],
  ])("%s is a 400 naming the field", (_, body, param) => {
    expect(() => toChatRequest(body, { model: "m" })).toThrow(expect.objectContaining({ status: 400, param: param ?? null }));
  });

  test("tool result images follow the tool message as a user image; redacted reasoning is kept", () => {
    const r = toChatRequest(
      {
        messages: [
          { role: "assistant", content: [{ reasoningContent: { redactedContent: "ZW5j" } }, { toolUse: { toolUseId: "t1", name: "shot", input: {} } }] },
          { role: "user", content: [{ toolResult: { toolUseId: "t1", content: [{ text: "here" }, { image: { format: "jpeg", source: { bytes: "AAAA" } } }] } }] },
        ],
      },
      { model: "m" },
    );
    expect(r.messages).toEqual([
      { role: "assistant", content: null, tool_calls: [{ id: "t1", type: "function", function: { name: "shot", arguments: "{}" } }], reasoning_details: [{ type: "reasoning.encrypted", data: "ZW5j" }] },
      { role: "tool", tool_call_id: "t1", content: "here" },
      { role: "user", content: [{ type: "image_url", image_url: { url: "data:image/jpeg;base64,AAAA" } }] },
    ]);
  });
});
