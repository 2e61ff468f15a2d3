/**
 * Bifrost as one MCP server at /mcp (streamable HTTP): tools/list gives the connected clients'
 * tools (`<client>-<tool>`), tools/call runs one through the manager. Stateless, as Go Bifrost's
 * (handlers/mcpserver.go): each POST is served by a fresh server and transport (no session to keep
 * or lose), answered as JSON; GET opens an SSE stream kept alive with comments. An inference route,
 * so admin auth on inference applies; `filter` narrows what each caller sees and may call.
 */
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { Elysia } from "elysia";
import pkg from "../../package.json";
import type { McpFilter, McpManager, McpToolResult } from "../mcp/types";
import { BifrostError } from "../schemas/error";
import { readJsonBody } from "./body";
import { managerOrThrow, type McpHttpOptions, executorOf } from "./mcp";
import type { Route, RouteRequest } from "./route";
import { withHeaders } from "./route";

/** GET and POST /mcp; none without `opts`. */
export function mcpServerRoutes(route: Route, opts: McpHttpOptions | undefined, maxBodyBytes: number) {
  if (!opts) return new Elysia({ name: "mcp-server" });
  const serve = (r: RouteRequest) => serveMcp(r, opts, maxBodyBytes);
  return new Elysia({ name: "mcp-server" }).post("/mcp", route(serve), { parse: "none" }).get("/mcp", route(serve));
}

async function serveMcp(r: RouteRequest, opts: McpHttpOptions, maxBodyBytes: number): Promise<Response> {
  const manager = managerOrThrow(opts.manager);
  const filter = opts.filter ? await opts.filter(r.request) : undefined;
  if (filter instanceof Response) return withHeaders(filter, r.headers);
  // A tool call may take up to tool_execution_timeout; a GET stream is open until the client leaves.
  r.holdOpen();
  const parsedBody = r.request.method === "POST" ? (await readJsonBody(r.request, maxBodyBytes)).value : undefined;
  const execute = executorOf(opts);
  const server = mcpServer(manager, filter, (name, args, signal) => execute(name, args, r.request, signal));
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await server.connect(transport);
  let response: Response;
  try {
    response = await transport.handleRequest(r.request, { parsedBody });
  } catch (err) {
    await server.close();
    throw err;
  }
  // A POST is answered whole (JSON); a GET's stream ends when the client leaves.
  if (r.request.method === "POST") {
    await server.close();
    return withHeaders(response, r.headers);
  }
  r.request.signal.addEventListener("abort", () => void server.close(), { once: true });
  return withHeaders(openedAtOnce(response), r.headers);
}

const OPENED = new TextEncoder().encode(": connected\n\n");

/**
 * The SSE stream with a comment first: Bun sends a streamed answer's headers with its first bytes,
 * and the transport writes nothing until its first keep-alive (15 s), so the client would wait that long.
 */
function openedAtOnce(response: Response): Response {
  if (!response.body || !response.headers.get("content-type")?.startsWith("text/event-stream")) return response;
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    start: (c) => c.enqueue(OPENED),
    async pull(c) {
      const { value, done } = await reader.read();
      if (done) c.close();
      else c.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return new Response(body, { status: response.status, headers: response.headers });
}

/** One request's server: what it lists and may call is the manager's tools within `filter`. */
function mcpServer(manager: McpManager, filter: McpFilter | undefined, execute: (name: string, args: Record<string, unknown>, signal?: AbortSignal) => Promise<McpToolResult>): Server {
  const server = new Server({ name: "bifrost", version: pkg.version }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: manager.tools(filter).map((t) => ({ name: t.name, description: t.description, inputSchema: objectSchema(t.inputSchema) })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (req, extra): Promise<CallToolResult> => {
    const name = req.params.name;
    if (!manager.tools(filter).some((t) => t.name === name)) throw new McpError(ErrorCode.InvalidParams, `unknown tool: ${name}`);
    try {
      const result = await execute(name, req.params.arguments ?? {}, extra.signal);
      return { content: [{ type: "text", text: result.content }], isError: result.isError };
    } catch (err) {
      // A disconnected server or a timeout reaches the model as a failed call, as Go's NewToolResultError does.
      return { content: [{ type: "text", text: BifrostError.from(err).message }], isError: true };
    }
  });
  return server;
}

/** MCP requires a tool's inputSchema to be an object schema. */
function objectSchema(schema: Record<string, unknown>): { type: "object"; [k: string]: unknown } {
  return { ...schema, type: "object" };
}
