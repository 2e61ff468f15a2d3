/**
 * Driving `wrk` (Debian package, C, epoll) for the load benchmark: a Lua script per request shape
 * (POST, headers, a body read from a file), `--latency` for the distribution, and a parser for its
 * text report. One wrk thread: on 2 cores a second one only competes with what it measures.
 */
import { writeFileSync } from "node:fs";

/** One load step, whichever generator ran it. Latencies in µs. */
export interface Step {
  concurrency: number;
  durationMs: number;
  requests: number;
  rps: number;
  p50_us: number;
  p90_us: number;
  p99_us: number;
  /** Non-2xx answers and socket errors (wrk: connect/read/write/timeout; the Bun generator: "socket"). */
  errors: { non2xx: number; socket: number; total: number };
  /** CPU used during the step, in % of one core: the load generator, the target (process tree), the mock. */
  cpu?: { generator: number; target: number; mock: number };
  first_error?: string;
}

/** A request shape for wrk: POST `url` with these headers and the body in `bodyFile`. */
export interface RequestShape {
  url: string;
  headers: Record<string, string>;
  bodyFile: string;
}

export const wrkPath = (): string | null => Bun.which("wrk");

export function wrkVersion(path: string): string {
  const out = Bun.spawnSync([path, "--version"], { stdout: "pipe", stderr: "pipe" });
  return /wrk (\S+)/.exec(out.stdout.toString() + out.stderr.toString())?.[1] ?? "unknown";
}

const luaString = (s: string) => JSON.stringify(s); // a JSON string literal is a valid Lua string literal for ASCII

/** Writes the Lua script for a request shape to `path`. */
export function writeLuaScript(shape: RequestShape, path: string): string {
  const lines = [
    `wrk.method = "POST"`,
    ...Object.entries(shape.headers).map(([k, v]) => `wrk.headers[${luaString(k)}] = ${luaString(v)}`),
    `local f = assert(io.open(${luaString(shape.bodyFile)}, "rb"))`,
    `wrk.body = f:read("*a")`,
    `f:close()`,
  ];
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

const UNIT_US: Record<string, number> = { us: 1, ms: 1e3, s: 1e6, m: 60e6, h: 3600e6 };

/** "830.00us", "1.04ms", "2.10s" → µs. */
function toUs(v: string): number {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(v.trim());
  if (!m) throw new Error(`wrk: cannot read the time "${v}"`);
  return Math.round(Number(m[1]) * UNIT_US[m[2]!]!);
}

/** Parses wrk's text report (run with --latency). */
export function parseWrk(out: string, concurrency: number, durationMs: number): Step {
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? NaN);
  const pct = (p: number) => {
    const m = new RegExp(`^\\s+${p}%\\s+(\\S+)`, "m").exec(out);
    return m ? toUs(m[1]!) : NaN;
  };
  const requests = num(/(\d+) requests in /);
  const rps = num(/Requests\/sec:\s+([\d.]+)/);
  if (!Number.isFinite(requests) || !Number.isFinite(rps)) throw new Error(`wrk: unexpected output:\n${out}`);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socket = sock ? sock.slice(1).reduce((a, n) => a + Number(n), 0) : 0;
  const non2xx = num(/Non-2xx or 3xx responses: (\d+)/) || 0;
  return {
    concurrency,
    durationMs,
    requests,
    rps: Math.round(rps),
    p50_us: pct(50),
    p90_us: pct(90),
    p99_us: pct(99),
    errors: { non2xx, socket, total: non2xx + socket },
    ...(sock ? { first_error: `socket errors: ${sock[0]}` } : non2xx ? { first_error: `${non2xx} non-2xx answers` } : {}),
  };
}

/** The wrk command line for one step. */
export function wrkArgs(path: string, script: string, url: string, concurrency: number, seconds: number): string[] {
  return [path, "-t1", `-c${concurrency}`, `-d${seconds}s`, "--timeout", "5s", "--latency", "-s", script, url];
}
