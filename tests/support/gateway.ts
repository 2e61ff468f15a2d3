/**
 * The gateway under test. `openGateway` runs it in this process: most tests want its routes, not its
 * process. `startGateway` runs `bifrost server` as a subprocess, for what only a process has: flags,
 * exit codes, signals, --cluster.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import type { Bifrost } from "../../src/core/bifrost";
import { createApp } from "../../src/http/app";
import { setLogSink } from "../../src/log";
import { startServer } from "../../src/server";

export interface Gateway {
  /** The server on 127.0.0.1, port 0, as `bifrost server` listens: for SDKs and whatever is about the connection. */
  url: string;
  /** The same routes without a socket: `gw.fetch("/v1/models")` goes straight to the app. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  bifrost: Bifrost;
  /** The log lines written while this gateway was open. */
  output(): string;
  close(): Promise<void>;
}

export interface GatewayOptions {
  /** The only environment the gateway sees: the config's env.X values, BIFROST_* settings. */
  env?: Record<string, string>;
  /** Provider worker threads, as `--workers N` (default 0: calls run on this thread). */
  workers?: number;
}

/** Who hears log lines while gateways are open; with none open, lines go to stderr as usual. */
const logReaders = new Set<(line: string) => void>();
const toStderr = (line: string) => void process.stderr.write(line + "\n");

/** Start the gateway in this process with a config object (Go Bifrost's config.json shape). */
export async function openGateway(config: unknown, opts: GatewayOptions = {}): Promise<Gateway> {
  let out = "";
  const reader = (line: string) => void (out += line + "\n");
  logReaders.add(reader);
  setLogSink((line) => logReaders.forEach((r) => r(line)));
  const stopLogging = () => {
    logReaders.delete(reader);
    if (!logReaders.size) setLogSink(toStderr);
  };
  // startServer, as the CLI calls it, so the server keeps its idle timeout and body limit.
  const server = await startServer({ config: writeConfig(config), port: 0, host: "127.0.0.1", workers: opts.workers, env: { ...opts.env } }).catch((e) => {
    stopLogging();
    throw e;
  });
  const app = createApp(server.bifrost);
  return {
    url: server.url,
    fetch: (path, init) => app.handle(new Request(server.url + path, init)),
    bifrost: server.bifrost,
    output: () => out,
    async close() {
      await server.stop(0);
      stopLogging();
    },
  };
}

export interface GatewayProcess {
  url: string;
  port: number;
  proc: Subprocess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const CLI = join(import.meta.dir, "../../src/cli.ts");

export function writeConfig(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "bifrost-test-"));
  const path = join(dir, "config.json");
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

async function freePort(): Promise<number> {
  const s = Bun.serve({ port: 0, fetch: () => new Response() });
  const port = s.port!;
  s.stop(true);
  return port;
}

/** Start `bifrost server` with the given config object (or args) and wait until /health answers. */
export async function startGateway(opts: { config?: unknown; args?: string[]; env?: Record<string, string> } = {}): Promise<GatewayProcess> {
  const port = await freePort();
  const args = ["server", "--port", String(port), ...(opts.args ?? [])];
  if (opts.config !== undefined) args.push("--config", writeConfig(opts.config));
  let out = "";
  const proc = Bun.spawn(["bun", CLI, ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...opts.env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const collect = async (s: ReadableStream<Uint8Array>) => {
    const dec = new TextDecoder();
    for await (const c of s) out += dec.decode(c, { stream: true });
  };
  void collect(proc.stdout as ReadableStream<Uint8Array>);
  void collect(proc.stderr as ReadableStream<Uint8Array>);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`gateway exited with ${proc.exitCode}:\n${out}`);
    try {
      const r = await fetch(`${url}/health`);
      if (r.ok) break;
    } catch {}
    if (Date.now() > deadline) {
      proc.kill();
      throw new Error(`gateway did not become healthy:\n${out}`);
    }
    await Bun.sleep(50);
  }
  return {
    url,
    port,
    proc,
    output: () => out,
    async stop(signal = "SIGTERM") {
      if (proc.exitCode === null) proc.kill(signal);
      return proc.exited;
    },
  };
}

/** Run `bifrost server` expecting it to exit (e.g. on a bad config); returns exit code and output. */
export async function runGatewayToExit(args: string[], env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  const proc = Bun.spawn(["bun", CLI, "server", ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => proc.kill(), 15_000);
  const [o, e] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  const code = await proc.exited;
  clearTimeout(timer);
  return { code, output: o + e };
}
