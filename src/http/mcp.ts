/**
 * MCP over HTTP, in Go Bifrost's paths and shapes: POST /v1/mcp/tool/execute runs one tool call (an
 * inference route), /api/mcp/* manages the clients at run time (admin). Bifrost as an MCP server
 * (/mcp) is in mcp-server.ts. The manager is read per request: null (MCP not configured) answers 404.
 */
import { Elysia } from "elysia";
import { SECRET_FIELD } from "../core/key-secrets";
import { MASKED } from "../core/live-config";
import type { McpClientConfig, McpClientInfo, McpFilter, McpManager, McpToolResult } from "../mcp/types";
import { BifrostError } from "../schemas/error";
import type { ToolCall } from "../schemas/chat";
import { fromChatToolCall, fromResponsesFunctionCall, toChatToolMessage, toFunctionCallOutput } from "../mcp/tool-format";
import { guarded, maskValue } from "./admin";
import { readJsonBody } from "./body";
import { maskUrlCredentials } from "./mask-url";
import { jsonResponse } from "./respond";
import type { Route, RouteRequest } from "./route";

const NO_PARSE = { parse: "none" } as const;
const MAX_ADMIN_BODY = 1024 * 1024;

export type McpManagerOf = () => McpManager | null;

export interface McpHttpOptions {
  /** The running manager, or null when no MCP client is configured (the routes answer 404 mcp_not_configured). */
  manager: McpManagerOf;
  /** After a successful change through /api/mcp/* (persist the client configs). */
  onChange?: () => Promise<void>;
  /** Per /mcp request: which clients and tools the caller may see and call, or a refusal (governance's virtual key). */
  filter?: (request: Request) => McpFilter | Response | undefined | Promise<McpFilter | Response | undefined>;
  /** Runs a tool for a caller (the gateway: through the plugins' preMcp/postMcp); default: the manager directly. */
  execute?: (name: string, args: Record<string, unknown>, request: Request, signal?: AbortSignal) => Promise<McpToolResult>;
}

/** How the routes run a tool: the gateway's execute (plugins' hooks) when given, else the manager's. */
export function executorOf(opts: McpHttpOptions): (name: string, args: Record<string, unknown>, request: Request, signal?: AbortSignal) => Promise<McpToolResult> {
  return opts.execute ?? ((name, args, _request, signal) => managerOrThrow(opts.manager).execute(name, args, signal));
}

export function mcpNotConfigured(): BifrostError {
  return new BifrostError({ status: 404, type: "not_found_error", code: "mcp_not_configured", message: "MCP is not configured: no mcp.client_configs" });
}

export function managerOrThrow(manager: McpManagerOf): McpManager {
  const m = manager();
  if (!m) throw mcpNotConfigured();
  return m;
}

/** POST /v1/mcp/tool/execute: an inference route (admin auth on inference, the plugins' HTTP hooks). None without `opts`. */
export function mcpRoutes(route: Route, opts: McpHttpOptions | undefined, maxBodyBytes: number) {
  const app = new Elysia({ name: "mcp" });
  if (!opts) return app;
  const execute = executorOf(opts);
  return app.post(
    "/v1/mcp/tool/execute",
    route((r) => (managerOrThrow(opts.manager), executeTool(r, (name, args) => execute(name, args, r.request, r.request.signal), maxBodyBytes))),
    NO_PARSE,
  );
}

/** POST /v1/mcp/tool/execute?format=chat|responses (Go: handlers/mcpinference.go). */
async function executeTool(r: RouteRequest, run: (name: string, args: Record<string, unknown>) => Promise<McpToolResult>, maxBodyBytes: number): Promise<Response> {
  const format = (queryOf(r.request.url).get("format") ?? "").toLowerCase();
  if (format !== "" && format !== "chat" && format !== "responses") throw BifrostError.badRequest("format: must be 'chat' or 'responses'", "format");
  const { value } = await readJsonBody(r.request, maxBodyBytes);
  if (!isObject(value)) throw BifrostError.badRequest("expected a JSON object (a tool call)");
  r.holdOpen();
  if (format === "responses") {
    const call = fromResponsesFunctionCall(value);
    const result = await run(call.name, call.args);
    return jsonResponse(JSON.stringify({ ...toFunctionCallOutput(value.call_id ?? null, result), ...errorMark(result) }), 200, r.headers);
  }
  const call = fromChatToolCall(value as ToolCall);
  const result = await run(call.name, call.args);
  const { tool_call_id, ...message } = toChatToolMessage(value.id, result);
  return jsonResponse(JSON.stringify({ ...message, ...(typeof tool_call_id === "string" ? { tool_call_id } : {}), ...errorMark(result) }), 200, r.headers);
}

/** Go's marker on a tool message whose tool reported a failure (ChatToolMessage.is_error). */
const errorMark = (result: McpToolResult) => (result.isError ? { is_error: true } : {});



function queryOf(url: string): URLSearchParams {
  const q = url.indexOf("?");
  return new URLSearchParams(q < 0 ? "" : url.slice(q + 1));
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * /api/mcp/* (Go: handlers/mcp.go): list, create, edit, delete, reconnect. `{id}` is the client's
 * name (our clients have no other id). Secrets never leave: header and env values read as
 * "********" (an env.X reference as itself); on PUT a value sent back masked keeps the stored one
 * (the manager's part: it sees MASKED and keeps what it has, as Go's mergeMCPRedactedValues does).
 */
export function mcpAdminRoutes(opts: McpHttpOptions | undefined) {
  if (!opts) return new Elysia({ name: "mcp-admin" });
  const manager = () => managerOrThrow(opts.manager);
  const json = (v: unknown, status = 200) => jsonResponse(JSON.stringify(v), status);
  const find = (m: McpManager, name: string): McpClientInfo => {
    const c = m.clients().find((x) => x.config.name === name);
    if (!c) throw new BifrostError({ status: 404, type: "not_found_error", code: "mcp_client_not_found", message: `no MCP client named ${name}` });
    return c;
  };
  const changed = async () => {
    if (opts.onChange) await opts.onChange();
  };
  const body = async (request: Request) => {
    const { value } = await readJsonBody(request, MAX_ADMIN_BODY);
    if (!isObject(value)) throw BifrostError.badRequest("expected a JSON object");
    return value;
  };
  const id = (params: Record<string, string>) => decodeURIComponent(params.id ?? "");

  return new Elysia({ name: "mcp-admin" })
    .get("/api/mcp/clients", ({ request }) => guarded(() => json(clientList(manager().clients(), request.url))))
    .post(
      "/api/mcp/client",
      ({ request }) =>
        guarded(async () => {
          const m = manager();
          const config = clientConfig(await body(request));
          if (m.clients().some((c) => c.config.name === config.name))
            throw new BifrostError({ status: 409, type: "invalid_request_error", code: "mcp_client_exists", param: "name", message: `an MCP client named ${config.name} exists; PUT /api/mcp/client/${config.name} changes it` });
          const info = await m.addClient(config);
          await changed();
          return json({ status: "success", message: "MCP client connected successfully", client: clientView(info) });
        }),
      NO_PARSE,
    )
    .put(
      "/api/mcp/client/:id",
      ({ request, params }) =>
        guarded(async () => {
          const m = manager();
          const name = id(params);
          const existing = find(m, name).config;
          const edit = await body(request);
          if (edit.name !== undefined && edit.name !== name) throw BifrostError.badRequest("name cannot be changed (it names the client's tools: <name>-<tool>)", "name");
          // Go: the connection is fixed once created; edit tools, headers and disabled.
          for (const f of ["connection_type", "connection_string", "stdio_config"] as const) {
            if (edit[f] !== undefined && JSON.stringify(edit[f]) !== JSON.stringify(maskedConfig(existing)[f])) throw BifrostError.badRequest(`${f} cannot be changed for an existing MCP client`, f);
          }
          const info = await m.updateClient(name, clientConfig({ ...existing, ...edit, name }));
          await changed();
          return json({ status: "success", message: "MCP client edited successfully", client: clientView(info) });
        }),
      NO_PARSE,
    )
    .delete("/api/mcp/client/:id", ({ params }) =>
      guarded(async () => {
        const m = manager();
        const name = id(params);
        find(m, name);
        await m.removeClient(name);
        await changed();
        return json({ status: "success", message: "MCP client removed successfully" });
      }),
    )
    .post("/api/mcp/client/:id/reconnect", ({ params }) =>
      guarded(async () => {
        const m = manager();
        const name = id(params);
        if (find(m, name).config.disabled) throw BifrostError.badRequest("cannot reconnect a disabled MCP client: enable the client first");
        const info = await m.reconnect(name);
        return json({ status: "success", message: "MCP client reconnected successfully", client: clientView(info) });
      }),
    );
}

/** Go's list answer: {clients, count, total_count, limit, offset}; ?search= (in the name), ?limit=, ?offset= page it. */
function clientList(all: McpClientInfo[], url: string) {
  const p = queryOf(url);
  const search = (p.get("search") ?? "").toLowerCase();
  const matching = search ? all.filter((c) => c.config.name.toLowerCase().includes(search)) : all;
  const offset = count(p.get("offset"), "offset") ?? 0;
  const limit = count(p.get("limit"), "limit");
  const page = matching.slice(offset, limit === undefined ? undefined : offset + limit);
  const clients = page.map(clientView);
  return { clients, count: clients.length, total_count: matching.length, limit: limit ?? clients.length, offset };
}

function count(v: string | null, param: string): number | undefined {
  if (v === null || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw BifrostError.badRequest(`${param}: expected a non-negative integer`, param);
  return n;
}

/** Go's MCPClientResponse (config redacted, tools sorted by name) with ours: last_error. */
function clientView(c: McpClientInfo) {
  const tools = [...c.tools].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { config: maskedConfig(c.config), tools, state: c.state, last_error: c.last_error, vk_configs: [] };
}

/** A URL as shown to admins: user:pass and secret-looking query values masked. */
function maskUrl(url: string): string {
  const masked = maskUrlCredentials(url);
  const q = masked.indexOf("?");
  if (q < 0 || url.startsWith("env.")) return masked;
  const hash = masked.indexOf("#", q);
  const query = masked.slice(q + 1, hash < 0 ? undefined : hash);
  const parts = query.split("&").map((kv) => {
    const eq = kv.indexOf("=");
    return eq > 0 && SECRET_FIELD.test(kv.slice(0, eq)) ? `${kv.slice(0, eq + 1)}${MASKED}` : kv;
  });
  return `${masked.slice(0, q + 1)}${parts.join("&")}${hash < 0 ? "" : masked.slice(hash)}`;
}

/** Header values and env values never echoed (the manager masks too; this holds whatever it hands us). */
export function maskedConfig(c: McpClientConfig): McpClientConfig {
  const out: McpClientConfig = { ...c };
  if (c.connection_string !== undefined) out.connection_string = maskUrl(c.connection_string);
  if (c.headers) out.headers = Object.fromEntries(Object.entries(c.headers).map(([k, v]) => [k, maskValue(String(v))]));
  if (c.stdio_config) {
    const envs = c.stdio_config.envs;
    out.stdio_config = { ...c.stdio_config };
    if (Array.isArray(envs)) out.stdio_config.envs = envs.map((e) => (e.includes("=") ? `${e.slice(0, e.indexOf("="))}=${maskValue(e.slice(e.indexOf("=") + 1))}` : e));
    else if (envs) out.stdio_config.envs = Object.fromEntries(Object.entries(envs).map(([k, v]) => [k, maskValue(String(v))]));
  }
  return out;
}

const CONNECTION_TYPES = new Set(["stdio", "http", "sse"]);

/** A client config from an admin body: the shape checked here, the rest (connecting, tool names) by the manager. */
function clientConfig(v: Record<string, any>): McpClientConfig {
  const bad = (param: string, what: string) => BifrostError.badRequest(`${param}: ${what}`, param, "invalid_request");
  if (typeof v.name !== "string" || !v.name.trim()) throw bad("name", "expected the client's name");
  if (!CONNECTION_TYPES.has(v.connection_type)) throw bad("connection_type", "expected 'stdio', 'http' or 'sse'");
  if (v.connection_type === "stdio") {
    if (!isObject(v.stdio_config) || typeof v.stdio_config.command !== "string" || !v.stdio_config.command) throw bad("stdio_config.command", "a stdio client needs a command");
    if (v.stdio_config.args !== undefined && !stringArray(v.stdio_config.args)) throw bad("stdio_config.args", "expected an array of strings");
    const envs = v.stdio_config.envs;
    if (envs !== undefined && !stringArray(envs) && !(isObject(envs) && Object.values(envs).every((x) => typeof x === "string"))) throw bad("stdio_config.envs", "expected an array of strings or an object of strings");
  } else if (typeof v.connection_string !== "string" || !v.connection_string) throw bad("connection_string", `an ${v.connection_type} client needs the server's URL`);
  if (v.headers !== undefined && !(isObject(v.headers) && Object.values(v.headers).every((x) => typeof x === "string"))) throw bad("headers", "expected an object of strings");
  for (const f of ["tools_to_execute", "tools_to_auto_execute"] as const) if (v[f] !== undefined && v[f] !== null && !stringArray(v[f])) throw bad(f, "expected an array of tool names (or [\"*\"])");
  if (v.disabled !== undefined && typeof v.disabled !== "boolean") throw bad("disabled", "expected a boolean");
  return v as McpClientConfig;
}

function stringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === "string");
}
