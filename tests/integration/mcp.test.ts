/**
 * Issue 14 through a real server: a stdio MCP server (server-everything) and a streamable HTTP one
 * started here; their tools offered to models on the OpenAI and Anthropic dialects, filtered per
 * request; agent mode (the gateway runs the model's call to an auto-executable tool and goes round
 * again), unary and streamed; a server killed and reconnected.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { openGateway, type Gateway } from "../support/gateway";
import { everythingStdio } from "../support/mcp-everything";
import { startMcpHttpServer, type McpHttpServer } from "../support/mcp-http-server";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";
import { eventually } from "../support/wait";

const js = (r: Response): Promise<any> => r.json();

let mock: MockUpstream;
let web: McpHttpServer;
let gw: Gateway;

beforeAll(async () => {
  mock = await startMockUpstream();
  web = await startMcpHttpServer();
  gw = await openGateway({
    providers: { openai: { keys: [{ value: "sk-mcp-openai-1111" }], network_config: { base_url: mock.url } } },
    mcp: {
      client_configs: [
        everythingStdio("everything"),
        { name: "web", connection_type: "http", connection_string: web.url, tools_to_execute: ["*"], tools_to_auto_execute: ["echo"] },
      ],
      tool_manager_config: { tool_execution_timeout: 10, max_agent_depth: 3 },
    },
  });
  await eventually(() => gw.bifrost.mcp!.tools().some((t) => t.client === "everything") && gw.bifrost.mcp!.tools().some((t) => t.client === "web"));
});
afterAll(async () => {
  await gw?.close();
  await web?.stop();
  await mock?.stop();
});

const chat = (content: string, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}) =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content }], ...extra }),
  });
const sentTools = () => (mock.requests.at(-1)!.body.tools ?? []).map((t: { function: { name: string } }) => t.function.name) as string[];

describe("tool injection", () => {
  test("connected servers' tools reach the model as <client>-<tool> function tools, filtered by x-bf-mcp-include-*", async () => {
    mock.reset();
    expect((await chat("hello")).status).toBe(200);
    expect(sentTools()).toEqual(expect.arrayContaining(["everything-echo", "everything-get-sum", "web-echo", "web-add"]));
    await chat("hello", { "x-bf-mcp-include-clients": "everything" });
    expect(sentTools().every((n) => n.startsWith("everything-"))).toBe(true);
    await chat("hello", { "x-bf-mcp-include-tools": "web-add,everything-echo" });
    expect(sentTools().sort()).toEqual(["everything-echo", "web-add"]);
    await chat("hello", { "x-bf-mcp-include-clients": "" });
    expect(mock.requests.at(-1)!.body.tools).toBeUndefined();
  });

  test("an Anthropic-dialect client sees them as Anthropic tools: the model's call comes back as a tool_use block", async () => {
    mock.reset();
    const anthropic = new Anthropic({ apiKey: "unused", baseURL: `${gw.url}/anthropic`, maxRetries: 0, defaultHeaders: { "x-bf-mcp-include-tools": "everything-echo" } });
    const msg = await anthropic.messages.create({ model: "openai/gpt-4o-mini", max_tokens: 50, messages: [{ role: "user", content: "please use a tool" }] });
    expect(sentTools()).toEqual(["everything-echo"]);
    const use = msg.content.find((b) => b.type === "tool_use");
    expect(use).toMatchObject({ type: "tool_use", name: "everything-echo" });
    expect(msg.stop_reason).toBe("tool_use");
  });
});

describe("agent mode", () => {
  test("the gateway runs a call to an auto-executable tool, feeds the result back, and answers with the model's reply", async () => {
    mock.reset();
    const before = web.calls.length;
    const res = await chat("use the tool to echo", { "x-bf-mcp-include-tools": "web-echo" });
    const body = await js(res);
    expect(res.status).toBe(200);
    expect(body.choices[0].finish_reason).toBe("stop");
    expect(web.calls.slice(before).map((c) => c.name)).toEqual(["echo"]);
    // Two rounds upstream: the call, then the answer to the tool's result.
    expect(mock.requests).toHaveLength(2);
    const second = mock.requests[1]!.body.messages as Array<{ role: string; content: unknown; tool_call_id?: string }>;
    expect(second.at(-1)).toMatchObject({ role: "tool", tool_call_id: "call_mock_1" });
    expect(String(second.at(-1)!.content)).toStartWith("Echo:");
  });

  test("a streaming request: the rounds run unstreamed upstream, the final answer streams", async () => {
    mock.reset();
    const res = await chat("use the tool to echo", { "x-bf-mcp-include-tools": "web-echo" }, { stream: true });
    const text = await res.text();
    const chunks = text.split("\n\n").filter((f) => f.startsWith("data: {")).map((f) => JSON.parse(f.slice(6)));
    expect(text.trim().endsWith("data: [DONE]")).toBe(true);
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("")).toStartWith("mock reply to:");
    expect(mock.requests.map((r) => r.body.stream === true)).toEqual([false, false]);
  });

  test("a call to a tool that is not auto-executable goes back to the client", async () => {
    mock.reset();
    const body = await js(await chat("use the tool", { "x-bf-mcp-include-tools": "everything-echo" }));
    expect(body.choices[0].finish_reason).toBe("tool_calls");
    expect(body.choices[0].message.tool_calls[0].function.name).toBe("everything-echo");
    expect(mock.requests).toHaveLength(1);
  });
});

describe("a server that dies", () => {
  test("is reconnected when it comes back, and its tools with it", async () => {
    const port = web.port;
    await web.stop();
    await eventually(() => gw.bifrost.mcp!.clients().find((c) => c.config.name === "web")!.state !== "connected");
    const down = gw.bifrost.mcp!.clients().find((c) => c.config.name === "web")!;
    expect(down.last_error).toBeTruthy();
    web = await startMcpHttpServer({ port });
    await eventually(() => gw.bifrost.mcp!.clients().find((c) => c.config.name === "web")!.state === "connected");
    const r = await gw.bifrost.executeMcp("web-add", { a: 2, b: 3 }, { headers: {}, header: () => undefined });
    expect(r).toMatchObject({ content: "5", isError: false });
  }, 60_000);
});

describe("executing tools over HTTP, and Bifrost as an MCP server", () => {
  test("/v1/mcp/tool/execute runs a real server's tool in both formats", async () => {
    const exec = (format: string, body: unknown) => fetch(`${gw.url}/v1/mcp/tool/execute?format=${format}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const chatTool = await js(await exec("chat", { id: "call_9", type: "function", function: { name: "everything-get-sum", arguments: '{"a":2,"b":40}' } }));
    expect(chatTool).toMatchObject({ role: "tool", tool_call_id: "call_9" });
    expect(chatTool.content).toContain("42");
    const resp = await js(await exec("responses", { type: "function_call", call_id: "fc_1", name: "web-echo", arguments: '{"message":"hi"}' }));
    expect(resp).toEqual({ type: "function_call_output", call_id: "fc_1", output: "Echo: hi" });
    const unknown = await exec("chat", { id: "c", type: "function", function: { name: "web-nope", arguments: "{}" } });
    expect(unknown.status).toBe(404);
  });

  test("the MCP SDK's client connects to /mcp, lists the connected tools and calls one", async () => {
    const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
    const { StreamableHTTPClientTransport } = await import("@modelcontextprotocol/sdk/client/streamableHttp.js");
    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp`)));
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["everything-echo", "web-add"]));
      const r = await client.callTool({ name: "web-add", arguments: { a: 20, b: 22 } });
      expect(r.content).toEqual([{ type: "text", text: "42" }]);
    } finally {
      await client.close();
    }
  });
});

describe("run-time MCP clients survive a restart (config store)", () => {
  test("a client added through /api/mcp/client is kept, its secret header too (sent back masked, kept as stored)", async () => {
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "bifrost-mcp-store-"));
    const config = {
      providers: { openai: { keys: [{ value: "sk-mcp-openai-1111" }], network_config: { base_url: mock.url } } },
      config_store: { enabled: true, type: "sqlite", config: { path: join(dir, "config.db") } },
    };
    const added = { name: "live", connection_type: "http", connection_string: web.url, headers: { "x-mcp-token": "mcp-secret-token-42" }, tools_to_execute: ["*"] };
    let first: Gateway | null = await openGateway(config);
    try {
      const res = await first.fetch("/api/mcp/client", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(added) });
      expect(res.status).toBe(200);
      const listed = await js(await first.fetch("/api/mcp/clients"));
      const live = listed.clients.find((c: { config: { name: string } }) => c.config.name === "live");
      expect(live.config.headers["x-mcp-token"]).toBe("********");
      // Sent back as the API shows it: the stored value stays.
      expect((await first.fetch("/api/mcp/client/live", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ ...live.config, tools_to_auto_execute: [] }) })).status).toBe(200);
    } finally {
      await first.close();
      first = null;
    }
    const second = await openGateway(config);
    try {
      await eventually(() => second.bifrost.mcp!.tools().some((t) => t.name === "live-headers"));
      const seen = JSON.parse((await second.bifrost.executeMcp("live-headers", {}, { headers: {}, header: () => undefined })).content);
      expect(seen["x-mcp-token"]).toBe("mcp-secret-token-42");
    } finally {
      await second.close();
    }
  }, 60_000);
});

describe("tool executions in the request log", () => {
  test("an agent-mode round's log entry lists the tools run for it, with their latency", async () => {
    const logged = await openGateway({
      providers: { openai: { keys: [{ value: "sk-mcp-openai-1111" }], network_config: { base_url: mock.url } } },
      mcp: { client_configs: [{ name: "web", connection_type: "http", connection_string: web.url, tools_to_execute: ["*"], tools_to_auto_execute: ["echo"] }] },
      logs_store: { enabled: true, type: "sqlite", config: { path: "logs.db" } },
      plugins: [{ name: "logging", config: { flush_interval_ms: 20 } }],
    });
    try {
      await eventually(() => logged.bifrost.mcp!.tools().some((t) => t.name === "web-echo"));
      const res = await fetch(`${logged.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-bf-mcp-include-tools": "web-echo", "x-request-id": "agent-run-1" },
        body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "use the tool" }] }),
      });
      expect(res.status).toBe(200);
      await eventually(async () => (await logged.fetch("/api/logs/agent-run-1-2")).status === 200);
      const second = await js(await logged.fetch("/api/logs/agent-run-1-2"));
      const tool = second.attempt_trail.find((a: { type?: string }) => a.type === "mcp_tool");
      expect(tool).toMatchObject({ type: "mcp_tool", name: "web-echo", is_error: false });
      expect(tool.latency_ms).toBeGreaterThan(0);
      expect((await logged.fetch("/api/logs/agent-run-1")).status).toBe(200);

      // A tool run of its own (/v1/mcp/tool/execute) is a log entry of its own.
      const ran = await fetch(`${logged.url}/v1/mcp/tool/execute`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-request-id": "tool-run-1" },
        body: JSON.stringify({ id: "c1", type: "function", function: { name: "web-add", arguments: '{"a":1,"b":2}' } }),
      });
      expect(ran.status).toBe(200);
      await eventually(async () => (await logged.fetch("/api/logs/tool-run-1")).status === 200);
      const entry = await js(await logged.fetch("/api/logs/tool-run-1"));
      expect(entry).toMatchObject({ object: "mcp_tool_execution", provider: "web", model: "add", status: "success" });
      expect(entry.latency).toBeGreaterThan(0);
      expect(JSON.stringify(entry.output_message)).toContain('"text":"3"');
    } finally {
      await logged.close();
    }
  });
});

describe("with governance: a virtual key's mcp_configs limit its tools", () => {
  test("injected tools, /mcp's list and /v1/mcp/tool/execute are the key's; without a key, 401", async () => {
    const VK_WEB_ADD = "sk-bf-mcp-web-add-000000000000000000000000";
    const VK_ALL = "sk-bf-mcp-all-1111111111111111111111111111";
    const governed = await openGateway({
      providers: { openai: { keys: [{ value: "sk-mcp-openai-1111" }], network_config: { base_url: mock.url } } },
      mcp: { client_configs: [{ name: "web", connection_type: "http", connection_string: web.url, tools_to_execute: ["*"] }] },
      client: { enforce_auth_on_inference: true },
      governance: {
        virtual_keys: [
          { id: "vk-web-add", name: "web-add-only", value: VK_WEB_ADD, provider_configs: [{ provider: "openai", allowed_models: ["*"] }], mcp_configs: [{ mcp_client_name: "web", tools_to_execute: ["add"] }] },
          { id: "vk-all", name: "all-tools", value: VK_ALL, provider_configs: [{ provider: "openai", allowed_models: ["*"] }] },
        ],
      },
    });
    try {
      await eventually(() => governed.bifrost.mcp!.tools().some((t) => t.name === "web-add"));
      const ask = (vk: string) =>
        fetch(`${governed.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${vk}` }, body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hello" }] }) });
      mock.reset();
      expect((await ask(VK_WEB_ADD)).status).toBe(200);
      expect(sentTools()).toEqual(["web-add"]);
      expect((await ask(VK_ALL)).status).toBe(200);
      expect(sentTools().length).toBeGreaterThan(1);

      const exec = (vk: string | null, name: string) =>
        fetch(`${governed.url}/v1/mcp/tool/execute`, { method: "POST", headers: { "content-type": "application/json", ...(vk ? { authorization: `Bearer ${vk}` } : {}) }, body: JSON.stringify({ id: "c", type: "function", function: { name, arguments: '{"a":1,"b":2,"message":"m"}' } }) });
      expect((await exec(VK_WEB_ADD, "web-add")).status).toBe(200);
      const blocked = await exec(VK_WEB_ADD, "web-echo");
      expect(blocked.status).toBe(403);
      expect((await js(blocked)).error.type).toBe("mcp_tool_blocked");
      expect((await exec(null, "web-add")).status).toBe(401);

      const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
      const { StreamableHTTPClientTransport } = await import("@modelcontextprotocol/sdk/client/streamableHttp.js");
      const client = new Client({ name: "test", version: "1.0.0" });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${governed.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${VK_WEB_ADD}` } } }));
      try {
        expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["web-add"]);
      } finally {
        await client.close();
      }
      expect((await fetch(`${governed.url}/mcp`, { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }) })).status).toBe(401);
    } finally {
      await governed.close();
    }
  }, 60_000);
});

describe("plugin hooks around tool executions, and turning injection off", () => {
  test("preMcp may change a call or refuse it, postMcp may change its result; mcp_disable_auto_tool_inject keeps tools out of requests", async () => {
    const { Bifrost } = await import("../../src/index");
    const { definePlugin } = await import("bifrost/plugin");
    const seen: string[] = [];
    const hooks = definePlugin({
      name: "mcp-hooks",
      setup: () => ({
        preMcp(call) {
          seen.push(`pre:${call.name}`);
          if (call.name === "web-echo") return { error: { status: 403, code: "tool_refused", message: "no echoing" } };
          return { call: { ...call, arguments: { a: 100, b: 1 } } };
        },
        postMcp(call, result) {
          seen.push(`post:${call.name}`);
          return result ? { result: { ...result, content: `[checked] ${result.content}` } } : undefined;
        },
      }),
    });
    const bf = await Bifrost.create(
      {
        providers: { openai: { keys: [{ value: "sk-mcp-openai-1111" }], network_config: { base_url: mock.url } } },
        client: { mcp_disable_auto_tool_inject: true },
        mcp: { client_configs: [{ name: "web", connection_type: "http", connection_string: web.url, tools_to_execute: ["*"] }] },
        plugins: [{ name: "mcp-hooks" }],
      } as never,
      { workers: 0, plugins: { "mcp-hooks": hooks } },
    );
    try {
      await eventually(() => bf.mcp!.tools().some((t) => t.name === "web-add"));
      const caller = { headers: {}, header: () => undefined };
      expect(await bf.executeMcp("web-add", { a: 1, b: 2 }, caller)).toMatchObject({ content: "[checked] 101", isError: false });
      await expect(bf.executeMcp("web-echo", { message: "x" }, caller)).rejects.toMatchObject({ status: 403, code: "tool_refused" });
      expect(seen).toEqual(["pre:web-add", "post:web-add", "pre:web-echo"]);
      mock.reset();
      await bf.chat({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hello" }] });
      expect(mock.requests.at(-1)!.body.tools).toBeUndefined();
    } finally {
      await bf.shutdown();
    }
  });
});
