/**
 * MCP over HTTP with a fake manager mounted in a real app: /v1/mcp/tool/execute in both formats and
 * each error, the /api/mcp/* client management (secrets masked, admin auth), and the SDK's MCP
 * client against /mcp.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Bifrost, createApp } from "../../src/index";
import type { McpHttpOptions } from "../../src/http/mcp";
import type { McpClientConfig, McpClientInfo, McpFilter, McpManager, McpTool, McpToolResult } from "../../src/mcp/types";
import { BifrostError } from "../../src/schemas/error";

const PW = "correct-horse-battery-staple";
const basic = `Basic ${Buffer.from(`admin:${PW}`).toString("base64")}`;
const HEADER_SECRET = "Bearer mcp-header-secret-123";
const ENV_SECRET = "env-value-secret-456";

/** A manager with two clients, "files" (connected) and "down" (disconnected); it hands back raw secrets, so masking is the routes' doing. */
class FakeManager implements McpManager {
  readonly toolExecutionTimeoutMs = 30_000;
  readonly maxAgentDepth = 10;
  calls: Array<{ name: string; args: Record<string, unknown> }> = [];
  changes: string[] = [];
  byName = new Map<string, McpClientConfig>([
    ["files", { name: "files", connection_type: "http", connection_string: "https://user:pw-in-url@mcp.example/mcp?api_key=query-secret-789&x=1", headers: { authorization: HEADER_SECRET, "x-ref": "env.MCP_TOKEN" } }],
    ["down", { name: "down", connection_type: "stdio", stdio_config: { command: "mcp-down", args: ["--x"], envs: { TOKEN: ENV_SECRET } } }],
  ]);
  private toolList: McpTool[] = [
    { name: "files-echo", client: "files", tool: "echo", description: "Echo the text back", inputSchema: { type: "object", properties: { text: { type: "string" } } }, autoExecute: false },
    { name: "files-fail", client: "files", tool: "fail", description: "Always fails", inputSchema: { properties: {} }, autoExecute: false },
    { name: "files-slow", client: "files", tool: "slow", inputSchema: { type: "object" }, autoExecute: false },
    { name: "down-ping", client: "down", tool: "ping", inputSchema: { type: "object" }, autoExecute: false },
  ];

  get clientCount(): number {
    return this.byName.size;
  }
  configs(): McpClientConfig[] {
    return [...this.byName.values()];
  }
  async sync(configs: McpClientConfig[]): Promise<void> {
    this.byName = new Map(configs.map((c) => [c.name, c]));
  }

  tools(filter?: McpFilter): McpTool[] {
    return this.toolList.filter((t) => (!filter?.clients || filter.clients.includes(t.client) || filter.clients.includes("*")) && (!filter?.tools || filter.tools.includes(t.name)));
  }
  async execute(name: string, args: Record<string, unknown>): Promise<McpToolResult> {
    this.calls.push({ name, args });
    if (name === "files-echo") return { content: `echo: ${String(args.text)}`, isError: false, latencyMs: 1 };
    if (name === "files-fail") return { content: "no such file: /nope", isError: true, latencyMs: 1 };
    if (name === "files-slow") throw new BifrostError({ status: 504, type: "timeout_error", code: "mcp_tool_timeout", message: "tool files-slow took longer than 30 s" });
    if (name === "down-ping") throw new BifrostError({ status: 503, type: "upstream_error", code: "mcp_client_disconnected", message: "MCP client down is not connected" });
    throw new BifrostError({ status: 404, type: "not_found_error", code: "mcp_tool_not_found", message: `no MCP tool named ${name}` });
  }
  clients(): McpClientInfo[] {
    return [...this.byName.values()].map((config) => this.info(config));
  }
  private info(config: McpClientConfig): McpClientInfo {
    const connected = config.name === "files";
    const tools = this.toolList.filter((t) => t.client === config.name).reverse().map((t) => ({ name: t.tool, description: t.description }));
    return { config, state: connected ? "connected" : "disconnected", last_error: connected ? null : "spawn mcp-down ENOENT", tools };
  }
  async addClient(config: McpClientConfig) {
    this.changes.push(`add ${config.name}`);
    this.byName.set(config.name, config);
    return this.info(config);
  }
  async updateClient(name: string, config: McpClientConfig) {
    this.changes.push(`update ${name}`);
    this.byName.set(name, config);
    return this.info(config);
  }
  async removeClient(name: string) {
    this.changes.push(`remove ${name}`);
    this.byName.delete(name);
  }
  async reconnect(name: string) {
    this.changes.push(`reconnect ${name}`);
    return this.info(this.byName.get(name)!);
  }
  async close() {}
}

interface Gw {
  url: string;
  manager: FakeManager;
  persisted: number;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

async function gateway(config: Record<string, unknown> = {}, mcp: Partial<McpHttpOptions> & { none?: boolean } = {}): Promise<Gw> {
  const bf = await Bifrost.create({ providers: { openai: { keys: [{ value: "sk-unused-0000" }] } }, ...config } as never, { workers: 0, env: { ADMIN_PW: PW } });
  const manager = new FakeManager();
  const gw = { persisted: 0 } as Gw;
  const app = createApp(bf, { mcp: { manager: () => (mcp.none ? null : manager), onChange: async () => void gw.persisted++, ...mcp } });
  const server = app.listen({ port: 0, hostname: "127.0.0.1" });
  gw.url = `http://127.0.0.1:${server.server!.port}`;
  gw.manager = manager;
  gw.fetch = (path, init) => fetch(gw.url + path, init);
  gw.close = async () => (await app.stop(), await bf.shutdown());
  return gw;
}

const post = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({ method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
const chatCall = (name: string, args: unknown = { text: "hi" }) => ({ id: "call_1", type: "function", function: { name, arguments: typeof args === "string" ? args : JSON.stringify(args) } });

/** The gateway's error shape, with the status and code expected. */
async function expectError(res: Response, status: number, code?: string) {
  const body: any = await res.json();
  expect(res.status).toBe(status);
  expect(body.is_bifrost_error).toBe(true);
  expect(body.status_code).toBe(status);
  expect([typeof body.error.type, typeof body.error.message]).toEqual(["string", "string"]);
  if (code) expect(body.error.code).toBe(code);
  return body;
}

describe("POST /v1/mcp/tool/execute", () => {
  let gw: Gw;
  beforeAll(async () => (gw = await gateway({ client: { max_request_body_size_mb: 0.01 } })));
  afterAll(() => gw.close());

  test("format=chat (the default): a tool call in, the tool message out, its arguments parsed", async () => {
    for (const path of ["/v1/mcp/tool/execute", "/v1/mcp/tool/execute?format=chat"]) {
      const res = await gw.fetch(path, post(chatCall("files-echo", { text: "hello" })));
      expect(res.status).toBe(200);
      expect(res.headers.get("x-request-id")).toBeTruthy();
      expect(await res.json()).toEqual({ role: "tool", content: "echo: hello", tool_call_id: "call_1" });
    }
    expect(gw.manager.calls.at(-1)).toEqual({ name: "files-echo", args: { text: "hello" } });
  });

  test("format=responses: a function_call in, a function_call_output out", async () => {
    const res = await gw.fetch("/v1/mcp/tool/execute?format=responses", post({ type: "function_call", call_id: "fc_9", name: "files-echo", arguments: '{"text":"yo"}' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ type: "function_call_output", call_id: "fc_9", output: "echo: yo" });
  });

  test("a tool's own failure is a tool result marked is_error (Go's ChatToolMessage.is_error), in both formats", async () => {
    const chat = await gw.fetch("/v1/mcp/tool/execute", post(chatCall("files-fail", {})));
    expect(chat.status).toBe(200);
    expect(await chat.json()).toEqual({ role: "tool", content: "no such file: /nope", tool_call_id: "call_1", is_error: true });
    const responses = await gw.fetch("/v1/mcp/tool/execute?format=responses", post({ type: "function_call", call_id: "fc_1", name: "files-fail", arguments: "" }));
    expect(await responses.json()).toEqual({ type: "function_call_output", call_id: "fc_1", output: "no such file: /nope", is_error: true });
  });

  test("an unknown tool is 404, a disconnected server 503, a timeout 504, in the gateway's error shape", async () => {
    await expectError(await gw.fetch("/v1/mcp/tool/execute", post(chatCall("files-nope"))), 404, "mcp_tool_not_found");
    await expectError(await gw.fetch("/v1/mcp/tool/execute", post(chatCall("down-ping"))), 503, "mcp_client_disconnected");
    await expectError(await gw.fetch("/v1/mcp/tool/execute?format=responses", post({ type: "function_call", call_id: "c", name: "files-slow", arguments: "{}" })), 504, "mcp_tool_timeout");
  });

  test("a bad body is 400 and names what is wrong; an oversized one 413; nothing reaches the manager", async () => {
    const before = gw.manager.calls.length;
    expect((await expectError(await gw.fetch("/v1/mcp/tool/execute", post("{not json")), 400)).error.code).toBe("invalid_json");
    expect((await expectError(await gw.fetch("/v1/mcp/tool/execute", post([1, 2])), 400)).error.message).toContain("JSON object");
    expect((await expectError(await gw.fetch("/v1/mcp/tool/execute", post({ id: "c", type: "function", function: { arguments: "{}" } })), 400)).error.param).toBe("function.name");
    expect((await expectError(await gw.fetch("/v1/mcp/tool/execute", post(chatCall("files-echo", "{oops"))), 400)).error.param).toBe("function.arguments");
    expect((await expectError(await gw.fetch("/v1/mcp/tool/execute", post(chatCall("files-echo", "[1]"))), 400)).error.param).toBe("function.arguments");
    expect((await expectError(await gw.fetch("/v1/mcp/tool/execute?format=responses", post({ type: "message", name: "files-echo" })), 400)).error.param).toBe("type");
    expect((await expectError(await gw.fetch("/v1/mcp/tool/execute?format=xml", post(chatCall("files-echo"))), 400)).error.param).toBe("format");
    await expectError(await gw.fetch("/v1/mcp/tool/execute", post(chatCall("files-echo", { text: "x".repeat(20_000) }))), 413, "request_too_large");
    expect(gw.manager.calls.length).toBe(before);
  });
});

describe("/api/mcp/*", () => {
  let gw: Gw;
  beforeAll(async () => (gw = await gateway()));
  afterAll(() => gw.close());

  test("GET /api/mcp/clients: Go's shape, tools sorted, state and last error; header, env and URL secrets never echoed", async () => {
    const res = await gw.fetch("/api/mcp/clients");
    const text = await res.text();
    expect(res.status).toBe(200);
    for (const secret of [HEADER_SECRET, ENV_SECRET, "pw-in-url", "query-secret-789"]) expect(text).not.toContain(secret);
    const body = JSON.parse(text);
    expect(body).toMatchObject({ count: 2, total_count: 2, limit: 2, offset: 0 });
    const [files, down] = body.clients;
    expect(files.config.headers).toEqual({ authorization: "********", "x-ref": "env.MCP_TOKEN" });
    expect(files.config.connection_string).toBe("https://***@mcp.example/mcp?api_key=********&x=1");
    expect(files).toMatchObject({ state: "connected", last_error: null, vk_configs: [] });
    expect(files.tools.map((t: any) => t.name)).toEqual(["echo", "fail", "slow"]);
    expect(down).toMatchObject({ state: "disconnected", last_error: "spawn mcp-down ENOENT", config: { stdio_config: { command: "mcp-down", envs: { TOKEN: "********" } } } });
  });

  test("GET /api/mcp/clients pages with ?search, ?limit and ?offset, and refuses a bad limit", async () => {
    expect(await (await gw.fetch("/api/mcp/clients?search=DOW")).json()).toMatchObject({ count: 1, total_count: 1, clients: [{ config: { name: "down" } }] });
    expect(await (await gw.fetch("/api/mcp/clients?limit=1&offset=1")).json()).toMatchObject({ count: 1, total_count: 2, limit: 1, offset: 1, clients: [{ config: { name: "down" } }] });
    await expectError(await gw.fetch("/api/mcp/clients?limit=-1"), 400);
  });

  test("POST /api/mcp/client creates through the manager and persists; a duplicate is 409, a bad config 400", async () => {
    const config = { name: "web", connection_type: "http", connection_string: "https://web.example/mcp", headers: { "x-api-key": "web-secret-000" }, tools_to_execute: ["*"] };
    const res = await gw.fetch("/api/mcp/client", post(config));
    const body: any = await res.json();
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ status: "success", message: "MCP client connected successfully", client: { config: { name: "web", headers: { "x-api-key": "********" } } } });
    expect(gw.manager.byName.get("web")).toEqual(config as McpClientConfig);
    expect(gw.persisted).toBe(1);
    await expectError(await gw.fetch("/api/mcp/client", post(config)), 409, "mcp_client_exists");
    expect((await expectError(await gw.fetch("/api/mcp/client", post({ name: "x", connection_type: "tcp" })), 400)).error.param).toBe("connection_type");
    expect((await expectError(await gw.fetch("/api/mcp/client", post({ name: "x", connection_type: "stdio" })), 400)).error.param).toBe("stdio_config.command");
    expect((await expectError(await gw.fetch("/api/mcp/client", post({ name: "x", connection_type: "http" })), 400)).error.param).toBe("connection_string");
    expect(gw.persisted).toBe(1);
  });

  test("PUT /api/mcp/client/:id edits tools and headers (a masked value goes back masked, for the manager to keep), never the connection", async () => {
    const res = await gw.fetch("/api/mcp/client/files", { ...post({ tools_to_execute: ["echo"], headers: { authorization: "********", "x-new": "new-secret" } }), method: "PUT" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "success", message: "MCP client edited successfully", client: { config: { headers: { "x-new": "********" } } } });
    const sent = gw.manager.byName.get("files")!;
    expect(sent).toMatchObject({ name: "files", connection_type: "http", tools_to_execute: ["echo"], headers: { authorization: "********", "x-new": "new-secret" } });
    expect(gw.persisted).toBeGreaterThan(0);
    const put = (body: unknown) => gw.fetch("/api/mcp/client/files", { ...post(body), method: "PUT" });
    expect((await expectError(await put({ connection_type: "sse" }), 400)).error.param).toBe("connection_type");
    expect((await expectError(await put({ connection_string: "https://elsewhere.example" }), 400)).error.param).toBe("connection_string");
    expect((await expectError(await put({ name: "renamed" }), 400)).error.param).toBe("name");
    await expectError(await gw.fetch("/api/mcp/client/nope", { ...post({}), method: "PUT" }), 404, "mcp_client_not_found");
  });

  test("reconnect and DELETE call the manager; a disabled client is not reconnected; an unknown one is 404", async () => {
    expect(await (await gw.fetch("/api/mcp/client/down/reconnect", { method: "POST" })).json()).toMatchObject({ status: "success", message: "MCP client reconnected successfully" });
    expect(gw.manager.changes).toContain("reconnect down");
    gw.manager.byName.set("off", { name: "off", connection_type: "http", connection_string: "https://off.example", disabled: true });
    await expectError(await gw.fetch("/api/mcp/client/off/reconnect", { method: "POST" }), 400);
    await expectError(await gw.fetch("/api/mcp/client/nope/reconnect", { method: "POST" }), 404, "mcp_client_not_found");
    const persisted = gw.persisted;
    expect(await (await gw.fetch("/api/mcp/client/down", { method: "DELETE" })).json()).toEqual({ status: "success", message: "MCP client removed successfully" });
    expect(gw.manager.byName.has("down")).toBe(false);
    expect(gw.persisted).toBe(persisted + 1);
    await expectError(await gw.fetch("/api/mcp/client/down", { method: "DELETE" }), 404, "mcp_client_not_found");
  });
});

describe("without an MCP manager", () => {
  test("every MCP route answers 404 mcp_not_configured", async () => {
    const gw = await gateway({}, { none: true });
    try {
      await expectError(await gw.fetch("/v1/mcp/tool/execute", post(chatCall("files-echo"))), 404, "mcp_not_configured");
      await expectError(await gw.fetch("/api/mcp/clients"), 404, "mcp_not_configured");
      await expectError(await gw.fetch("/mcp", post({ jsonrpc: "2.0", id: 1, method: "tools/list" })), 404, "mcp_not_configured");
    } finally {
      await gw.close();
    }
  });
});

/** The SDK's MCP client on /mcp, with optional headers on every request. */
async function mcpClient(url: string, headers: Record<string, string> = {}) {
  const client = new Client({ name: "mcp-http-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers } }));
  return client;
}

describe("/mcp: Bifrost as an MCP server", () => {
  test("the SDK's client connects, lists the tools and calls one (a success, the tool's failure, a disconnected server)", async () => {
    const gw = await gateway();
    const client = await mcpClient(gw.url);
    try {
      expect(client.getServerVersion()?.name).toBe("bifrost");
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(["files-echo", "files-fail", "files-slow", "down-ping"]);
      expect(tools[0]).toMatchObject({ description: "Echo the text back", inputSchema: { type: "object", properties: { text: { type: "string" } } } });
      expect(tools[1]!.inputSchema.type).toBe("object");
      expect(await client.callTool({ name: "files-echo", arguments: { text: "via mcp" } })).toMatchObject({ content: [{ type: "text", text: "echo: via mcp" }], isError: false });
      expect(await client.callTool({ name: "files-fail", arguments: {} })).toMatchObject({ content: [{ type: "text", text: "no such file: /nope" }], isError: true });
      expect(await client.callTool({ name: "down-ping", arguments: {} })).toMatchObject({ content: [{ type: "text", text: "MCP client down is not connected" }], isError: true });
      expect(gw.manager.calls.map((c) => c.name)).toEqual(["files-echo", "files-fail", "down-ping"]);
    } finally {
      await client.close();
      await gw.close();
    }
  });

  test("GET /mcp opens the SSE stream at once (regression: its headers waited 15 s for the first keep-alive); without Accept: text/event-stream it is 406", async () => {
    const gw = await gateway();
    const leave = new AbortController();
    try {
      const res = await gw.fetch("/mcp", { headers: { accept: "text/event-stream" }, signal: leave.signal });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/event-stream");
      expect(res.headers.get("x-request-id")).toBeTruthy();
      const first = await res.body!.getReader().read();
      expect(new TextDecoder().decode(first.value)).toBe(": connected\n\n");
      leave.abort();
      expect((await gw.fetch("/mcp", { headers: { accept: "application/json" } })).status).toBe(406);
    } finally {
      await gw.close();
    }
  });

  test("the filter hook narrows what a caller sees and may call, or refuses it", async () => {
    const filter = (request: Request) =>
      request.headers.get("x-bf-vk") === "sk-bf-narrow" ? { clients: ["files"], tools: ["files-echo"] } : new Response(JSON.stringify({ error: { message: "virtual key required" } }), { status: 401, headers: { "content-type": "application/json" } });
    const gw = await gateway({}, { filter });
    const client = await mcpClient(gw.url, { "x-bf-vk": "sk-bf-narrow" });
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["files-echo"]);
      const err = await client.callTool({ name: "files-fail", arguments: {} }).catch((e) => e);
      expect(String(err?.message ?? err)).toContain("unknown tool: files-fail");
      expect(gw.manager.calls).toHaveLength(0);
      expect((await gw.fetch("/mcp", post({ jsonrpc: "2.0", id: 1, method: "tools/list" }, { accept: "application/json, text/event-stream" }))).status).toBe(401);
    } finally {
      await client.close();
      await gw.close();
    }
  });
});

describe("with admin auth on (auth_config)", () => {
  let gw: Gw;
  beforeAll(async () => (gw = await gateway({ auth_config: { is_enabled: true, admin_username: "admin", admin_password: "env.ADMIN_PW" } })));
  afterAll(() => gw.close());

  test("/api/mcp/* and /v1/mcp/tool/execute refuse a caller without credentials and serve one with them", async () => {
    expect((await gw.fetch("/api/mcp/clients")).status).toBe(401);
    expect((await gw.fetch("/api/mcp/client/files", { method: "DELETE" })).status).toBe(401);
    expect((await gw.fetch("/v1/mcp/tool/execute", post(chatCall("files-echo")))).status).toBe(401);
    expect(gw.manager.calls).toHaveLength(0);
    expect(gw.manager.changes).toHaveLength(0);
    expect((await gw.fetch("/api/mcp/clients", { headers: { authorization: basic } })).status).toBe(200);
    expect((await gw.fetch("/v1/mcp/tool/execute", post(chatCall("files-echo"), { authorization: basic }))).status).toBe(200);
  });

  test("/mcp refuses the SDK's client without credentials and serves it with them", async () => {
    const refused = await mcpClient(gw.url).catch((e) => e);
    expect(refused).toBeInstanceOf(Error);
    const client = await mcpClient(gw.url, { authorization: basic });
    try {
      expect((await client.listTools()).tools.length).toBe(4);
    } finally {
      await client.close();
    }
  });
});
