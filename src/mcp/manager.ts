/**
 * The MCP manager: the configured clients by name, the tools they offer (as `<client>-<tool>`),
 * and tool execution with Go Bifrost's errors. Connections start in the background.
 */
import { BifrostError } from "../schemas/error";
import { joinPath } from "../schemas/paths";
import {
  checkMcpClientConfig,
  DEFAULT_MAX_AGENT_DEPTH,
  DEFAULT_TOOL_EXECUTION_TIMEOUT_S,
  maskMcpClientConfig,
  resolveMcpClient,
  type Env,
  type McpConfig,
} from "./config";
import { McpConnection, type McpConnectionOptions } from "./connection";
import type { McpClientConfig, McpClientInfo, McpFilter, McpManager, McpTool, McpToolResult } from "./types";

export interface McpManagerOptions extends Omit<McpConnectionOptions, "env" | "onChange"> {
  /** Overrides tool_manager_config.tool_execution_timeout (e.g. from client.mcp_tool_execution_timeout). */
  toolExecutionTimeoutMs?: number;
  /** Overrides tool_manager_config.max_agent_depth (e.g. from client.mcp_agent_depth). */
  maxAgentDepth?: number;
  /** Called when a client's state or tool list changes (the dashboard's /ws, say). */
  onChange?: (client: string) => void;
}

/** Creates the manager and starts connecting every enabled client; returns at once. */
export function createMcpManager(config: McpConfig | undefined, env: Env, opts: McpManagerOptions = {}): McpManager {
  const tm = config?.tool_manager_config ?? {};
  const toolExecutionTimeoutMs = opts.toolExecutionTimeoutMs ?? (tm.tool_execution_timeout ?? DEFAULT_TOOL_EXECUTION_TIMEOUT_S) * 1000;
  const maxAgentDepth = opts.maxAgentDepth ?? tm.max_agent_depth ?? DEFAULT_MAX_AGENT_DEPTH;
  const conns = new Map<string, McpConnection>();

  const open = (c: McpClientConfig): McpConnection => {
    const conn = new McpConnection(c, { ...opts, env, onChange: () => opts.onChange?.(c.name) });
    conns.set(c.name, conn);
    if (!c.disabled) conn.start();
    return conn;
  };
  for (const c of config?.client_configs ?? []) open(c);

  const info = (conn: McpConnection): McpClientInfo => ({
    config: maskMcpClientConfig(conn.config),
    state: conn.config.disabled ? "disconnected" : conn.state,
    last_error: conn.config.disabled ? "disabled" : conn.lastError,
    tools: conn.tools.map((t) => ({ name: t.name, ...(t.description ? { description: t.description } : {}), parameters: t.inputSchema })),
  });

  const find = (name: string): McpConnection => {
    const conn = conns.get(name);
    if (!conn) throw new BifrostError({ status: 404, code: "mcp_client_not_found", message: `MCP client ${name} not found` });
    return conn;
  };

  /** An admin's config checked like the file's; env.VAR must be set now (a 400, not a connection error later). */
  const validated = (raw: unknown): McpClientConfig => {
    const errors: string[] = [];
    const c = checkMcpClientConfig(raw, "client", errors);
    if (c && !errors.length) resolveMcpClient(c, env, "client", errors);
    if (!c || errors.length) throw BifrostError.badRequest(errors.join("; "), errors[0]?.split(":")[0] ?? null);
    return c;
  };

  return {
    toolExecutionTimeoutMs,
    maxAgentDepth,

    tools(filter?: McpFilter): McpTool[] {
      const out: McpTool[] = [];
      for (const name of [...conns.keys()].sort()) {
        const conn = conns.get(name)!;
        const c = conn.config;
        if (c.disabled || conn.state !== "connected" || !listAllows(filter?.clients, name)) continue;
        for (const t of conn.tools) {
          if (!allowed(c.tools_to_execute, t.name) || !toolFilterAllows(filter?.tools, name, t.name)) continue;
          const tool: McpTool = {
            name: `${name}-${t.name}`,
            client: name,
            tool: t.name,
            inputSchema: t.inputSchema,
            autoExecute: allowed(c.tools_to_auto_execute, t.name),
          };
          if (t.description) tool.description = t.description;
          out.push(tool);
        }
      }
      return out;
    },

    async execute(name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<McpToolResult> {
      if (!args || typeof args !== "object" || Array.isArray(args)) throw BifrostError.badRequest("tool arguments must be a JSON object", "arguments");
      const dash = name.indexOf("-");
      const conn = dash > 0 ? conns.get(name.slice(0, dash)) : undefined;
      const tool = name.slice(dash + 1);
      if (!conn || conn.config.disabled || !allowed(conn.config.tools_to_execute, tool)) throw unknownTool(name);
      if (conn.state === "connected" && !conn.tools.some((t) => t.name === tool)) throw unknownTool(name);
      return conn.callTool(tool, args, toolExecutionTimeoutMs, signal);
    },

    get clientCount(): number {
      return conns.size;
    },

    clients(): McpClientInfo[] {
      return [...conns.keys()].sort().map((n) => info(conns.get(n)!));
    },

    configs(): McpClientConfig[] {
      return [...conns.values()].map((c) => c.config);
    },

    async sync(next: McpClientConfig[]): Promise<void> {
      const wanted = new Map(next.map((c) => [c.name, c]));
      for (const [name, conn] of [...conns]) {
        if (!wanted.has(name)) conns.delete(name), await conn.close();
      }
      for (const c of next) {
        const conn = conns.get(c.name);
        if (conn && JSON.stringify(conn.config) === JSON.stringify(c)) continue;
        await conn?.close();
        open(validated(c));
      }
    },

    async addClient(raw: McpClientConfig): Promise<McpClientInfo> {
      const c = validated(raw);
      await conns.get(c.name)?.close();
      return info(open(c));
    },

    async updateClient(name: string, raw: McpClientConfig): Promise<McpClientInfo> {
      const old = find(name);
      // A secret sent back as the API shows it ("********") keeps the stored one.
      const c = validated(unmasked(raw, old.config) as McpClientConfig);
      if (c.name !== name && conns.has(c.name)) {
        throw BifrostError.badRequest(`an MCP client named ${c.name} already exists`, joinPath("client", "name"));
      }
      await old.close();
      conns.delete(name);
      return info(open(c));
    },

    async removeClient(name: string): Promise<void> {
      const conn = find(name);
      conns.delete(name);
      await conn.close();
    },

    async reconnect(name: string): Promise<McpClientInfo> {
      const conn = find(name);
      if (conn.config.disabled) throw BifrostError.badRequest(`MCP client ${name} is disabled`);
      await conn.reconnect();
      return info(conn);
    },

    async close(): Promise<void> {
      const all = [...conns.values()];
      conns.clear();
      await Promise.all(all.map((c) => c.close()));
    },
  };
}

/** Go's WhiteList: ["*"] all, a list those names, [] or omitted none. */
function allowed(list: string[] | undefined, tool: string): boolean {
  return !!list && (list.includes("*") || list.includes(tool));
}

/** A request's list: absent = no restriction, `*` all, [] none. */
function listAllows(list: string[] | null | undefined, name: string): boolean {
  return list === undefined || list === null || list.includes("*") || list.includes(name);
}

/** Request tool names match `<client>-<tool>`, `<client>-*` or the bare tool name. */
function toolFilterAllows(list: string[] | null | undefined, client: string, tool: string): boolean {
  if (list === undefined || list === null || list.includes("*")) return true;
  return list.includes(`${client}-${tool}`) || list.includes(`${client}-*`) || list.includes(tool);
}

function unknownTool(name: string): BifrostError {
  return new BifrostError({ status: 404, code: "mcp_tool_not_found", message: `MCP tool ${name} not found` });
}

/** Every "********" in `next` replaced by what `old` holds at the same place (headers, stdio envs). */
function unmasked(next: unknown, old: unknown): unknown {
  if (next === MASKED_VALUE) return typeof old === "string" ? old : undefined;
  if (Array.isArray(next)) return next.map((v, i) => unmasked(v, Array.isArray(old) ? old[i] : undefined));
  if (next && typeof next === "object") {
    return Object.fromEntries(Object.entries(next).map(([k, v]) => [k, unmasked(v, old && typeof old === "object" ? (old as Record<string, unknown>)[k] : undefined)]));
  }
  return next;
}

const MASKED_VALUE = "********";
