/**
 * What a cohere-ai SDK client sees, over HTTP. The SDK is not installed, so its stream reader is reproduced from its
 * source (core/streaming-fetcher/Stream.ts: lines split on "\n", the part after "data:" parsed as JSON, "[DONE]" ends
 * the stream) and its chatStream union (V2ChatStreamResponse, discriminated on `type`).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { chatChunks, chatResponse } from "./__fixtures__";
import { cannedDialectServer } from "../../../tests/support/dialect-fixtures";
import { cohereDialect } from "./index";

const SDK_EVENT_TYPES = new Set([
  "message-start", "content-start", "content-delta", "content-end", "tool-plan-delta", "tool-call-start",
  "tool-call-delta", "tool-call-end", "citation-start", "citation-end", "message-end", "debug",
]);

const { server, seen } = cannedDialectServer(cohereDialect, "/cohere/v2/chat", { chatResponse, chatChunks });
afterAll(() => server.stop(true));

const endpoint = `${server.url.origin}/cohere/v2/chat`;
const post = (body: unknown) => fetch(endpoint, { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer x" }, body: JSON.stringify(body) });

/** The SDK's Stream.iterMessages for eventShape {type: "sse", streamTerminator: "[DONE]"}. */
async function* sdkStream(res: Response): AsyncGenerator<any> {
  const decoder = new TextDecoder();
  let buf = "";
  let prefixSeen = false;
  for await (const chunk of res.body as any as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(chunk, { stream: true });
    let i: number;
    while ((i = buf.indexOf("\n")) >= 0) {
      let line = buf.slice(0, i + 1);
      buf = buf.slice(i + 1);
      if (line.length === 0) continue;
      if (!prefixSeen) {
        const p = line.indexOf("data:");
        if (p === -1) continue;
        prefixSeen = true;
        line = line.slice(p + "data:".length);
      }
      if (line.includes("[DONE]")) return;
      yield JSON.parse(line);
      prefixSeen = false;
    }
  }
}

async function collect(res: Response) {
  const events: any[] = [];
  for await (const e of sdkStream(res)) events.push(e);
  for (const e of events) expect(SDK_EVENT_TYPES.has(e.type)).toBe(true);
  return events;
}

const user = [{ role: "user", content: "Hello" }];

describe("cohere-ai ClientV2 through the cohere dialect", () => {
  test("chat: message.content[0].text, finish_reason, usage", async () => {
    const res = await post({ model: "openai-text", messages: [{ role: "system", content: "Be nice." }, ...user] });
    expect(res.status).toBe(200);
    const body: any = await res.json();
    expect(body.message.content[0].text).toBe("Hello there, café ☕!");
    expect(body.finish_reason).toBe("COMPLETE");
    expect(body.usage.tokens).toEqual({ input_tokens: 19, output_tokens: 4 });
    expect(seen.at(-1)!.messages[0]).toEqual({ role: "system", content: "Be nice." });
  });

  test("chat: tool_calls and tool_plan, as the tool-use guide reads them", async () => {
    const tools = [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { location: { type: "string" } } } } }];
    const body: any = await (await post({ model: "openai-tool-call", messages: user, tools, tool_choice: "REQUIRED" })).json();
    expect(body.finish_reason).toBe("TOOL_CALL");
    expect(body.message.tool_plan).toBe("Let me check.");
    expect(JSON.parse(body.message.tool_calls[0].function.arguments)).toEqual({ location: "Toronto" });
    expect(seen.at(-1)).toMatchObject({ tool_choice: "required" });
  });

  test("chatStream: content-delta text, then message-end with finish_reason and usage", async () => {
    const events = await collect(await post({ model: "openai-text", messages: user, stream: true }));
    const text = events.filter((e) => e.type === "content-delta").map((e) => e.delta.message.content.text).join("");
    expect(text).toBe("Hello there, café ☕!");
    expect(events[0]).toMatchObject({ type: "message-start", id: "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG" });
    expect(events.at(-1)).toMatchObject({ type: "message-end", delta: { finish_reason: "COMPLETE", usage: { tokens: { input_tokens: 19, output_tokens: 4 } } } });
  });

  test("chatStream: tool calls assembled from tool-call-start and tool-call-delta", async () => {
    const events = await collect(await post({ model: "openai-parallel-tool-calls", messages: user, stream: true }));
    const calls: Array<{ id: string; name: string; args: string }> = [];
    for (const e of events) {
      if (e.type === "tool-call-start") calls[e.index] = { id: e.delta.message.tool_calls.id, name: e.delta.message.tool_calls.function.name, args: "" };
      if (e.type === "tool-call-delta") calls[e.index]!.args += e.delta.message.tool_calls.function.arguments;
    }
    expect(calls.map((c) => [c.id, c.name, JSON.parse(c.args)])).toEqual([
      ["call_madrid", "get_weather", { location: "Madrid" }],
      ["call_brasilia", "get_weather", { location: "Brasilia" }],
    ]);
    expect(events.at(-1).delta.finish_reason).toBe("TOOL_CALL");
  });

  test("chatStream: a failure mid-stream ends with message-end ERROR and the message", async () => {
    const events = await collect(await post({ model: "fail-mid-stream", messages: user, stream: true }));
    expect(events.at(-1)).toEqual({ type: "message-end", delta: { error: "upstream overloaded", finish_reason: "ERROR" } });
  });

  test("a rejected request is a 400 with Cohere's {message}, which the SDK puts on BadRequestError.body", async () => {
    const res = await post({ model: "openai-text", messages: [] });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ message: "messages: must be a non-empty list" });
  });
});
