/**
 * Where the CPU went, from a V8/JSC `.cpuprofile` (what `bun --cpu-prof` writes): self time per
 * function (name + file + line) and per file, from the profile's nodes, samples and timeDeltas.
 *
 *   bun bench/cpuprofile.ts FILE.cpuprofile [--top N] [--last-seconds S] [--interval-us N (what --cpu-prof-interval was; default 1000)]
 *
 * bench/load.ts --profile calls summarise() on the gateway's profile, keeping only the load window.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber?: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  self_ms: number;
  /** Share of the busy (non-idle) time in the window. */
  pct: number;
}

export interface ProfileSummary {
  /** Wall time covered. */
  window_ms: number;
  /** Sampled time with the thread busy (samples × interval). */
  busy_ms: number;
  idle_ms: number;
  samples: number;
  functions: SelfTime[];
  files: SelfTime[];
}

/** Nodes that are not code: time the thread slept is idle, not cost. */
const IDLE = new Set(["(idle)", "(root)"]);
const NO_JS = "(native: no JS on the stack)";

/**
 * Self time per function and per file. JSC's sampler (Bun) skips ticks it cannot sample, and a
 * sample's timeDelta then spans those skipped ticks (idle time, native I/O): summing timeDeltas
 * would charge an idle second to whatever ran just before it. So each sample counts one sampling
 * interval; timeDeltas only place the samples in time. `windowUs` keeps the last that many µs.
 */
export function summarise(p: CpuProfile, opts: { top?: number; windowUs?: number; intervalUs?: number; root?: string } = {}): ProfileSummary {
  const top = opts.top ?? 25;
  const interval = opts.intervalUs ?? 1000;
  const byId = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  /** The nearest frame with a source file at or above a node: native code is charged to its JS caller. */
  const jsCaller = (id: number): CallFrame | undefined => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) if (byId.get(at)!.url) return byId.get(at);
  };
  const where = (f: CallFrame) => `${f.functionName || "(anonymous)"} ${fileOf(f.url, opts.root)}:${f.lineNumber + 1}`;
  const fnCount = new Map<string, number>();
  const fileCount = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  // Absolute timestamps: startTime + running sum of timeDeltas.
  const from = opts.windowUs !== undefined ? p.endTime - opts.windowUs : -Infinity;
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i] ?? 0;
    const frame = byId.get(p.samples[i]!);
    if (t < from || !frame) continue;
    if (IDLE.has(frame.functionName)) {
      idle++;
      continue;
    }
    busy++;
    const caller = jsCaller(p.samples[i]!);
    let fn: string;
    if (frame.url) fn = where(frame);
    else if (!caller) fn = frame.functionName ? `${frame.functionName} (native)` : NO_JS;
    else fn = `${frame.functionName || "(anonymous)"} (native) ← ${where(caller)}`;
    fnCount.set(fn, (fnCount.get(fn) ?? 0) + 1);
    const file = caller ? fileOf(caller.url, opts.root) : fn;
    fileCount.set(file, (fileCount.get(file) ?? 0) + 1);
  }
  const ms = (samples: number) => Math.round((samples * interval) / 100) / 10;
  const rank = (m: Map<string, number>): SelfTime[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, n]) => ({ name, self_ms: ms(n), pct: Math.round((n / busy) * 1000) / 10 }));
  const windowUs = opts.windowUs ?? p.endTime - p.startTime;
  return { window_ms: Math.round(windowUs / 1000), busy_ms: ms(busy), idle_ms: ms(idle), samples: busy + idle, functions: rank(fnCount), files: rank(fileCount) };
}

/** A file path relative to the project (node_modules shortened to the package's own path). */
function fileOf(url: string, root = process.cwd()): string {
  if (!url) return "";
  const path = url.startsWith("file://") ? new URL(url).pathname : url;
  if (!path.startsWith("/")) return path;
  const nm = path.lastIndexOf("/node_modules/");
  return nm >= 0 ? path.slice(nm + "/node_modules/".length) : relative(root, path);
}

export function formatSummary(s: ProfileSummary): string {
  const table = (title: string, rows: SelfTime[]) =>
    [`${title}`, ...rows.map((r) => `  ${r.pct.toFixed(1).padStart(5)}%  ${r.self_ms.toFixed(1).padStart(8)} ms  ${r.name}`)].join("\n");
  return [
    `window ${s.window_ms} ms wall; ${s.samples} samples = ${s.busy_ms} ms sampled busy (+${s.idle_ms} ms idle); % of sampled busy time`,
    table(`top ${s.functions.length} functions by self time:`, s.functions),
    table(`top ${s.files.length} files by self time (native calls charged to the file that made them):`, s.files),
  ].join("\n\n");
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const flag = (name: string) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : undefined);
  const file = args.find((a) => a.endsWith(".cpuprofile"));
  if (!file) {
    console.error("usage: bun bench/cpuprofile.ts FILE.cpuprofile [--top N] [--last-seconds S] [--interval-us N]");
    process.exit(2);
  }
  const last = flag("--last-seconds");
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  console.log(formatSummary(summarise(profile, { top: flag("--top"), windowUs: last !== undefined ? last * 1e6 : undefined, intervalUs: flag("--interval-us") })));
}
