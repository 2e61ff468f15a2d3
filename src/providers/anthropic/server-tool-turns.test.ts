/** A second turn after server tools ran: the client gives back the first answer's blocks (server_tool_use, results, cited text). */
import { describe, expect, test } from "bun:test";
import { toChatRequest } from "../../dialects/anthropic/request";
import { toAnthropicMessage } from "../../dialects/anthropic/response";
import { createAnthropicStreamEncoder } from "../../dialects/anthropic/stream";
import { sseEvents } from "../../../tests/support/dialect-fixtures";
import { toConverseMessages } from "../bedrock/messages";
import { toCohereRequest } from "../cohere/chat";
import { toGeminiContents } from "../gemini/contents";
import { createOpenAIAdapter } from "../openai/adapter";
import { toVertexClaudeBody } from "../vertex/claude";
import { anthropicChatRequest } from "./chat";
import { fromAnthropicResponse } from "./response";
import { createAnthropicStreamDecoder } from "./stream";
import { fixtureJson, fixtureText, now, target } from "./__fixtures__";

const body = fixtureJson("web-search-second-turn.request.json");
const first = fixtureJson("web-search-citations.json");
const canonical = toChatRequest(body, {});
const assistant = canonical.messages[1]!;
const text = first.content.filter((b: any) => b.type === "text").map((b: any) => b.text).join("");

describe("Anthropic dialect: an assistant turn with server-tool blocks and citations", () => {
  test("is carried as the answer was: text joined, citations as annotations, tool blocks at their offsets", () => {
    expect(assistant).toEqual(fromAnthropicResponse(first, target(), now).choices[0]!.message as typeof assistant);
    expect(assistant.content).toBe(text);
    expect(assistant.server_tool_blocks).toEqual([
      { at: 45, block: first.content[1] },
      { at: 45, block: first.content[2] },
    ]);
    expect(assistant.annotations!.map((a: any) => text.slice(a.start_index, a.end_index))).toEqual(["Claude Shannon was born on April 30, 1916, in Petoskey, Michigan", "revenue grew 12%", "revenue grew 12%"]);
  });

  test("a block of another server tool (code execution, MCP) is carried too; an unknown block is still a 400", () => {
    const code = [
      { type: "server_tool_use", id: "srvtoolu_2", name: "code_execution", input: { code: "print(1)" } },
      { type: "code_execution_tool_result", tool_use_id: "srvtoolu_2", content: { type: "code_execution_result", stdout: "1\n", stderr: "", return_code: 0 } },
      { type: "text", text: "It printed 1." },
    ];
    const msg = toChatRequest({ ...body, messages: [body.messages[0], { role: "assistant", content: code }] }, {}).messages[1]!;
    expect(msg.server_tool_blocks).toEqual([{ at: 0, block: code[0] }, { at: 0, block: code[1] }]);
    expect(() => toChatRequest({ ...body, messages: [body.messages[0], { role: "assistant", content: [{ type: "image_gen" }] }] }, {})).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe("→ Anthropic (and Claude on Vertex): the turn goes back block for block", () => {
  test("anthropic receives the client's assistant turn exactly", () => {
    expect(JSON.parse(anthropicChatRequest(canonical, target(), false).body as string).messages[1]).toEqual(body.messages[1]);
  });

  test("vertex claude, which reuses the builder, likewise", () => {
    expect((toVertexClaudeBody(canonical, target({ provider: "vertex" }), false).messages as unknown[])[1]).toEqual(body.messages[1]);
  });

  test("a turn that ends on a server tool's call (pause_turn) keeps it last, after the text", () => {
    const paused = fixtureJson("pause-turn.json");
    const req = toChatRequest({ ...body, messages: [...body.messages, { role: "assistant", content: paused.content }] }, {});
    expect(JSON.parse(anthropicChatRequest(req, target(), false).body as string).messages.at(-1).content).toEqual(paused.content);
  });
});

describe("→ other providers: the turn's text only, never a 400", () => {
  test("OpenAI-style upstreams get a plain assistant message", () => {
    const sent = JSON.parse(createOpenAIAdapter({ kind: "openai" }).chatRequest({ ...canonical, tools: undefined }, { ...target(), provider: "openai", model: "gpt-4o" }, false).body as string);
    expect(sent.messages[1]).toEqual({ role: "assistant", content: text });
  });

  test.each([
    ["gemini", () => JSON.stringify(toGeminiContents(canonical.messages))],
    ["bedrock", () => JSON.stringify(toConverseMessages(canonical.messages))],
    ["cohere", () => JSON.stringify(toCohereRequest({ ...canonical, tools: undefined }, target({ provider: "cohere" }), false).messages)],
  ])("%s sees the text, not the tool blocks", (_, build) => {
    const sent = build();
    expect(sent).toContain("Claude Shannon was born");
    expect(sent).not.toContain("srvtoolu_");
  });
});

describe("pause_turn", () => {
  const paused = fixtureJson("pause-turn.json");

  test("is finish_reason stop for OpenAI clients, with the reason in extra_fields.native_finish_reason", () => {
    const res = fromAnthropicResponse(paused, target(), now);
    expect(res.choices[0]!.finish_reason).toBe("stop");
    expect(res.extra_fields).toEqual({ native_finish_reason: "pause_turn" } as any);
  });

  test("the Anthropic dialect gives it back as pause_turn, with the pending server_tool_use", () => {
    const res = fromAnthropicResponse(paused, target(), now);
    const msg = toAnthropicMessage({ ...res, extra_fields: { ...res.extra_fields!, provider: "anthropic", model_requested: "m" } });
    expect(msg.stop_reason).toBe("pause_turn");
    expect(msg.content).toEqual(paused.content);
  });

  test("stream: message_delta says pause_turn", () => {
    const dec = createAnthropicStreamDecoder(target(), now);
    const chunks = [...dec.push(fixtureText("pause-turn.chunks.txt")), ...dec.end()];
    expect(chunks.at(-1)!.extra_fields).toEqual({ native_finish_reason: "pause_turn" } as any);
    const enc = createAnthropicStreamEncoder();
    const events = sseEvents([...chunks.flatMap((c) => enc.chunk(c)), ...enc.end()]).map((e) => e.data);
    expect(events.find((e) => e.type === "message_delta").delta.stop_reason).toBe("pause_turn");
  });

  test("another provider's reason in native_finish_reason is not taken for Anthropic's", () => {
    const res = fromAnthropicResponse(fixtureJson("text.json"), target(), now);
    expect(toAnthropicMessage({ ...res, extra_fields: { provider: "gemini", model_requested: "m", native_finish_reason: "STOP" } }).stop_reason).toBe("end_turn");
  });
});
