/**
 * The `mcp` section of config.json (Go Bifrost's `MCPConfig`): `client_configs[]` and
 * `tool_manager_config`. Validation names JSON paths; "env.VAR" is resolved only when connecting,
 * so the config keeps (and shows) the reference, never the secret.
 */
import { ConfigError, readSecret } from "../config/load";
import { joinPath } from "../schemas/paths";
import type { McpClientConfig, McpToolManagerConfig } from "./types";

export type Env = Record<string, string | undefined>;

export interface McpConfig {
  client_configs: McpClientConfig[];
  tool_manager_config: McpToolManagerConfig;
}

/** What a connection needs, every "env.VAR" read. */
export interface ResolvedMcpClient {
  config: McpClientConfig;
  url?: string;
  headers: Record<string, string>;
  /** stdio: the child's variables besides the SDK's safe set (HOME, PATH, …). */
  childEnv: Record<string, string>;
}

export const DEFAULT_TOOL_EXECUTION_TIMEOUT_S = 30;
export const DEFAULT_MAX_AGENT_DEPTH = 10;

const CLIENT_KEYS = new Set([
  "name", "connection_type", "stdio_config", "connection_string", "headers", "tools_to_execute",
  "tools_to_auto_execute", "disabled",
  // Go fields we accept and ignore (set by Go's config store or its UI).
  "client_id", "is_code_mode_client", "auth_type", "state", "is_ping_available", "tool_sync_interval",
  "tool_pricing", "allow_on_all_virtual_keys", "allowed_extra_headers",
]);
const MCP_KEYS = new Set(["client_configs", "tool_manager_config", "tool_sync_interval"]);
const TOOL_MANAGER_KEYS = new Set(["tool_execution_timeout", "max_agent_depth", "code_mode_binding_level", "disable_auto_tool_inject"]);

/** Go's rule (no hyphen: tools are `<client>-<tool>`; no leading digit), narrowed to what function names allow. */
const CLIENT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Validates the `mcp` section and resolves every "env.VAR" once (to fail at start-up, not at first connect). */
export function parseMcpConfig(raw: unknown, env: Env, at = "mcp"): McpConfig {
  if (raw === undefined || raw === null) return { client_configs: [], tool_manager_config: {} };
  const errors: string[] = [];
  if (!isObject(raw)) throw new ConfigError([`${at}: must be an object`]);
  for (const k of Object.keys(raw)) if (!MCP_KEYS.has(k)) errors.push(`${joinPath(at, k)}: unknown key`);

  const clients: McpClientConfig[] = [];
  const list = raw.client_configs;
  if (list !== undefined && !Array.isArray(list)) errors.push(`${joinPath(at, "client_configs")}: must be an array`);
  const seen = new Set<string>();
  (Array.isArray(list) ? list : []).forEach((c, i) => {
    const path = joinPath(joinPath(at, "client_configs"), i);
    const before = errors.length;
    const config = checkMcpClientConfig(c, path, errors);
    if (!config) return;
    if (errors.length === before) resolveMcpClient(config, env, path, errors);
    if (seen.has(config.name)) errors.push(`${joinPath(path, "name")}: duplicate client name "${config.name}"`);
    seen.add(config.name);
    clients.push(config);
  });

  const tool_manager_config = checkToolManagerConfig(raw.tool_manager_config, joinPath(at, "tool_manager_config"), errors);
  if (errors.length) throw new ConfigError(errors);
  return { client_configs: clients, tool_manager_config };
}

/** One client entry (config file or admin call) validated; problems appended as "path: problem". */
export function checkMcpClientConfig(raw: unknown, path: string, errors: string[]): McpClientConfig | null {
  if (!isObject(raw)) {
    errors.push(`${path}: must be an object`);
    return null;
  }
  for (const k of Object.keys(raw)) if (!CLIENT_KEYS.has(k)) errors.push(`${joinPath(path, k)}: unknown key`);
  const name = raw.name;
  if (typeof name !== "string" || !CLIENT_NAME.test(name)) {
    errors.push(`${joinPath(path, "name")}: required; letters, digits and _ only, not starting with a digit (tools are offered as <name>-<tool>)`);
    return null;
  }
  const type = raw.connection_type;
  if (type !== "stdio" && type !== "http" && type !== "sse") {
    errors.push(`${joinPath(path, "connection_type")}: must be "stdio", "http" or "sse"`);
    return null;
  }
  const out: McpClientConfig = { name, connection_type: type };
  if (type === "stdio") {
    const sc = raw.stdio_config;
    const scPath = joinPath(path, "stdio_config");
    if (!isObject(sc) || typeof sc.command !== "string" || !sc.command) {
      errors.push(`${joinPath(scPath, "command")}: required for a stdio client`);
    } else {
      const args = sc.args ?? [];
      if (!isStringArray(args)) errors.push(`${joinPath(scPath, "args")}: must be an array of strings`);
      const envs = sc.envs ?? [];
      if (!isStringArray(envs) && !(isObject(envs) && Object.values(envs).every((v) => typeof v === "string"))) {
        errors.push(`${joinPath(scPath, "envs")}: must be an array of variable names ("NAME" or "NAME=value") or an object of strings`);
      }
      out.stdio_config = { command: sc.command, args: args as string[], envs: envs as string[] | Record<string, string> };
    }
  } else {
    const url = raw.connection_string;
    if (typeof url !== "string" || !url) errors.push(`${joinPath(path, "connection_string")}: required for an ${type} client`);
    else out.connection_string = url;
    if (raw.headers !== undefined) {
      if (!isObject(raw.headers) || !Object.values(raw.headers).every((v) => typeof v === "string")) {
        errors.push(`${joinPath(path, "headers")}: must be an object of strings`);
      } else out.headers = raw.headers as Record<string, string>;
    }
  }
  for (const key of ["tools_to_execute", "tools_to_auto_execute"] as const) {
    const v = raw[key];
    if (v === undefined || v === null) continue;
    if (!isStringArray(v)) errors.push(`${joinPath(path, key)}: must be an array of tool names (or ["*"])`);
    else out[key] = v;
  }
  // Go: every auto-executed tool must be executable.
  const exec = out.tools_to_execute ?? [];
  for (const t of out.tools_to_auto_execute ?? []) {
    if (!exec.includes("*") && !exec.includes(t)) errors.push(`${joinPath(path, "tools_to_auto_execute")}: tool "${t}" is not in tools_to_execute`);
  }
  if (raw.disabled !== undefined) {
    if (typeof raw.disabled !== "boolean") errors.push(`${joinPath(path, "disabled")}: must be a boolean`);
    else out.disabled = raw.disabled;
  }
  return out;
}

/** A client config as a connection needs it; unset variables are problems naming their path. */
export function resolveMcpClient(config: McpClientConfig, env: Env, path: string, errors: string[]): ResolvedMcpClient {
  const out: ResolvedMcpClient = { config, headers: {}, childEnv: {} };
  if (config.connection_string !== undefined) {
    const url = readEnvRef(config.connection_string, joinPath(path, "connection_string"), env, errors);
    if (url && !URL.canParse(url)) errors.push(`${joinPath(path, "connection_string")}: not a URL`);
    out.url = url;
  }
  for (const [k, v] of Object.entries(config.headers ?? {})) out.headers[k] = readEnvRef(v, joinPath(joinPath(path, "headers"), k), env, errors);
  const envs = config.stdio_config?.envs ?? [];
  const envsPath = joinPath(joinPath(path, "stdio_config"), "envs");
  if (Array.isArray(envs)) {
    envs.forEach((entry, i) => {
      const eq = entry.indexOf("=");
      if (eq > 0) {
        out.childEnv[entry.slice(0, eq)] = readEnvRef(entry.slice(eq + 1), joinPath(envsPath, i), env, errors);
        return;
      }
      // Go's form: a variable's name, passed on from the gateway's environment (and required there).
      const v = env[entry];
      if (v === undefined || v === "") errors.push(`${joinPath(envsPath, i)}: environment variable ${entry} is not set`);
      else out.childEnv[entry] = v;
    });
  } else {
    for (const [k, v] of Object.entries(envs)) out.childEnv[k] = readEnvRef(v, joinPath(envsPath, k), env, errors);
  }
  return out;
}

/** A client config for display: header values and literal stdio env values masked unless they are env.VAR references. */
export function maskMcpClientConfig(config: McpClientConfig): McpClientConfig {
  const out: McpClientConfig = { ...config };
  if (config.headers) out.headers = Object.fromEntries(Object.entries(config.headers).map(([k, v]) => [k, maskValue(v)]));
  if (config.connection_string && !isEnvRef(config.connection_string)) out.connection_string = maskUrl(config.connection_string);
  const envs = config.stdio_config?.envs;
  if (config.stdio_config && envs) {
    const masked = Array.isArray(envs)
      ? envs.map((e) => (e.indexOf("=") > 0 ? `${e.slice(0, e.indexOf("="))}=${maskValue(e.slice(e.indexOf("=") + 1))}` : e))
      : Object.fromEntries(Object.entries(envs).map(([k, v]) => [k, maskValue(v)]));
    out.stdio_config = { ...config.stdio_config, envs: masked };
  }
  return out;
}

function checkToolManagerConfig(raw: unknown, path: string, errors: string[]): McpToolManagerConfig {
  if (raw === undefined || raw === null) return {};
  if (!isObject(raw)) {
    errors.push(`${path}: must be an object`);
    return {};
  }
  for (const k of Object.keys(raw)) if (!TOOL_MANAGER_KEYS.has(k)) errors.push(`${joinPath(path, k)}: unknown key`);
  const out: McpToolManagerConfig = {};
  if (raw.tool_execution_timeout !== undefined) {
    const s = timeoutSeconds(raw.tool_execution_timeout);
    if (s === null) errors.push(`${joinPath(path, "tool_execution_timeout")}: must be seconds (a positive number) or a duration such as "30s" or "2m"`);
    else out.tool_execution_timeout = s;
  }
  if (raw.max_agent_depth !== undefined) {
    const d = raw.max_agent_depth;
    if (typeof d !== "number" || !Number.isInteger(d) || d < 1) errors.push(`${joinPath(path, "max_agent_depth")}: must be a positive integer`);
    else out.max_agent_depth = d;
  }
  return out;
}

const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, "µs": 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/**
 * Go's `tool_execution_timeout` is a duration: a string ("30s", "1m30s") or, for backward
 * compatibility, an integer of nanoseconds; older configs wrote seconds. A number below 10^6 can only
 * mean seconds (a sub-millisecond timeout is useless), so it is read as seconds, a larger one as ns.
 */
export function timeoutSeconds(v: unknown): number | null {
  if (typeof v === "number") {
    if (!Number.isFinite(v) || v <= 0) return null;
    return v >= 1e6 ? v / 1e9 : v;
  }
  if (typeof v !== "string") return null;
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) > 0 ? Number(s) : null;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (const m of s.matchAll(re)) {
    total += Number(m[1]) * UNIT_SECONDS[m[2]!]!;
    consumed += m[0].length;
  }
  return consumed === s.length && total > 0 ? total : null;
}

const ENV_PREFIX = "env.";
/** The admin API's mask (src/core/live-config.ts MASKED; not imported: core will import this module). */
const MASKED = "********";

function isEnvRef(v: string): boolean {
  return v.startsWith(ENV_PREFIX);
}

/** "env.X" read as the rest of the config reads it. */
const readEnvRef = (value: string, path: string, env: Env, errors: string[]): string => readSecret(value, path, env, errors);

function maskValue(v: string): string {
  return isEnvRef(v) || v === "" ? v : MASKED;
}

/** A URL's credentials and query may carry secrets; its host and path are what an admin needs to see. */
function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = "****";
      u.password = "";
    }
    if (u.search) u.search = "?****";
    return u.toString();
  } catch {
    return MASKED;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === "string");
}
