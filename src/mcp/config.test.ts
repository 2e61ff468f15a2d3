import { describe, expect, test } from "bun:test";
import { ConfigError } from "../config/load";
import { maskMcpClientConfig, parseMcpConfig, resolveMcpClient, timeoutSeconds } from "./config";

function problems(raw: unknown, env: Record<string, string> = {}): string[] {
  try {
    parseMcpConfig(raw, env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe("parseMcpConfig", () => {
  test("reads Go Bifrost's client_configs and tool_manager_config", () => {
    const cfg = parseMcpConfig(
      {
        client_configs: [
          { name: "fs", connection_type: "stdio", stdio_config: { command: "npx", args: ["-y", "srv"], envs: ["HOME"] }, tools_to_execute: ["*"], tools_to_auto_execute: ["read"] },
          { name: "remote", connection_type: "http", connection_string: "env.MCP_URL", headers: { Authorization: "env.MCP_TOKEN" }, disabled: true },
        ],
        tool_manager_config: { tool_execution_timeout: "45s", max_agent_depth: 4 },
      },
      { HOME: "/home/x", MCP_URL: "http://127.0.0.1:1/mcp", MCP_TOKEN: "Bearer t" },
    );
    expect(cfg.client_configs.map((c) => c.name)).toEqual(["fs", "remote"]);
    // The config keeps the env.VAR reference (what the admin API shows), not the secret.
    expect(cfg.client_configs[1]!.connection_string).toBe("env.MCP_URL");
    expect(cfg.client_configs[1]!.disabled).toBe(true);
    expect(cfg.tool_manager_config).toEqual({ tool_execution_timeout: 45, max_agent_depth: 4 });
  });

  test("an absent section is no clients and the defaults", () => {
    expect(parseMcpConfig(undefined, {})).toEqual({ client_configs: [], tool_manager_config: {} });
  });

  test("every problem names its JSON path", () => {
    const p = problems({
      client_configs: [
        { name: "my-server", connection_type: "stdio", stdio_config: { command: "x" } },
        { name: "a", connection_type: "http" },
        { name: "a", connection_type: "sse", connection_string: "env.NOPE" },
        { name: "b", connection_type: "stdio", stdio_config: {} },
        { name: "c", connection_type: "ws" },
        { name: "d", connection_type: "stdio", stdio_config: { command: "x" }, tools_to_execute: ["a"], tools_to_auto_execute: ["b"] },
      ],
      tool_manager_config: { tool_execution_timeout: "soon", max_agent_depth: 0 },
      extra: 1,
    });
    expect(p).toContain("mcp.extra: unknown key");
    expect(p.some((l) => l.startsWith("mcp.client_configs[0].name:"))).toBe(true);
    expect(p).toContain("mcp.client_configs[1].connection_string: required for an http client");
    expect(p).toContain('mcp.client_configs[2].name: duplicate client name "a"');
    expect(p).toContain("mcp.client_configs[2].connection_string: environment variable NOPE is not set");
    expect(p).toContain("mcp.client_configs[3].stdio_config.command: required for a stdio client");
    expect(p.some((l) => l.startsWith("mcp.client_configs[4].connection_type:"))).toBe(true);
    expect(p).toContain('mcp.client_configs[5].tools_to_auto_execute: tool "b" is not in tools_to_execute');
    expect(p.some((l) => l.startsWith("mcp.tool_manager_config.tool_execution_timeout:"))).toBe(true);
    expect(p.some((l) => l.startsWith("mcp.tool_manager_config.max_agent_depth:"))).toBe(true);
  });

  test("client names follow Go's rule: no hyphen (tools are <client>-<tool>), no leading digit", () => {
    for (const bad of ["a-b", "a b", "1abc", "", "día"]) {
      expect(problems({ client_configs: [{ name: bad, connection_type: "http", connection_string: "http://x" }] }).length).toBeGreaterThan(0);
    }
    expect(problems({ client_configs: [{ name: "my_server2", connection_type: "http", connection_string: "http://x" }] })).toEqual([]);
  });
});

describe("tool_execution_timeout", () => {
  test("accepts Go duration strings, seconds, and Go's integer nanoseconds", () => {
    expect(timeoutSeconds("30s")).toBe(30);
    expect(timeoutSeconds("1m30s")).toBe(90);
    expect(timeoutSeconds("500ms")).toBe(0.5);
    expect(timeoutSeconds(20)).toBe(20);
    expect(timeoutSeconds(30_000_000_000)).toBe(30);
    expect(timeoutSeconds("10")).toBe(10);
    expect(timeoutSeconds("fast")).toBeNull();
    expect(timeoutSeconds(0)).toBeNull();
    expect(timeoutSeconds(-1)).toBeNull();
  });
});

describe("resolveMcpClient", () => {
  test("stdio envs: a bare name is passed on from the gateway's environment, NAME=value is literal (env.VAR allowed)", () => {
    const errors: string[] = [];
    const r = resolveMcpClient(
      { name: "s", connection_type: "stdio", stdio_config: { command: "x", envs: ["TOKEN", "MODE=fast", "KEY=env.SRC"] } },
      { TOKEN: "t", SRC: "from-src", OPENAI_API_KEY: "sk-secret" },
      "c",
      errors,
    );
    expect(errors).toEqual([]);
    expect(r.childEnv).toEqual({ TOKEN: "t", MODE: "fast", KEY: "from-src" });
  });

  test("an object of envs and header values resolve env.VAR", () => {
    const errors: string[] = [];
    const r = resolveMcpClient({ name: "h", connection_type: "http", connection_string: "http://h/mcp", headers: { "x-key": "env.K", "x-plain": "p" } }, { K: "secret" }, "c", errors);
    expect(r.headers).toEqual({ "x-key": "secret", "x-plain": "p" });
    expect(r.url).toBe("http://h/mcp");
  });
});

describe("maskMcpClientConfig", () => {
  test("literal header values, env values and URL credentials are masked; env.VAR references are shown", () => {
    const m = maskMcpClientConfig({
      name: "h",
      connection_type: "http",
      connection_string: "https://user:pw@h.example/mcp?token=abc",
      headers: { Authorization: "Bearer sk-live", "x-ref": "env.REF" },
    });
    expect(m.headers).toEqual({ Authorization: "********", "x-ref": "env.REF" });
    expect(m.connection_string).not.toContain("pw");
    expect(m.connection_string).not.toContain("abc");
    const s = maskMcpClientConfig({ name: "s", connection_type: "stdio", stdio_config: { command: "x", envs: ["HOME", "KEY=raw-secret", "REF=env.R"] } });
    expect(s.stdio_config!.envs).toEqual(["HOME", "KEY=********", "REF=env.R"]);
  });
});
