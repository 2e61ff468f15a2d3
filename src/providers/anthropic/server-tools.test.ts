import { describe, expect, test } from "bun:test";
import type { ChatRequest } from "../../schemas/chat";
import { toChatRequest } from "../../dialects/anthropic/request";
import { toToolConfig } from "../bedrock/tools";
import { toGeminiTools } from "../gemini/tools";
import { anthropicChatRequest } from "./chat";
import { target } from "./__fixtures__";

const SERVER_TOOLS = [
  { type: "web_search_20250305", name: "web_search", max_uses: 5, user_location: { type: "approximate", city: "Paris", country: "FR" } },
  { type: "code_execution_20250522", name: "code_execution" },
  { type: "text_editor_20250728", name: "str_replace_based_edit_tool", max_characters: 10000 },
  { type: "bash_20250124", name: "bash" },
];

describe("provider-run tools at Anthropic", () => {
  const wire = anthropicChatRequest(
    toChatRequest({ model: "anthropic/claude-sonnet-4-5", max_tokens: 512, messages: [{ role: "user", content: "Search" }], tools: [{ name: "f", input_schema: { type: "object" } }, ...SERVER_TOOLS] }, {}),
    target({ extraHeaders: { "anthropic-beta": "prompt-caching-2024-07-31" } }),
    false,
  );

  test("Anthropic's own tools reach Anthropic exactly as the client sent them", () => {
    expect(JSON.parse(wire.body as string).tools).toEqual([{ name: "f", input_schema: { type: "object" } }, ...SERVER_TOOLS]);
  });

  test("a tool still in beta brings its beta header, after the configured ones", () => {
    expect(wire.headers["anthropic-beta"]).toBe("prompt-caching-2024-07-31,code-execution-2025-05-22");
  });

  test("an OpenAI built-in (web_search) is a 400 at Anthropic naming the tool", () => {
    const req: ChatRequest = { model: "m", messages: [{ role: "user", content: "x" }], tools: [{ type: "web_search" }] };
    expect(() => anthropicChatRequest(req, target(), false)).toThrow(expect.objectContaining({ status: 400, param: "tools[0].type" }));
  });
});

describe("provider-run tools elsewhere", () => {
  test.each([
    ["gemini", () => toGeminiTools(SERVER_TOOLS as any)],
    ["bedrock", () => toToolConfig({ model: "m", messages: [], tools: SERVER_TOOLS })],
  ])("%s answers 400 naming the tool it cannot run", (_, run) => {
    expect(run).toThrow(expect.objectContaining({ status: 400, param: "tools[0].type" }));
  });
});
