import { describe, expect, test } from "bun:test";
import { genaiToChatRequest, modelFromPath } from "./request";
import { fixtureJson } from "./__fixtures__";

const to = (body: unknown, model = "gemini-2.5-flash", stream = false) => genaiToChatRequest(body, { model, stream });

describe("model and streaming from the path", () => {
  test.each([
    ["gemini-2.5-flash", "gemini-2.5-flash"],
    ["models/gemini-2.5-flash", "gemini-2.5-flash"],
    ["openai/gpt-4o-mini", "openai/gpt-4o-mini"],
    ["models/openai/gpt-4o-mini", "openai/gpt-4o-mini"],
    ["openai%2Fgpt-4o-mini", "openai/gpt-4o-mini"],
  ])("%s → %s", (raw, model) => {
    expect(modelFromPath(raw)).toBe(model);
  });

  test("a missing model is a 400 on model", () => {
    expect(() => to({ contents: [{ parts: [{ text: "x" }] }] }, "")).toThrow(expect.objectContaining({ status: 400, param: "model" }));
  });

  test("streamGenerateContent asks for a stream with usage; generateContent for none", () => {
    const body = fixtureJson("request-text.json");
    expect(to(body, "m", true)).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(to(body)).not.toHaveProperty("stream");
  });
});

describe("contents and config", () => {
  test("a GenAI SDK request: system, alternating turns, generation config and thinking", () => {
    expect(to(fixtureJson("request-text.json"), "openai/gpt-4o-mini")).toEqual({
      model: "openai/gpt-4o-mini",
      messages: [
        { role: "system", content: "You are a poet.\nAnswer in English." },
        { role: "user", content: "Write a haiku about the sea." },
        { role: "assistant", content: "Waves fold into foam," },
        { role: "user", content: [{ type: "text", text: "Another one," }, { type: "text", text: "about mountains." }] },
      ],
      temperature: 0.7,
      top_p: 0.9,
      top_k: 40,
      max_tokens: 256,
      stop: ["END"],
      n: 1,
      seed: 42,
      reasoning: { max_tokens: 1024 },
    });
  });

  test("function calls get ids, responses are matched to them by name (in any order), signatures ride along", () => {
    const req = to(fixtureJson("request-tools.json"));
    expect(req.messages).toEqual([
      { role: "user", content: "What's the weather and time in Paris?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "call_0", type: "function", function: { name: "get_weather", arguments: '{"location":"Paris"}' } },
          { id: "call_1", type: "function", function: { name: "get_time", arguments: '{"timezone":"Europe/Paris"}' } },
        ],
        reasoning_details: [{ type: "gemini.thought_signature", signature: "CiQB0e2Kb7RqbnZ2S0V3U1h6c3ZQa0hB", id: "call_0" } as any],
      },
      { role: "tool", tool_call_id: "call_1", content: '{"time":"14:05"}' },
      { role: "tool", tool_call_id: "call_0", content: "21°C and sunny" },
    ]);
  });

  test("Gemini schemas become JSON Schema (lower-case types, nullable → null type); parametersJsonSchema passes as is", () => {
    const req = to(fixtureJson("request-tools.json"));
    expect(req.tools).toEqual([
      {
        type: "function",
        function: {
          name: "get_weather",
          description: "Current weather for a city",
          parameters: {
            type: "object",
            properties: { location: { type: "string", description: "City name" }, unit: { type: ["string", "null"], enum: ["celsius", "fahrenheit"] } },
            required: ["location"],
          },
        },
      },
      { type: "function", function: { name: "get_time", parameters: { type: "object", properties: { timezone: { type: "string" } }, additionalProperties: false } } },
    ]);
    expect(req.tool_choice).toEqual({ type: "function", function: { name: "get_weather" } });
  });

  test("snake_case field names (as Google's REST docs write them) work too; images become image_url parts", () => {
    expect(to(fixtureJson("request-snake-case.json"))).toEqual({
      model: "gemini-2.5-flash",
      messages: [
        { role: "system", content: "You are a cat." },
        {
          role: "user",
          content: [
            { type: "text", text: "Describe this image." },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
            { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
          ],
        },
      ],
      tools: [{ type: "function", function: { name: "meow", parameters: { type: "object", properties: {} } } }],
      tool_choice: "auto",
      max_tokens: 100,
      response_format: { type: "json_object" },
    });
  });

  test("functionResponse ids, when the client echoes them, match exactly", () => {
    const req = to({
      contents: [
        { role: "user", parts: [{ text: "x" }] },
        { role: "model", parts: [{ functionCall: { id: "a", name: "f", args: {} } }, { functionCall: { id: "b", name: "f", args: {} } }] },
        { role: "user", parts: [{ functionResponse: { id: "b", name: "f", response: { r: 2 } } }, { functionResponse: { id: "a", name: "f", response: { r: 1 } } }] },
      ],
    });
    expect(req.messages.slice(2)).toEqual([
      { role: "tool", tool_call_id: "b", content: '{"r":2}' },
      { role: "tool", tool_call_id: "a", content: '{"r":1}' },
    ]);
  });

  test("tool results come before the text of the same user turn; an unmatched one keeps its name", () => {
    const req = to({ contents: [{ role: "user", parts: [{ text: "and also" }, { functionResponse: { name: "lookup", response: { v: 1 } } }] }] });
    expect(req.messages).toEqual([
      { role: "tool", tool_call_id: "call_lookup", name: "lookup", content: '{"v":1}' },
      { role: "user", content: "and also" },
    ]);
  });

  test("thought parts of model turns → reasoning; audio and other inline data → input_audio and file parts", () => {
    const req = to({
      contents: [
        { role: "user", parts: [{ inlineData: { mimeType: "audio/wav", data: "UklGRg==" } }, { inlineData: { mimeType: "application/pdf", data: "JVBERi0=" } }] },
        { role: "model", parts: [{ text: "hmm", thought: true }, { text: "Done.", thoughtSignature: "S" }] },
      ],
    });
    expect(req.messages as unknown[]).toEqual([
      {
        role: "user",
        content: [
          { type: "input_audio", input_audio: { data: "UklGRg==", format: "wav" } },
          { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0=" } },
        ],
      },
      { role: "assistant", content: "Done.", reasoning: "hmm", reasoning_details: [{ type: "gemini.thought_signature", signature: "S" } as any] },
    ]);
  });

  test("a model turn with only thoughts (no text, no calls) is dropped", () => {
    const req = to({ contents: [{ role: "user", parts: [{ text: "a" }] }, { role: "model", parts: [{ text: "hmm", thought: true }] }, { role: "user", parts: [{ text: "b" }] }] });
    expect(req.messages).toEqual([
      { role: "user", content: "a" },
      { role: "user", content: "b" },
    ]);
  });

  test.each([
    [{ mode: "NONE" }, "none"],
    [{ mode: "ANY" }, "required"],
    [{ mode: "ANY", allowedFunctionNames: ["a", "b"] }, "required"],
    [{ mode: "AUTO" }, "auto"],
    [{ mode: "VALIDATED" }, "auto"],
  ])("functionCallingConfig %j → tool_choice %j", (config, choice) => {
    const body = { contents: [{ parts: [{ text: "x" }] }], tools: [{ functionDeclarations: [{ name: "a" }] }], toolConfig: { functionCallingConfig: config } };
    expect(to(body).tool_choice).toEqual(choice as any);
  });

  test("toolConfig without tools is dropped", () => {
    expect(to({ contents: [{ parts: [{ text: "x" }] }], toolConfig: { functionCallingConfig: { mode: "ANY" } } })).not.toHaveProperty("tool_choice");
  });

  test("responseSchema (OpenAPI) or responseJsonSchema → response_format json_schema", () => {
    const base = { contents: [{ parts: [{ text: "x" }] }] };
    expect(to({ ...base, generationConfig: { responseMimeType: "application/json", responseSchema: { type: "OBJECT", properties: { a: { type: "INTEGER" } } } } }).response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "response", schema: { type: "object", properties: { a: { type: "integer" } } } },
    } as any);
    expect(to({ ...base, generationConfig: { responseMimeType: "application/json", responseJsonSchema: { type: "array" } } }).response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "response", schema: { type: "array" } },
    } as any);
  });

  test("thinkingLevel → reasoning_effort; a dynamic budget (-1) sets nothing", () => {
    const base = { contents: [{ parts: [{ text: "x" }] }] };
    expect(to({ ...base, generationConfig: { thinkingConfig: { thinkingLevel: "HIGH" } } }).reasoning_effort).toBe("high");
    const dynamic = to({ ...base, generationConfig: { thinkingConfig: { thinkingBudget: -1 } } });
    expect(dynamic).not.toHaveProperty("reasoning");
    expect(dynamic).not.toHaveProperty("reasoning_effort");
  });
});

describe("rejected input", () => {
  test.each([
    ["a body that is not an object", [], null],
    ["contents that are not an array", { contents: "hi" }, "contents"],
    ["empty contents", { contents: [], systemInstruction: { parts: [{ text: "sys" }] } }, "contents"],
    ["a content without parts", { contents: [{ role: "user" }] }, "contents[0].parts"],
    ["a built-in tool", { contents: [{ parts: [{ text: "x" }] }], tools: [{ googleSearch: {} }] }, "tools[0]"],
    ["a nameless function", { contents: [{ parts: [{ text: "x" }] }], tools: [{ functionDeclarations: [{}] }] }, "tools[0].functionDeclarations[0].name"],
    ["an unknown part", { contents: [{ parts: [{ executableCode: { code: "1" } }] }] }, "contents[0].parts[0]"],
  ])("%s is a 400 naming the field", (_, body, param) => {
    expect(() => to(body)).toThrow(expect.objectContaining({ status: 400, param }));
  });
});
