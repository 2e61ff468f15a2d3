/** Tool injection and agent mode (src/mcp/agent.ts) against a fake manager: the loop's rules, not the transport. */
import { describe, expect, test } from "bun:test";
import type { ChatRequest, ChatResponse } from "../schemas/chat";
import { BifrostError } from "../schemas/error";
import { agentLoop, autoCalls, mcpFilterOf, withMcpTools, withResponsesTools } from "./agent";
import type { McpManager, McpTool } from "./types";

const tool = (name: string, autoExecute: boolean): McpTool => ({ name, client: name.split("-")[0]!, tool: name.split("-")[1]!, description: `${name} tool`, inputSchema: { type: "object", properties: {} }, autoExecute });
const TOOLS = [tool("everything-echo", true), tool("everything-add", true), tool("files-delete", false)];

function manager(results: Record<string, string | Error> = {}): McpManager & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    tools: () => TOOLS,
    async execute(name, args) {
      calls.push(`${name}:${JSON.stringify(args)}`);
      const r = results[name] ?? `ran ${name}`;
      if (r instanceof Error) throw r;
      return { content: r, isError: false, latencyMs: 1 };
    },
    clients: () => [],
    configs: () => [],
    clientCount: 2,
    sync: async () => {},
    addClient: async () => { throw new Error("unused"); },
    updateClient: async () => { throw new Error("unused"); },
    removeClient: async () => {},
    reconnect: async () => { throw new Error("unused"); },
    toolExecutionTimeoutMs: 30_000,
    maxAgentDepth: 3,
    close: async () => {},
  };
}

const req: ChatRequest = { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "echo hi" }] } as ChatRequest;
const answer = (toolCalls?: Array<[string, string]>): ChatResponse =>
  ({
    id: "a",
    object: "chat.completion",
    created: 0,
    model: "m",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: toolCalls ? null : "done", ...(toolCalls ? { tool_calls: toolCalls.map(([name, args], i) => ({ id: `call_${i}`, type: "function", function: { name, arguments: args } })) } : {}) },
        finish_reason: toolCalls ? "tool_calls" : "stop",
      },
    ],
  }) as ChatResponse;

describe("tool injection", () => {
  test("MCP tools join the request's own; a tool the client declared with the same name wins", () => {
    const mine = { ...req, tools: [{ type: "function", function: { name: "everything-echo", parameters: {} } }] } as ChatRequest;
    const out = withMcpTools(mine, TOOLS);
    expect(out.tools!.map((t) => (t as { function: { name: string } }).function.name)).toEqual(["everything-echo", "everything-add", "files-delete"]);
    expect(withMcpTools(req, [])).toBe(req);
  });

  test("Responses requests get Responses-shaped function tools", () => {
    const out = withResponsesTools({ model: "openai/gpt-4o", input: "hi" }, TOOLS.slice(0, 1)) as { tools: unknown[] };
    expect(out.tools).toEqual([{ type: "function", name: "everything-echo", description: "everything-echo tool", parameters: { type: "object", properties: {} } }]);
  });

  test("x-bf-mcp-include-* headers: absent means no filter, `*` all, empty none", () => {
    const h = (m: Record<string, string>) => (name: string) => m[name];
    expect(mcpFilterOf(h({}))).toEqual({ clients: null, tools: null });
    expect(mcpFilterOf(h({ "x-bf-mcp-include-clients": "everything, files", "x-bf-mcp-include-tools": "" }))).toEqual({ clients: ["everything", "files"], tools: [] });
  });
});

describe("agent mode", () => {
  test("auto-executable calls run (in parallel), their results go back, and the loop ends with the model's answer", async () => {
    const m = manager({ "everything-echo": "hi" });
    const seen: ChatRequest[] = [];
    const replies = [answer([["everything-echo", '{"message":"hi"}'], ["everything-add", '{"a":1,"b":2}']]), answer()];
    const { answer: final, rounds } = await agentLoop((n, a) => m.execute(n, a), m.maxAgentDepth, req, TOOLS, async (r) => (seen.push(r), replies.shift()!));
    expect(rounds).toBe(2);
    expect(final.choices[0]!.message.content).toBe("done");
    expect(m.calls.sort()).toEqual(['everything-add:{"a":1,"b":2}', 'everything-echo:{"message":"hi"}']);
    const second = seen[1]!.messages;
    expect(second.slice(-3).map((x) => x.role)).toEqual(["assistant", "tool", "tool"]);
    expect(second.at(-2)).toMatchObject({ role: "tool", tool_call_id: "call_0", content: "hi" });
  });

  test("a call to a tool that is not auto-executable goes back to the client, the others with it", async () => {
    const m = manager();
    const mixed = answer([["everything-echo", "{}"], ["files-delete", '{"path":"/"}']]);
    const { answer: final, rounds } = await agentLoop((n, a) => m.execute(n, a), m.maxAgentDepth, req, TOOLS, async () => mixed);
    expect([final, rounds, m.calls]).toEqual([mixed, 1, []]);
    expect(autoCalls(mixed, TOOLS)).toBeNull();
  });

  test("max_agent_depth bounds the rounds: the last answer goes back as it is", async () => {
    const m = manager();
    let n = 0;
    const { rounds, answer: final } = await agentLoop((n, a) => m.execute(n, a), m.maxAgentDepth, req, TOOLS, async () => (n++, answer([["everything-echo", "{}"]])));
    expect(rounds).toBe(4); // 3 rounds with tools run, then the 4th answer is returned
    expect(n).toBe(4);
    expect(final.choices[0]!.finish_reason).toBe("tool_calls");
  });

  test("a disconnected server or bad arguments become the tool message's error, not a failed request", async () => {
    const m = manager({ "everything-echo": new BifrostError({ status: 503, message: "MCP client everything is disconnected" }) });
    const seen: ChatRequest[] = [];
    const replies = [answer([["everything-echo", "{}"], ["everything-add", "{not json"]]), answer()];
    await agentLoop((n, a) => m.execute(n, a), m.maxAgentDepth, req, TOOLS, async (r) => (seen.push(r), replies.shift()!));
    const tools = seen[1]!.messages.filter((x) => x.role === "tool").map((x) => x.content);
    expect(tools).toEqual(["Error: MCP client everything is disconnected", "Error: the arguments of everything-add are not valid JSON"]);
  });
});
