/** Starts the real gateway as a subprocess (as a user would, via src/cli.ts) and stops it. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";

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
