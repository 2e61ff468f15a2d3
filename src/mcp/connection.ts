/**
 * One MCP server connection: connects in the background, keeps its tool list, calls tools, and
 * reconnects with exponential back-off when the server dies or stops answering pings.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { BifrostError } from "../schemas/error";
import { resolveMcpClient, type Env } from "./config";
import type { McpClientConfig, McpConnectionState, McpToolResult } from "./types";

/** A tool as the server describes it. */
export interface ServerTool {
  name: string;
  description?: string;
  inputSchema: Record<string, unknown>;
}

export interface McpConnectionOptions {
  env: Env;
  /** First retry delay, doubled per failure up to maxBackoffMs. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** How often a connected server is pinged to notice a dead one (0: never). */
  pingIntervalMs?: number;
  /** How long connecting (spawn or HTTP handshake) may take. */
  connectTimeoutMs?: number;
  /** A tool's output beyond this many UTF-8 bytes is cut. */
  maxOutputBytes?: number;
  /** Called whenever the state or the tool list changes. */
  onChange?: () => void;
}

export const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024;
const STDERR_TAIL = 2048;

export class McpConnection {
  state: McpConnectionState = "disconnected";
  lastError: string | null = null;
  tools: ServerTool[] = [];

  private client: Client | null = null;
  private transport: Transport | null = null;
  /** Bumped per attempt: callbacks of an older transport are ignored. */
  private generation = 0;
  private backoffMs: number;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  private stderrTail = "";
  private attempt: Promise<void> | null = null;

  constructor(
    readonly config: McpClientConfig,
    private readonly opts: McpConnectionOptions,
  ) {
    this.backoffMs = opts.initialBackoffMs ?? 500;
  }

  /** Starts connecting in the background (never throws; failures go to state/lastError and a retry). */
  start(): void {
    void this.connect();
  }

  /** One connection attempt now (an attempt already running is joined); resolves when it has settled. */
  connect(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (!this.attempt) this.attempt = this.tryConnect().finally(() => (this.attempt = null));
    return this.attempt;
  }

  /** Drops the current connection and connects again at once, back-off reset. */
  async reconnect(): Promise<void> {
    this.clearRetry();
    if (this.attempt) await this.attempt;
    await this.teardown();
    this.backoffMs = this.opts.initialBackoffMs ?? 500;
    await this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.clearRetry();
    if (this.attempt) await this.attempt.catch(() => {});
    await this.teardown();
    this.state = "disconnected";
  }

  /**
   * Calls a tool. A tool's own failure (isError, or a JSON-RPC error from the server) is a result with
   * isError; a lost connection rejects with 503, a call past `timeoutMs` with 504, an abort with 499.
   */
  async callTool(tool: string, args: Record<string, unknown>, timeoutMs: number, signal?: AbortSignal): Promise<McpToolResult> {
    const client = this.client;
    if (!client || this.state !== "connected") throw disconnected(this.config.name, this.lastError);
    const gen = this.generation;
    const started = performance.now();
    const cap = this.opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    try {
      const res = await client.callTool({ name: tool, arguments: args }, undefined, { timeout: timeoutMs, signal });
      return { ...capOutput(resultText(res), cap), isError: res.isError === true, latencyMs: performance.now() - started };
    } catch (e) {
      if (signal?.aborted) throw BifrostError.from(Object.assign(new Error("aborted"), { name: "AbortError" }));
      if (e instanceof McpError && e.code === ErrorCode.RequestTimeout) {
        throw new BifrostError({
          status: 504,
          type: "timeout_error",
          code: "mcp_tool_timeout",
          message: `MCP tool ${this.config.name}-${tool} did not answer within ${timeoutMs / 1000} s`,
        });
      }
      // The server answered with a JSON-RPC error (unknown tool, bad arguments): the tool failed, the link is fine.
      if (e instanceof McpError && e.code !== ErrorCode.ConnectionClosed) {
        return { ...capOutput(e.message, cap), isError: true, latencyMs: performance.now() - started };
      }
      if (gen === this.generation && this.state === "connected") this.lost(e);
      throw disconnected(this.config.name, this.lastError);
    }
  }

  private async tryConnect(): Promise<void> {
    const gen = ++this.generation;
    this.clearRetry();
    this.state = "connecting";
    this.changed();
    const errors: string[] = [];
    const resolved = resolveMcpClient(this.config, this.opts.env, this.config.name, errors);
    if (errors.length) return this.failed(gen, new Error(errors.join("; ")));
    const client = new Client(
      { name: "bifrost", version: "1.0.0" },
      {
        capabilities: {},
        listChanged: {
          tools: {
            onChanged: (err, tools) => {
              if (gen !== this.generation || err || !tools) return;
              this.tools = byName(tools.map(toServerTool));
              this.changed();
            },
          },
        },
      },
    );
    let transport: Transport;
    try {
      transport = this.makeTransport(resolved.url, resolved.headers, resolved.childEnv);
    } catch (e) {
      return this.failed(gen, e);
    }
    transport.onclose = () => {
      if (gen === this.generation && this.state === "connected") this.lost(new Error(this.exitMessage("the server closed the connection")));
    };
    transport.onerror = () => {
      // Errors on an open link (a dropped SSE stream) may or may not be fatal: a ping tells.
      if (gen === this.generation && this.state === "connected") void this.probe(gen);
    };
    this.client = client;
    this.transport = transport;
    try {
      await client.connect(transport, { timeout: this.opts.connectTimeoutMs ?? 30_000 });
      const tools = await listAllTools(client, this.opts.connectTimeoutMs ?? 30_000);
      if (gen !== this.generation || this.closed) return;
      this.tools = tools;
      this.state = "connected";
      this.lastError = null;
      this.backoffMs = this.opts.initialBackoffMs ?? 500;
      this.startPing(gen);
      this.changed();
    } catch (e) {
      return this.failed(gen, e);
    }
  }

  private makeTransport(url: string | undefined, headers: Record<string, string>, childEnv: Record<string, string>): Transport {
    const c = this.config;
    if (c.connection_type === "stdio") {
      const sc = c.stdio_config!;
      // Only the listed variables (plus the SDK's safe set: HOME, PATH, USER, SHELL, TERM, LOGNAME): never the gateway's keys.
      const t = new StdioClientTransport({ command: sc.command, args: sc.args ?? [], env: childEnv, stderr: "pipe" });
      this.stderrTail = "";
      t.stderr?.on("data", (chunk: Buffer | string) => {
        this.stderrTail = (this.stderrTail + chunk.toString()).slice(-STDERR_TAIL);
      });
      return t;
    }
    const requestInit: RequestInit = { headers };
    if (c.connection_type === "sse") return new SSEClientTransport(new URL(url!), { requestInit });
    // Reconnecting is ours (a fresh session), not the transport's.
    return new StreamableHTTPClientTransport(new URL(url!), {
      requestInit,
      reconnectionOptions: { maxRetries: 0, initialReconnectionDelay: 1000, maxReconnectionDelay: 1000, reconnectionDelayGrowFactor: 1 },
    });
  }

  private async probe(gen: number): Promise<void> {
    const client = this.client;
    if (!client || gen !== this.generation || this.state !== "connected") return;
    try {
      await client.ping({ timeout: this.opts.connectTimeoutMs ?? 30_000 });
    } catch (e) {
      if (gen === this.generation && this.state === "connected") this.lost(e);
    }
  }

  private startPing(gen: number): void {
    this.stopPing();
    const every = this.opts.pingIntervalMs ?? 10_000;
    if (every <= 0) return;
    this.pingTimer = setInterval(() => void this.probe(gen), every);
    this.pingTimer.unref?.();
  }

  /** A connected server went away: state error, old transport dropped, a retry scheduled. */
  private lost(e: unknown): void {
    if (this.closed) return;
    this.state = "error";
    this.lastError = errorMessage(e);
    void this.teardown();
    this.scheduleRetry();
    this.changed();
  }

  private failed(gen: number, e: unknown): void {
    if (gen !== this.generation || this.closed) return;
    this.state = "error";
    this.lastError = this.config.connection_type === "stdio" && this.stderrTail ? `${errorMessage(e)} (stderr: ${lastLine(this.stderrTail)})` : errorMessage(e);
    void this.teardown();
    this.scheduleRetry();
    this.changed();
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.opts.maxBackoffMs ?? 30_000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
    this.retryTimer.unref?.();
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** Drops the current client; its transport's late callbacks no longer count (generation bumped). */
  private async teardown(): Promise<void> {
    this.generation++;
    this.stopPing();
    const client = this.client;
    const transport = this.transport;
    this.client = null;
    this.transport = null;
    this.tools = [];
    if (!client && !transport) return;
    // Client.close closes the transport too (a stdio child is ended: stdin closed, then SIGTERM, then SIGKILL).
    await (client ?? transport)!.close().catch(() => {});
  }

  private stopPing(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  private exitMessage(what: string): string {
    const tail = this.config.connection_type === "stdio" ? lastLine(this.stderrTail) : "";
    return tail ? `${what} (stderr: ${tail})` : what;
  }

  private changed(): void {
    this.opts.onChange?.();
  }
}

async function listAllTools(client: Client, timeout: number): Promise<ServerTool[]> {
  const out: ServerTool[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor ? { cursor } : undefined, { timeout });
    out.push(...page.tools.map(toServerTool));
    cursor = page.nextCursor;
  } while (cursor);
  return byName(out);
}

/** Sorted, so a request's tool list is the same every time (prompt caches keep hitting). */
function byName(tools: ServerTool[]): ServerTool[] {
  return tools.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function toServerTool(t: { name: string; description?: string; inputSchema: Record<string, unknown> }): ServerTool {
  const tool: ServerTool = { name: t.name, inputSchema: t.inputSchema ?? { type: "object", properties: {} } };
  if (t.description) tool.description = t.description;
  return tool;
}

function disconnected(name: string, lastError: string | null): BifrostError {
  return new BifrostError({
    status: 503,
    type: "upstream_error",
    code: "mcp_client_disconnected",
    message: `MCP client ${name} is not connected${lastError ? `: ${lastError}` : ""}`,
  });
}

type ContentPart = { type: string; [k: string]: unknown };

/** Text parts joined; other parts as a short JSON description (never their base64 payload). */
export function resultText(res: { content?: unknown; structuredContent?: unknown; toolResult?: unknown }): string {
  const parts = Array.isArray(res.content) ? (res.content as ContentPart[]) : [];
  if (!parts.length) {
    if (res.structuredContent !== undefined) return JSON.stringify(res.structuredContent);
    if (res.toolResult !== undefined) return typeof res.toolResult === "string" ? res.toolResult : JSON.stringify(res.toolResult);
  }
  return parts.map(partText).join("\n");
}

function partText(p: ContentPart): string {
  if (p.type === "text") return String(p.text ?? "");
  if (p.type === "image" || p.type === "audio") {
    return JSON.stringify({ type: p.type, mimeType: p.mimeType, bytes: Math.floor((String(p.data ?? "").length * 3) / 4) });
  }
  if (p.type === "resource") {
    const r = (p.resource ?? {}) as Record<string, unknown>;
    if (typeof r.text === "string") return r.text;
    return JSON.stringify({ type: "resource", uri: r.uri, mimeType: r.mimeType });
  }
  if (p.type === "resource_link") return JSON.stringify({ type: "resource_link", uri: p.uri, name: p.name, mimeType: p.mimeType });
  return JSON.stringify({ type: p.type });
}

/** Cuts text to `maxBytes` of UTF-8 (on a character boundary) and says so at the end. */
export function capOutput(text: string, maxBytes: number): { content: string; truncated?: boolean } {
  // Cheap exit: a string of n UTF-16 units is at most 3n bytes.
  if (text.length * 3 <= maxBytes) return { content: text };
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= maxBytes) return { content: text };
  let cut = maxBytes;
  while (cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut--;
  const head = new TextDecoder().decode(bytes.subarray(0, cut));
  return { content: `${head}\n[output truncated: ${bytes.length} bytes, limit ${maxBytes}]`, truncated: true };
}

function errorMessage(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.length > 500 ? `${m.slice(0, 500)}…` : m;
}

function lastLine(s: string): string {
  const lines = s.trim().split("\n");
  return (lines[lines.length - 1] ?? "").slice(0, 300);
}
