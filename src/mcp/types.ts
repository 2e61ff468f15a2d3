/**
 * The MCP vocabulary shared by the manager (src/mcp/manager.ts: connections to MCP servers), the
 * HTTP routes (src/http/mcp.ts: /v1/mcp/tool/execute, /api/mcp/*, the /mcp server endpoint) and the
 * request path (tool injection, agent mode). Names and fields are Go Bifrost's (`mcp.client_configs`,
 * `tool_manager_config`).
 */

/** One entry of `mcp.client_configs` (Go Bifrost's fields). */
export interface McpClientConfig {
  /** Unique; tools are offered to models as `<name>-<tool>`. */
  name: string;
  connection_type: "stdio" | "http" | "sse";
  /** stdio only: the command (from the config file or an authenticated admin call, never a request). */
  stdio_config?: { command: string; args?: string[]; envs?: string[] | Record<string, string> };
  /** http/sse: the server's URL ("env.VAR" allowed). */
  connection_string?: string;
  /** http/sse: headers sent to the server ("env.VAR" allowed in values). */
  headers?: Record<string, string>;
  /** Tools models may be offered: ["*"] all, names, or none when omitted or [] (Go Bifrost's default). */
  tools_to_execute?: string[];
  /** Tools the gateway runs itself in agent mode (a subset of tools_to_execute); names or ["*"]. */
  tools_to_auto_execute?: string[];
  disabled?: boolean;
}

export interface McpToolManagerConfig {
  /** Seconds a tool call may take (default 30). */
  tool_execution_timeout?: number;
  /** Agent-mode rounds at most (default 10). */
  max_agent_depth?: number;
}

export type McpConnectionState = "connected" | "connecting" | "disconnected" | "error";

/** A tool of a connected server, as the gateway offers it. */
export interface McpTool {
  /** `<client>-<tool>`: the name models see. */
  name: string;
  client: string;
  /** The server's own name for it. */
  tool: string;
  description?: string;
  /** JSON Schema of the arguments. */
  inputSchema: Record<string, unknown>;
  /** In tools_to_auto_execute: agent mode runs it. */
  autoExecute: boolean;
}

/** What a tool call gave: its text (size-capped), and whether the tool itself reported an error. */
export interface McpToolResult {
  content: string;
  isError: boolean;
  /** The call's duration, ms. */
  latencyMs: number;
  /** The output was longer than the cap and was cut. */
  truncated?: boolean;
}

export interface McpClientInfo {
  /** The config entry, secrets masked. */
  config: McpClientConfig;
  state: McpConnectionState;
  last_error: string | null;
  /** The server's tools (Go's ChatToolFunction: name, description, parameters = the input JSON Schema). */
  tools: Array<{ name: string; description?: string; parameters?: Record<string, unknown> }>;
}

/** Which clients' and tools' names a request allows (x-bf-mcp-include-clients / -tools; `*` all, empty none). */
export interface McpFilter {
  clients?: string[] | null;
  tools?: string[] | null;
}

/** The manager as the routes and the request path use it. */
export interface McpManager {
  /** Tools of connected, enabled clients, within tools_to_execute and `filter`. */
  tools(filter?: McpFilter): McpTool[];
  /**
   * Run a tool by its offered name (`<client>-<tool>`) with JSON-object arguments. Rejects with a
   * BifrostError: 404 unknown tool, 503 disconnected server, 504 past tool_execution_timeout. A tool's
   * own failure is a result with isError, not a rejection.
   */
  execute(name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<McpToolResult>;
  clients(): McpClientInfo[];
  /** Clients configured now (0: requests skip MCP entirely). */
  readonly clientCount: number;
  /** The client configs as given (env.VAR references kept, secrets not masked): what the config store keeps. */
  configs(): McpClientConfig[];
  /** Make the clients these (added, changed, removed): another replica's change, a reloaded file. */
  sync(configs: McpClientConfig[]): Promise<void>;
  /** Add (or replace) a client at run time; resolves once it is registered (connection goes on in the background). */
  addClient(config: McpClientConfig): Promise<McpClientInfo>;
  updateClient(name: string, config: McpClientConfig): Promise<McpClientInfo>;
  removeClient(name: string): Promise<void>;
  reconnect(name: string): Promise<McpClientInfo>;
  readonly toolExecutionTimeoutMs: number;
  readonly maxAgentDepth: number;
  close(): Promise<void>;
}
