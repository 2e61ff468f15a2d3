/**
 * The MCP client form's text fields and the API bodies they make (Go Bifrost's MCPClientConfig):
 * headers as "Name: value" lines, stdio args one per line, envs as "KEY=value" (or "KEY", from the gateway's environment) lines, tool lists one
 * name per line ("*" for all). Pure, for bun:test (tests/unit/mcp-client-form.test.ts).
 */

export type Transport = "http" | "sse" | "stdio";

export interface McpClientConfig {
  name: string;
  connection_type: Transport;
  connection_string?: string;
  headers?: Record<string, string>;
  stdio_config?: { command: string; args?: string[]; envs?: string[] | Record<string, string> };
  tools_to_execute?: string[];
  tools_to_auto_execute?: string[];
  disabled?: boolean;
}

export interface ClientDraft {
  name: string;
  transport: Transport;
  url: string;
  headers: string;
  command: string;
  args: string;
  envs: string;
  tools: string;
  autoTools: string;
  disabled: boolean;
}

/** A new client: HTTP, every tool offered, none run by the gateway itself. */
export const NEW_CLIENT: ClientDraft = { name: "", transport: "http", url: "", headers: "", command: "", args: "", envs: "", tools: "*", autoTools: "", disabled: false };

const lines = (s: string) => s.split("\n").map((l) => l.trim()).filter(Boolean);

/** A saved client's form (header and env values arrive masked: sent back unchanged, they keep the saved ones). */
export function draftOf(c: McpClientConfig): ClientDraft {
  const envs = c.stdio_config?.envs;
  return {
    name: c.name,
    transport: c.connection_type,
    url: c.connection_string ?? "",
    headers: Object.entries(c.headers ?? {}).map(([k, v]) => `${k}: ${v}`).join("\n"),
    command: c.stdio_config?.command ?? "",
    args: (c.stdio_config?.args ?? []).join("\n"),
    envs: Array.isArray(envs) ? envs.join("\n") : Object.entries(envs ?? {}).map(([k, v]) => `${k}=${v}`).join("\n"),
    tools: (c.tools_to_execute ?? []).join("\n"),
    autoTools: (c.tools_to_auto_execute ?? []).join("\n"),
    disabled: c.disabled === true,
  };
}

export interface BodyResult {
  body: Record<string, unknown>;
  /** Problems by draft field. */
  errors: Partial<Record<keyof ClientDraft, string>>;
}

/** Headers from "Name: value" lines. */
export function parseHeaders(text: string): { headers: Record<string, string>; error?: string } {
  const headers: Record<string, string> = {};
  for (const line of lines(text)) {
    const colon = line.indexOf(":");
    if (colon <= 0) return { headers, error: `“${line}”: expected Name: value` };
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return { headers };
}

/**
 * The body of POST /api/mcp/client (`mode` "create") or PUT /api/mcp/client/:name ("edit": only what
 * can change after creation — headers, tool lists, disabled; the connection is fixed once created).
 */
export function bodyOf(d: ClientDraft, mode: "create" | "edit"): BodyResult {
  const errors: BodyResult["errors"] = {};
  const body: Record<string, unknown> = {};
  if (mode === "create") {
    if (!d.name.trim()) errors.name = "required";
    else if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(d.name.trim())) errors.name = "letters, digits and _ only, not starting with a digit (tools are offered as <name>-<tool>)";
    body.name = d.name.trim();
    body.connection_type = d.transport;
    if (d.transport === "stdio") {
      if (!d.command.trim()) errors.command = "required for a stdio client";
      const stdio: Record<string, unknown> = { command: d.command.trim(), args: lines(d.args) };
      // "NAME=value", or "NAME" alone: passed on from the gateway's environment (Go's form).
      const envs = lines(d.envs);
      if (envs.length) stdio.envs = envs;
      body.stdio_config = stdio;
    } else {
      if (!d.url.trim()) errors.url = "required";
      else if (!/^(https?:\/\/|env\.)/.test(d.url.trim())) errors.url = "expected an http(s):// URL or env.VAR";
      body.connection_string = d.url.trim();
    }
  }
  if (d.transport !== "stdio") {
    const h = parseHeaders(d.headers);
    if (h.error) errors.headers = h.error;
    if (Object.keys(h.headers).length || mode === "edit") body.headers = h.headers;
  }
  body.tools_to_execute = lines(d.tools);
  body.tools_to_auto_execute = lines(d.autoTools);
  body.disabled = d.disabled;
  return { body, errors };
}

/** The draft field an API error's param is about ("stdio_config.command" → command). */
export function fieldOfParam(param: string | null | undefined): keyof ClientDraft | null {
  if (!param) return null;
  const p = param.replace(/^client\./, "");
  if (p === "name") return "name";
  if (p === "connection_string") return "url";
  if (p === "connection_type") return "transport";
  if (p.startsWith("stdio_config.command")) return "command";
  if (p.startsWith("stdio_config.args")) return "args";
  if (p.startsWith("stdio_config.envs")) return "envs";
  if (p.startsWith("headers")) return "headers";
  if (p.startsWith("tools_to_execute")) return "tools";
  if (p.startsWith("tools_to_auto_execute")) return "autoTools";
  return null;
}

/** How a tool list reads: ["*"] all, [] or none none, else the names. */
export function describeTools(list: string[] | undefined): string {
  if (!list || list.length === 0) return "none";
  if (list.includes("*")) return "all";
  return list.join(", ");
}
