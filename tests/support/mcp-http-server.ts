/**
 * A streamable HTTP MCP server for tests (the SDK's server on Bun.serve, stateless: a fresh server per
 * request). Tools: `echo` {message}, `add` {a, b}, `fail` (a tool error), `big` {bytes} (that many
 * "x"), `hang` (never answers: for timeouts), `headers` (the request's headers it saw, as JSON).
 * `stop()` kills it; `startMcpHttpServer({ port })` brings one back on the same port.
 */
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";

export interface McpHttpServer {
  url: string;
  port: number;
  /** Tool calls received, in order. */
  calls: Array<{ name: string; args: Record<string, unknown> }>;
  stop(): Promise<void>;
}

const obj = (properties: Record<string, unknown> = {}, required: string[] = []) => ({ type: "object", properties, required });

const TOOLS = [
  { name: "echo", description: "Echoes the message back", inputSchema: obj({ message: { type: "string" } }, ["message"]) },
  { name: "add", description: "Adds two numbers", inputSchema: obj({ a: { type: "number" }, b: { type: "number" } }, ["a", "b"]) },
  { name: "fail", description: "Always fails", inputSchema: obj() },
  { name: "big", description: "Returns `bytes` characters", inputSchema: obj({ bytes: { type: "number" } }, ["bytes"]) },
  { name: "hang", description: "Never answers", inputSchema: obj() },
  { name: "headers", description: "The request headers it saw", inputSchema: obj() },
];

type Text = { content: Array<{ type: "text"; text: string }>; isError?: boolean };
const text = (t: string, isError = false): Text => (isError ? { content: [{ type: "text", text: t }], isError } : { content: [{ type: "text", text: t }] });

export async function startMcpHttpServer(opts: { port?: number; path?: string } = {}): Promise<McpHttpServer> {
  const path = opts.path ?? "/mcp";
  const calls: McpHttpServer["calls"] = [];

  const handle = async (req: Request): Promise<Response> => {
    if (new URL(req.url).pathname !== path) return new Response("not found", { status: 404 });
    const seen = Object.fromEntries(req.headers);
    const server = new Server({ name: "test-http", version: "1.0.0" }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: TOOLS }));
    server.setRequestHandler(CallToolRequestSchema, async (r, extra): Promise<Text> => {
      const args = (r.params.arguments ?? {}) as Record<string, unknown>;
      calls.push({ name: r.params.name, args });
      switch (r.params.name) {
        case "echo":
          return text(`Echo: ${args.message}`);
        case "add":
          return text(String(Number(args.a) + Number(args.b)));
        case "fail":
          return text("the tool failed on purpose", true);
        case "big":
          return text("x".repeat(Number(args.bytes)));
        case "hang":
          return new Promise<Text>((resolve) => extra.signal.addEventListener("abort", () => resolve(text("cancelled"))));
        case "headers":
          return text(JSON.stringify(seen));
        default:
          return text(`unknown tool ${r.params.name}`, true);
      }
    });
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    return transport.handleRequest(req);
  };

  const bun = Bun.serve({ port: opts.port ?? 0, hostname: "127.0.0.1", idleTimeout: 0, fetch: handle });
  const port = bun.port!;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    port,
    calls,
    async stop() {
      await bun.stop(true);
    },
  };
}
