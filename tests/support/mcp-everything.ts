/** `@modelcontextprotocol/server-everything` as a stdio MCP client config (run by this Bun). */
import { join } from "node:path";
import type { McpClientConfig } from "../../src/mcp/types";

export const EVERYTHING_ENTRY = join(import.meta.dir, "../../node_modules/@modelcontextprotocol/server-everything/dist/index.js");

export function everythingStdio(name = "everything", extra: Partial<McpClientConfig> = {}): McpClientConfig {
  return {
    name,
    connection_type: "stdio",
    stdio_config: { command: process.execPath, args: [EVERYTHING_ENTRY, "stdio"] },
    tools_to_execute: ["*"],
    ...extra,
  };
}

/** Pids of this process's server-everything children. */
export function everythingChildren(): number[] {
  const r = Bun.spawnSync(["pgrep", "-P", String(process.pid), "-f", "server-everything"]);
  return r.stdout.toString().split("\n").filter(Boolean).map(Number);
}
