import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { BifrostError } from "../schemas/error";
import { eventually } from "../../tests/support/wait";
import { everythingChildren, everythingStdio } from "../../tests/support/mcp-everything";
import { startMcpHttpServer, type McpHttpServer } from "../../tests/support/mcp-http-server";
import { createMcpManager } from "./manager";
import type { McpManager } from "./types";

/** Quick retries so a reconnect needs no long wait; pings notice a dead HTTP server. */
const FAST = { initialBackoffMs: 50, maxBackoffMs: 200, pingIntervalMs: 100 };
const SLOW_TEST = 60_000;

async function rejection(p: Promise<unknown>): Promise<BifrostError> {
  try {
    await p;
  } catch (e) {
    return e as BifrostError;
  }
  throw new Error("did not reject");
}

const state = (m: McpManager, name: string) => m.clients().find((c) => c.config.name === name)?.state;

describe("MCP manager over stdio (server-everything)", () => {
  let m: McpManager;
  const env = { ...process.env, MCP_VISIBLE: "visible-value", MCP_SRC: "literal-src", OPENAI_API_KEY: "sk-must-not-leak", BIFROST_ADMIN_PASSWORD: "pw-must-not-leak" };

  beforeAll(async () => {
    m = createMcpManager(
      {
        client_configs: [
          everythingStdio("everything", { tools_to_auto_execute: ["echo"] }),
          everythingStdio("envcheck", { stdio_config: { ...everythingStdio().stdio_config!, envs: ["MCP_VISIBLE", "GIVEN=env.MCP_SRC"] }, tools_to_execute: ["get-env"] }),
        ],
        tool_manager_config: {},
      },
      env,
      FAST,
    );
    await eventually(() => state(m, "everything") === "connected" && state(m, "envcheck") === "connected");
  }, SLOW_TEST);

  afterAll(async () => {
    await m?.close();
  });

  test("offers the server's tools as <client>-<tool>, auto-execute marked", () => {
    const tools = m.tools({ clients: ["everything"] });
    const names = tools.map((t) => t.name);
    expect(names).toContain("everything-echo");
    expect(names).toContain("everything-get-sum");
    expect(tools.find((t) => t.name === "everything-echo")!.autoExecute).toBe(true);
    expect(tools.find((t) => t.name === "everything-get-sum")!.autoExecute).toBe(false);
    expect(tools.find((t) => t.name === "everything-echo")!.inputSchema.properties).toHaveProperty("message");
    expect(m.clients().find((c) => c.config.name === "everything")!.tools.map((t) => t.name)).toContain("echo");
  });

  test("execute runs echo and get-sum", async () => {
    const echo = await m.execute("everything-echo", { message: "hello" });
    expect(echo).toMatchObject({ content: "Echo: hello", isError: false });
    expect(echo.latencyMs).toBeGreaterThanOrEqual(0);
    const sum = await m.execute("everything-get-sum", { a: 2, b: 3 });
    expect(sum.isError).toBe(false);
    expect(sum.content).toContain("5");
  });

  test("a tool's own error (bad arguments) is a result with isError, not a rejection", async () => {
    const r = await m.execute("everything-get-sum", { a: "two" });
    expect(r.isError).toBe(true);
    expect(r.content.length).toBeGreaterThan(0);
  });

  test("unknown tool, unknown client and a tool outside tools_to_execute are 404", async () => {
    for (const name of ["everything-nope", "nobody-echo", "echo", "envcheck-echo"]) {
      const e = await rejection(m.execute(name, {}));
      expect(e).toBeInstanceOf(BifrostError);
      expect(e.status).toBe(404);
    }
  });

  test("a stdio server sees only its listed variables, never the gateway's keys or BIFROST_* settings", async () => {
    const r = await m.execute("envcheck-get-env", {});
    const childEnv = JSON.parse(r.content) as Record<string, string>;
    expect(childEnv.MCP_VISIBLE).toBe("visible-value");
    expect(childEnv.GIVEN).toBe("literal-src");
    expect(childEnv.OPENAI_API_KEY).toBeUndefined();
    expect(childEnv.BIFROST_ADMIN_PASSWORD).toBeUndefined();
    expect(r.content).not.toContain("must-not-leak");
  });

  test("a killed stdio server goes to error, is respawned, and its tools work again", async () => {
    const before = everythingChildren();
    expect(before.length).toBe(2);
    // Which child is "everything" is unknown: kill both, both must come back.
    for (const pid of before) process.kill(pid, "SIGKILL");
    await eventually(() => state(m, "everything") !== "connected");
    await eventually(() => state(m, "everything") === "connected" && state(m, "envcheck") === "connected");
    expect((await m.execute("everything-echo", { message: "again" })).content).toBe("Echo: again");
    expect(everythingChildren().some((p) => before.includes(p))).toBe(false);
  }, SLOW_TEST);

  test("close() ends the stdio children", async () => {
    const local = createMcpManager({ client_configs: [everythingStdio("solo")], tool_manager_config: {} }, process.env, FAST);
    await eventually(() => state(local, "solo") === "connected");
    const pids = everythingChildren();
    await local.close();
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await eventually(() => everythingChildren().length === pids.length - 1);
    expect(pids.filter(alive).length).toBe(pids.length - 1);
  }, SLOW_TEST);
});

describe("MCP manager over streamable HTTP", () => {
  let server: McpHttpServer;
  let m: McpManager;

  beforeAll(async () => {
    server = await startMcpHttpServer();
    m = createMcpManager(
      {
        client_configs: [
          { name: "web", connection_type: "http", connection_string: "env.MCP_TEST_URL", headers: { "x-mcp-token": "env.MCP_TEST_TOKEN" }, tools_to_execute: ["*"], tools_to_auto_execute: ["add"] },
          { name: "limited", connection_type: "http", connection_string: server.url, tools_to_execute: ["echo"] },
          { name: "none", connection_type: "http", connection_string: server.url },
          { name: "off", connection_type: "http", connection_string: server.url, tools_to_execute: ["*"], disabled: true },
        ],
        tool_manager_config: { tool_execution_timeout: 0.5 },
      },
      { MCP_TEST_URL: server.url, MCP_TEST_TOKEN: "token-value" },
      { ...FAST, maxOutputBytes: 1000 },
    );
    await eventually(() => ["web", "limited", "none"].every((n) => state(m, n) === "connected"));
  }, SLOW_TEST);

  afterAll(async () => {
    await m?.close();
    await server?.stop();
  });

  test("connects with the configured headers, env.VAR resolved", async () => {
    const r = await m.execute("web-headers", {});
    expect(JSON.parse(r.content)["x-mcp-token"]).toBe("token-value");
    // The admin view shows the reference, never the value.
    expect(m.clients().find((c) => c.config.name === "web")!.config.headers).toEqual({ "x-mcp-token": "env.MCP_TEST_TOKEN" });
  });

  test("a tool error is isError; a result over the size cap is cut and marked truncated", async () => {
    expect(await m.execute("web-fail", {})).toMatchObject({ isError: true, content: "the tool failed on purpose" });
    const big = await m.execute("web-big", { bytes: 5000 });
    expect(big.truncated).toBe(true);
    expect(big.content.startsWith("x".repeat(1000) + "\n[output truncated")).toBe(true);
    expect((await m.execute("web-big", { bytes: 10 })).truncated).toBeUndefined();
  });

  test("a tool that outlives tool_execution_timeout is a 504", async () => {
    expect(m.toolExecutionTimeoutMs).toBe(500);
    const e = await rejection(m.execute("web-hang", {}));
    expect(e.status).toBe(504);
    expect(e.type).toBe("timeout_error");
  });

  test("a call whose caller goes away is ended with 499, the connection kept", async () => {
    const ac = new AbortController();
    const call = m.execute("web-hang", {}, ac.signal);
    await eventually(() => server.calls.some((c) => c.name === "hang"));
    ac.abort();
    expect((await rejection(call)).status).toBe(499);
    expect(state(m, "web")).toBe("connected");
  });

  test("tools_to_execute: [\"*\"] all, a list those, omitted none (Go's deny by default); disabled clients offer nothing", () => {
    const byClient = (c: string) => m.tools().filter((t) => t.client === c).map((t) => t.tool);
    expect(byClient("web").sort()).toEqual(["add", "big", "echo", "fail", "hang", "headers"]);
    expect(byClient("limited")).toEqual(["echo"]);
    expect(byClient("none")).toEqual([]);
    expect(byClient("off")).toEqual([]);
    expect(m.clients().find((c) => c.config.name === "off")!.state).toBe("disconnected");
  });

  test("request filters: clients and tools lists, `*` all, [] none, prefixed or bare tool names", () => {
    const names = (f: Parameters<McpManager["tools"]>[0]) => m.tools(f).map((t) => t.name).sort();
    expect(names({ clients: ["limited"] })).toEqual(["limited-echo"]);
    expect(names({ clients: [] })).toEqual([]);
    expect(names({ clients: ["*"], tools: [] })).toEqual([]);
    expect(names({ tools: ["web-add", "echo"] })).toEqual(["limited-echo", "web-add", "web-echo"]);
    expect(names({ clients: ["web"], tools: ["web-*"] }).length).toBe(6);
    expect(names({ clients: null, tools: null }).length).toBe(7);
  });

  test("a killed server: calls are 503 and the state error; restarted on the same port, it reconnects and calls work", async () => {
    const port = server.port;
    await server.stop();
    const e = await rejection(m.execute("web-echo", { message: "x" }));
    expect(e.status).toBe(503);
    await eventually(() => state(m, "web") === "error");
    expect(m.clients().find((c) => c.config.name === "web")!.last_error).toBeTruthy();
    expect(m.tools({ clients: ["web"] })).toEqual([]);
    server = await startMcpHttpServer({ port });
    await eventually(() => state(m, "web") === "connected");
    expect((await m.execute("web-echo", { message: "back" })).content).toBe("Echo: back");
  }, SLOW_TEST);

  test("clients are added, updated, reconnected and removed at run time", async () => {
    const added = await m.addClient({ name: "extra", connection_type: "http", connection_string: server.url, headers: { Authorization: "Bearer secret" }, tools_to_execute: ["add"] });
    expect(added.config.headers).toEqual({ Authorization: "********" });
    await eventually(() => state(m, "extra") === "connected");
    expect((await m.execute("extra-add", { a: 1, b: 2 })).content).toBe("3");

    const updated = await m.updateClient("extra", { name: "extra2", connection_type: "http", connection_string: server.url, tools_to_execute: ["echo"] });
    expect(updated.config.name).toBe("extra2");
    expect(m.clients().some((c) => c.config.name === "extra")).toBe(false);
    await eventually(() => state(m, "extra2") === "connected");
    expect(m.tools({ clients: ["extra2"] }).map((t) => t.name)).toEqual(["extra2-echo"]);

    const again = await m.reconnect("extra2");
    expect(again.state).toBe("connected");

    await m.removeClient("extra2");
    expect((await rejection(m.execute("extra2-echo", { message: "x" }))).status).toBe(404);
    expect((await rejection(m.removeClient("extra2"))).status).toBe(404);
  }, SLOW_TEST);

  test("a bad client config at run time is a 400 naming the field", async () => {
    const e = await rejection(m.addClient({ name: "bad-name", connection_type: "http", connection_string: server.url }));
    expect(e.status).toBe(400);
    expect(e.message).toContain("client.name");
    const unset = await rejection(m.addClient({ name: "unset", connection_type: "http", connection_string: "env.MCP_NOT_SET_ANYWHERE" }));
    expect(unset.status).toBe(400);
    expect(unset.message).toContain("MCP_NOT_SET_ANYWHERE");
  });

  test("an unreachable server is state error with the last error, and start-up does not wait for it", async () => {
    const local = createMcpManager(
      { client_configs: [{ name: "down", connection_type: "http", connection_string: "http://127.0.0.1:9/mcp", tools_to_execute: ["*"] }], tool_manager_config: {} },
      {},
      FAST,
    );
    expect(state(local, "down")).toBe("connecting");
    await eventually(() => state(local, "down") === "error");
    expect(local.clients()[0]!.last_error).toBeTruthy();
    expect((await rejection(local.execute("down-echo", {}))).status).toBe(503);
    await local.close();
  });
});
