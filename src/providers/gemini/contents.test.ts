import { describe, expect, test } from "bun:test";
import type { ChatMessage, ContentPart } from "../../schemas/chat";
import { toGeminiContents } from "./contents";
import { signatureDetail } from "./signatures";
import { fixtureJson } from "./__fixtures__";

const call = (id: string, name: string, args: string) => ({ id, type: "function", function: { name, arguments: args } });

describe("roles and turns", () => {
  test("system and developer messages become systemInstruction; user/assistant → user/model", () => {
    expect(
      toGeminiContents([
        { role: "system", content: "Be brief." },
        { role: "developer", content: [{ type: "text", text: "Answer in French." }] },
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Salut !" },
        { role: "user", content: "How are you?" },
      ]),
    ).toEqual({
      systemInstruction: { parts: [{ text: "Be brief." }, { text: "Answer in French." }] },
      contents: [
        { role: "user", parts: [{ text: "Hi" }] },
        { role: "model", parts: [{ text: "Salut !" }] },
        { role: "user", parts: [{ text: "How are you?" }] },
      ],
    });
  });

  test("consecutive messages of the same role merge into one turn", () => {
    expect(
      toGeminiContents([
        { role: "user", content: "One" },
        { role: "user", content: [{ type: "text", text: "Two" }] },
        { role: "assistant", content: "A" },
        { role: "assistant", content: "B" },
      ]).contents,
    ).toEqual([
      { role: "user", parts: [{ text: "One" }, { text: "Two" }] },
      { role: "model", parts: [{ text: "A" }, { text: "B" }] },
    ]);
  });

  test("empty text and empty messages are dropped (Gemini rejects empty parts)", () => {
    expect(toGeminiContents([{ role: "system", content: "" }, { role: "user", content: "" }, { role: "user", content: "Hi" }, { role: "assistant", content: null }])).toEqual({
      contents: [{ role: "user", parts: [{ text: "Hi" }] }],
    });
  });

  test("a non-text system part is a 400 naming it", () => {
    expect(() => toGeminiContents([{ role: "system", content: [{ type: "image_url", image_url: { url: "https://x/y.png" } }] }])).toThrow(
      expect.objectContaining({ status: 400, param: "messages[0].content[0]" }),
    );
  });
});

describe("images and files", () => {
  test("data: URLs → inlineData; http(s) → fileData with the mime type from the extension, else image/jpeg", () => {
    const { contents } = toGeminiContents([
      {
        role: "user",
        content: [
          { type: "text", text: "What is in these images?" },
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==" } },
          { type: "image_url", image_url: { url: "https://upload.wikimedia.org/wikipedia/commons/thumb/bicycle.webp?width=640", detail: "high" } },
          { type: "image_url", image_url: { url: "https://example.com/render?id=42" } },
        ],
      },
    ]);
    expect({ contents }).toEqual(fixtureJson("image-input.request.json"));
  });

  test("gs:// URIs pass as fileData (Vertex reads Cloud Storage)", () => {
    const parts = toGeminiContents([{ role: "user", content: [{ type: "image_url", image_url: { url: "gs://bucket/cat.PNG" } }] }]).contents[0]!.parts;
    expect(parts).toEqual([{ fileData: { fileUri: "gs://bucket/cat.PNG", mimeType: "image/png" } }]);
  });

  test("input_audio → inlineData audio/<format>; a file data: URL → inlineData", () => {
    const parts = toGeminiContents([
      {
        role: "user",
        content: [
          { type: "input_audio", input_audio: { data: "UklGRg==", format: "wav" } } as ContentPart,
          { type: "file", file: { filename: "a.pdf", file_data: "data:application/pdf;base64,JVBERi0=" } } as ContentPart,
        ],
      },
    ]).contents[0]!.parts;
    expect(parts).toEqual([{ inlineData: { mimeType: "audio/wav", data: "UklGRg==" } }, { inlineData: { mimeType: "application/pdf", data: "JVBERi0=" } }]);
  });

  test("an image URL that is neither http(s), gs nor data: is a 400 naming it", () => {
    expect(() => toGeminiContents([{ role: "user", content: [{ type: "image_url", image_url: { url: "file:///etc/passwd" } }] }])).toThrow(
      expect.objectContaining({ status: 400, param: "messages[0].content[0].image_url.url" }),
    );
  });

  test("an unknown part type is a 400", () => {
    expect(() => toGeminiContents([{ role: "user", content: [{ type: "video_url" }] }])).toThrow(expect.objectContaining({ status: 400, param: "messages[0].content[0]" }));
  });
});

describe("tool calls and results", () => {
  const conversation: ChatMessage[] = [
    { role: "user", content: "Weather and time in Paris?" },
    { role: "assistant", content: null, tool_calls: [call("call_0", "get_weather", '{"location":"Paris"}'), call("call_1", "get_time", "")] },
    { role: "tool", tool_call_id: "call_0", content: '{"temp":21,"unit":"C"}' },
    { role: "tool", tool_call_id: "call_1", content: [{ type: "text", text: "14:05" }] },
    { role: "user", content: "Thanks!" },
  ];

  test("assistant tool_calls → functionCall parts; tool results → functionResponse named after their call, merged with the next user turn", () => {
    expect(toGeminiContents(conversation).contents).toEqual([
      { role: "user", parts: [{ text: "Weather and time in Paris?" }] },
      { role: "model", parts: [{ functionCall: { name: "get_weather", args: { location: "Paris" } } }, { functionCall: { name: "get_time", args: {} } }] },
      {
        role: "user",
        parts: [
          { functionResponse: { name: "get_weather", response: { content: { temp: 21, unit: "C" } } } },
          { functionResponse: { name: "get_time", response: { content: "14:05" } } },
          { text: "Thanks!" },
        ],
      },
    ]);
  });

  test("the same call id in a later turn resolves to the later call's name", () => {
    const contents = toGeminiContents([
      { role: "user", content: "a" },
      { role: "assistant", content: null, tool_calls: [call("call_0", "first", "{}")] },
      { role: "tool", tool_call_id: "call_0", content: "1" },
      { role: "assistant", content: null, tool_calls: [call("call_0", "second", "{}")] },
      { role: "tool", tool_call_id: "call_0", content: "2" },
    ]).contents;
    expect(contents.flatMap((c) => c.parts.map((p) => p.functionResponse?.name)).filter(Boolean)).toEqual(["first", "second"]);
  });

  test("a tool message whose id matches no call is a 400; with a name it still works", () => {
    expect(() => toGeminiContents([{ role: "tool", tool_call_id: "nope", content: "x" }])).toThrow(expect.objectContaining({ status: 400, param: "messages[0].tool_call_id" }));
    expect(toGeminiContents([{ role: "tool", tool_call_id: "nope", name: "lookup", content: "x" }]).contents[0]!.parts).toEqual([
      { functionResponse: { name: "lookup", response: { content: "x" } } },
    ]);
  });

  test("a tool message without tool_call_id is a 400", () => {
    expect(() => toGeminiContents([{ role: "tool", content: "x" }])).toThrow(expect.objectContaining({ status: 400 }));
  });

  test("legacy function messages → functionResponse with their name", () => {
    expect(toGeminiContents([{ role: "function", name: "lookup", content: "[1,2]" }]).contents[0]!.parts).toEqual([
      { functionResponse: { name: "lookup", response: { content: [1, 2] } } },
    ]);
  });

  test.each([
    ["not JSON", "{oops", "is not valid JSON"],
    ["an array", "[1]", "must be a JSON object"],
  ])("arguments that are %s are a 400 naming the field", (_, args, message) => {
    expect(() => toGeminiContents([{ role: "assistant", content: null, tool_calls: [call("c", "f", args)] }])).toThrow(
      expect.objectContaining({ status: 400, param: "messages[0].tool_calls[0].function.arguments", message: expect.stringContaining(message) }),
    );
  });
});

describe("thought signatures", () => {
  test("go back on the functionCall with the same id, and on the text for an id-less one", () => {
    const parts = toGeminiContents([
      {
        role: "assistant",
        content: "Checking.",
        tool_calls: [call("call_0", "a", "{}"), call("call_1", "b", "{}")],
        reasoning_details: [signatureDetail("SIG_TEXT"), signatureDetail("SIG_A", "call_0"), { type: "reasoning.text", text: "x", signature: "anthropic" }],
      },
    ]).contents[0]!.parts;
    expect(parts).toEqual([
      { text: "Checking.", thoughtSignature: "SIG_TEXT" },
      { functionCall: { name: "a", args: {} }, thoughtSignature: "SIG_A" },
      { functionCall: { name: "b", args: {} } },
    ]);
  });
});

describe("documents", () => {
  const user = (file: Record<string, string>) => toGeminiContents([{ role: "user", content: [{ type: "file", file } as ContentPart] }]).contents[0]!.parts;

  test("a PDF file part is inlineData with its media type", () => {
    expect(user({ file_data: "data:application/pdf;base64,JVBERi0=", filename: "a.pdf" })).toEqual([{ inlineData: { mimeType: "application/pdf", data: "JVBERi0=" } }]);
  });

  test("a document URL (Anthropic's source.url) is fileData, a PDF unless the extension says otherwise", () => {
    expect(user({ file_url: "https://example.com/report?id=1" })).toEqual([{ fileData: { fileUri: "https://example.com/report?id=1", mimeType: "application/pdf" } }]);
  });

  test("a file_id is a 400: the gateway has no file store", () => {
    expect(() => user({ file_id: "file-abc" })).toThrow(expect.objectContaining({ status: 400, param: "messages[0].content[0].file" }));
  });
});
