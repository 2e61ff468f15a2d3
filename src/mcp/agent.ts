/**
 * MCP in a request's path: the connected servers' tools offered to the model (tool injection), and
 * agent mode: calls to tools in `tools_to_auto_execute` are run by the gateway, in parallel, their
 * results fed back, and the request goes round again until the model answers without such calls or
 * `max_agent_depth` rounds were made. Calls to other tools go back to the client as usual. A
 * streaming request runs its rounds without streaming and streams the final answer.
 */
import type { AnyRequest } from "../plugins/types";
import type { ChatMessage, ChatRequest, ChatResponse, ToolCall } from "../schemas/chat";
import { BifrostError } from "../schemas/error";
import { fromChatToolCall, toChatToolMessage, toFunctionTool } from "./tool-format";
import type { McpFilter, McpTool, McpToolResult } from "./types";

/** x-bf-mcp-include-clients / x-bf-mcp-include-tools: `*` all, an empty value none, else a comma list. */
export function mcpFilterOf(header: (name: string) => string | null | undefined): McpFilter {
  const list = (name: string): string[] | null => {
    const v = header(name);
    if (v === null || v === undefined) return null;
    return v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  };
  return { clients: list("x-bf-mcp-include-clients"), tools: list("x-bf-mcp-include-tools") };
}

/** The request with the MCP tools it may use added as function tools (a tool the client declared itself wins). */
export function withMcpTools(req: ChatRequest, tools: McpTool[]): ChatRequest {
  if (!tools.length) return req;
  const declared = new Set((req.tools ?? []).map((t) => (t as { function?: { name?: string } }).function?.name).filter(Boolean));
  const added = tools.filter((t) => !declared.has(t.name)).map(toFunctionTool);
  return added.length ? { ...req, tools: [...(req.tools ?? []), ...added] as ChatRequest["tools"] } : req;
}

/** A Responses request with the MCP tools added as Responses function tools (`{type, name, description, parameters}`). */
export function withResponsesTools(req: AnyRequest, tools: McpTool[]): AnyRequest {
  const existing = Array.isArray((req as { tools?: unknown }).tools) ? ((req as { tools: Array<{ name?: string }> }).tools) : [];
  const declared = new Set(existing.map((t) => t.name).filter(Boolean));
  // The Responses form of a function tool is the chat form's `function`, flattened.
  const added = tools.filter((t) => !declared.has(t.name)).map((t) => ({ type: "function", ...toFunctionTool(t).function }));
  return added.length ? ({ ...req, tools: [...existing, ...added] } as AnyRequest) : req;
}

/** The answer's tool calls the gateway runs itself: all of them auto-executable MCP tools, else none (the client gets them). */
export function autoCalls(res: ChatResponse, tools: McpTool[]): ToolCall[] | null {
  const calls = res.choices?.[0]?.message?.tool_calls;
  if (!calls?.length) return null;
  const auto = new Set(tools.filter((t) => t.autoExecute).map((t) => t.name));
  return calls.every((c) => auto.has(c.function.name)) ? calls : null;
}

/** Runs one tool (through the plugins' preMcp/postMcp: Bifrost.executeMcp). */
export type ExecuteTool = (name: string, args: Record<string, unknown>) => Promise<McpToolResult>;

/** Run each call (in parallel): the tool messages to send back. A tool's own error is its message's content. */
export async function runCalls(execute: ExecuteTool, calls: ToolCall[]): Promise<ChatMessage[]> {
  return Promise.all(
    calls.map(async (c): Promise<ChatMessage> => {
      let args: Record<string, unknown>;
      try {
        args = fromChatToolCall(c).args;
      } catch {
        return { role: "tool", tool_call_id: c.id, content: `Error: the arguments of ${c.function.name} are not valid JSON` };
      }
      try {
        const r = await execute(c.function.name, args);
        return toChatToolMessage(c.id, r.isError ? { ...r, content: `Error: ${r.content}` } : r);
      } catch (e) {
        // A disconnected server or a timeout: the model is told, the loop goes on.
        return { role: "tool", tool_call_id: c.id, content: `Error: ${BifrostError.from(e).message}` };
      }
    }),
  );
}

/**
 * Agent mode around one chat call: `call` answers a (non-streaming) chat request; rounds repeat while
 * every tool call is auto-executable, at most `maxDepth` times. Returns the final answer and the rounds made.
 */
export async function agentLoop(
  execute: ExecuteTool,
  maxDepth: number,
  req: ChatRequest,
  tools: McpTool[],
  call: (req: ChatRequest) => Promise<ChatResponse>,
): Promise<{ answer: ChatResponse; rounds: number }> {
  let messages = req.messages;
  for (let round = 1; ; round++) {
    const answer = await call({ ...req, messages });
    const calls = round <= maxDepth ? autoCalls(answer, tools) : null;
    if (!calls) return { answer, rounds: round };
    const results = await runCalls(execute, calls);
    messages = [...messages, { role: "assistant", content: answer.choices[0]!.message.content ?? null, tool_calls: calls } as ChatMessage, ...results];
  }
}

/** Is this request one MCP serves (chat with messages)? */
export function servesMcp(req: AnyRequest): req is ChatRequest & AnyRequest {
  return Array.isArray((req as ChatRequest).messages);
}
