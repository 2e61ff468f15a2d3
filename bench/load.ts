/**
 * The load benchmark (DESIGN.md "Measuring"): one mock upstream on loopback; direct-to-mock is zero,
 * a raw Bun passthrough proxy is the floor; the gateway (default, --workers 2, --cluster 1/2) and
 * Portkey's gateway on Bun are measured against both, in one run, steps interleaved across targets so
 * a shared machine's noise falls on all of them alike. Request/answer steps are driven by wrk when it
 * is installed (the Bun generator saturates first on 2 cores), streams by bench/loadgen.ts.
 *
 *   bun run bench:load [--quick] [--reference] [--streams N] [--only-streams] [--soak-minutes N]
 *                      [--plugins a,b] [--no-portkey] [--portkey-node-server] [--bun-loadgen]
 *   bun run bench:load --profile [--seconds N] [--body chat|agent]
 *   bun run bench:load --report bench/results/load-….json
 *
 * Prints markdown tables (ratios to the floor and to Portkey, goal verdicts) and writes
 * bench/results/load-<time>.json; --reference also writes bench/reference/load-<date>.{json,md}.
 * --profile runs the default gateway under `bun --cpu-prof` at c=32 and prints where its CPU went.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Subprocess } from "bun";
import { agentBody, chatBody, type Scenario } from "./bodies";
import { formatSummary, summarise, type CpuProfile } from "./cpuprofile";
import { evaluateGoals, frontier, renderReport, type Results, type TargetResult } from "./load-report";
import type { LoadOptions, LoadResult } from "./loadgen";
import { parseWrk, wrkArgs, wrkPath, wrkVersion, writeLuaScript, type Step } from "./wrk";

const ROOT = join(import.meta.dir, "..");
const { values: flags } = parseArgs({
  args: process.argv.slice(2),
  options: {
    quick: { type: "boolean" },
    reference: { type: "boolean" },
    streams: { type: "string" },
    "only-streams": { type: "boolean" },
    "soak-minutes": { type: "string" },
    plugins: { type: "string" },
    "no-portkey": { type: "boolean" },
    "portkey-node-server": { type: "boolean" },
    "bun-loadgen": { type: "boolean" },
    profile: { type: "boolean" },
    seconds: { type: "string" },
    body: { type: "string" },
    report: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
  strict: true,
});
const QUICK = !!flags.quick;
const STEP_S = QUICK ? 2 : 5;
const WARM_S = QUICK ? 1 : 2;
/** Concurrencies swept besides 1 and 32 (measured on their own, 32 several times). */
const SWEEP = QUICK ? [8, 128] : [4, 8, 16, 64, 128, 256];
const C32_REPS = QUICK ? 2 : 3;
const STREAMS = Number(flags.streams ?? 5000);
/** The paced mock waits this long between stream frames, and answers this many words (a ~4.5 s stream). */
const PACE_MS = 200;
const PACED_WORDS = 20;
/** The held streams start over this long (all of them then overlap for ~3.5 s). */
const RAMP_MS = 1000;
const PATH = "/v1/chat/completions";
const ENV = { ...process.env, BUN_CONFIG_MAX_HTTP_REQUESTS: "65336" };
const WRK = flags["bun-loadgen"] ? null : wrkPath();
const WORK = mkdtempSync(join(tmpdir(), "bifrost-bench-"));
const procs: Subprocess[] = [];

// ---------------------------------------------------------------- processes

interface Started {
  proc: Subprocess;
  /** What it printed so far (the first 64 KiB). */
  output(): string;
}

async function start(cmd: string[], ready: RegExp, opts: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<Started> {
  const proc = Bun.spawn(cmd, { cwd: opts.cwd ?? ROOT, env: opts.env ?? ENV, stdout: "pipe", stderr: "pipe" });
  procs.push(proc);
  let out = "";
  const dec = new TextDecoder();
  const drain = async (s: ReadableStream<Uint8Array>) => {
    for await (const c of s) if (out.length < 65536) out += dec.decode(c);
  };
  void drain(proc.stdout as ReadableStream<Uint8Array>);
  void drain(proc.stderr as ReadableStream<Uint8Array>);
  const deadline = Date.now() + 30_000;
  while (!ready.test(out)) {
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`${cmd.join(" ")} did not start:\n${out}`);
    await Bun.sleep(25);
  }
  return { proc, output: () => out };
}

async function freePort(): Promise<number> {
  const s = Bun.serve({ port: 0, fetch: () => new Response() });
  const port = s.port!;
  s.stop(true);
  return port;
}

/** Visits a process and its descendants (cluster children under the supervisor). */
function eachInTree(pid: number, visit: (pid: number) => void) {
  try {
    visit(pid);
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
    for (const k of kids ? kids.split(/\s+/) : []) eachInTree(Number(k), visit);
  } catch {}
}

/** Resident memory of a process tree, in MB. */
function rssMb(pid: number): number {
  let kb = 0;
  eachInTree(pid, (p) => (kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1] ?? 0)));
  return Math.round(kb / 102.4) / 10;
}

/** utime + stime of a /proc stat file (fields 14 and 15), in ms (clock ticks are 10 ms). */
function statCpuMs(statPath: string): number {
  const stat = readFileSync(statPath, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU time (user + system, all threads) of a process tree so far, in ms. */
function cpuMs(pid: number): number {
  let ms = 0;
  eachInTree(pid, (p) => (ms += statCpuMs(`/proc/${p}/stat`)));
  return ms;
}

/** CPU time per thread kind of one process ("Bun Pool 3" counts as "Bun Pool"), in ms. */
function threadCpuMs(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").trim().replace(/\s*\d+$/, "");
      const kind = tid === String(pid) ? `${name} (main: JS + HTTP server)` : name;
      out.set(kind, (out.get(kind) ?? 0) + statCpuMs(`/proc/${pid}/task/${tid}/stat`));
    } catch {} // a thread that ended meanwhile
  }
  return out;
}

const pctOfCore = (ms: number, wallMs: number) => Math.round((ms / wallMs) * 100);

/** The highest RSS seen per process tree (by pid) while load ran. */
const peakRss = new Map<number, number>();

/** Awaits `run`, sampling the process tree's RSS every 200 ms meanwhile; returns the peak of this run too. */
async function sampling<T>(pid: number, run: Promise<T>): Promise<[T, number]> {
  let done = false;
  let peak = 0;
  const finished = run.finally(() => (done = true));
  while (!done) {
    peak = Math.max(peak, rssMb(pid));
    await Promise.race([finished, Bun.sleep(200)]);
  }
  peakRss.set(pid, Math.max(peakRss.get(pid) ?? 0, peak));
  return [await finished, peak];
}

// ---------------------------------------------------------------- targets and load

interface Endpoint {
  origin: string;
  model: string;
  headers: Record<string, string>;
  /** The process tree serving it, sampled for CPU and RSS (the mock itself for zero). */
  pid: number;
}

interface Target extends Endpoint {
  key: string;
  label: string;
  /** Where paced streams go (a paced mock behind the same kind of hop). */
  paced?: Endpoint;
}

type BodyKind = Scenario | "stream";
const JSON_HEADERS = { "content-type": "application/json", authorization: "Bearer sk-bench" };
const written = new Set<string>();

/** The body file (and wrk script) for a target's request shape, written once. */
function bodyFile(t: Target, kind: BodyKind, paced = false): { body: string; lua: string } {
  const name = `${t.key}-${kind}${paced ? "-paced" : ""}`;
  const body = join(WORK, `${name}.json`);
  const lua = join(WORK, `${name}.lua`);
  if (!written.has(name)) {
    const ep = paced ? t.paced! : t;
    writeFileSync(body, kind === "agent" ? agentBody(ep.model) : chatBody(ep.model, kind === "stream"));
    writeLuaScript({ url: ep.origin + PATH, headers: ep.headers, bodyFile: body }, lua);
    written.add(name);
  }
  return { body, lua };
}

interface Measured<T> {
  result: T;
  /** CPU of the generator, in ms. */
  generatorMs: number;
}

async function runLoadgen(o: LoadOptions): Promise<Measured<LoadResult>> {
  const p = Bun.spawn(["bun", join(import.meta.dir, "loadgen.ts"), JSON.stringify(o)], { env: ENV, stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  await p.exited;
  const line = out.trim().split("\n").at(-1);
  if (!line?.startsWith("{")) throw new Error(`loadgen failed: ${err}`);
  return { result: JSON.parse(line), generatorMs: Number(p.resourceUsage()?.cpuTime.total ?? 0) / 1000 };
}

async function runWrk(script: string, url: string, concurrency: number, seconds: number): Promise<Measured<Step>> {
  const p = Bun.spawn(wrkArgs(WRK!, script, url, concurrency, seconds), { stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  if ((await p.exited) !== 0) throw new Error(`wrk failed (${p.exitCode}): ${err}${out}`);
  return { result: parseWrk(out, concurrency, seconds * 1000), generatorMs: Number(p.resourceUsage()?.cpuTime.total ?? 0) / 1000 };
}

/** The mock upstreams' processes: the plain one and the paced one (streams held). */
const mockPids = { plain: 0, paced: 0 };

/** Runs a generator against an endpoint; notes the CPU each side used meanwhile and the endpoint's peak RSS. */
async function observe<T extends Step>(ep: Endpoint, mockPid: number, run: () => Promise<Measured<T>>): Promise<[T, number]> {
  const target0 = cpuMs(ep.pid);
  const mock0 = cpuMs(mockPid);
  const t0 = performance.now();
  const [{ result, generatorMs }, peak] = await sampling(ep.pid, run());
  const wall = performance.now() - t0;
  result.cpu = { generator: pctOfCore(generatorMs, wall), target: pctOfCore(cpuMs(ep.pid) - target0, wall), mock: pctOfCore(cpuMs(mockPid) - mock0, wall) };
  return [result, peak];
}

/** One request/answer step at a concurrency. */
async function measure(t: Target, scenario: Scenario, concurrency: number, seconds = STEP_S): Promise<Step> {
  const { body, lua } = bodyFile(t, scenario);
  const url = t.origin + PATH;
  const run = () => (WRK ? runWrk(lua, url, concurrency, seconds) : runLoadgen({ url, headers: t.headers, bodyFile: body, concurrency, durationMs: seconds * 1000, warmupMs: 0 }));
  return (await observe(t, mockPids.plain, run))[0];
}

/** Streams through a target: c=1 for time to first token, or many paced streams held at once; and the peak RSS meanwhile. */
async function streams(t: Target, o: { concurrency: number; paced: boolean; expectFrames?: number }): Promise<[LoadResult, number]> {
  const ep = o.paced ? t.paced! : t;
  const { body } = bodyFile(t, "stream", o.paced);
  const opts: LoadOptions = { url: ep.origin + PATH, headers: ep.headers, bodyFile: body, concurrency: o.concurrency, durationMs: STEP_S * 1000, stream: true };
  const held = o.paced ? { once: true, rampMs: RAMP_MS, paceMs: PACE_MS, expectFrames: o.expectFrames } : {};
  return observe(ep, o.paced ? mockPids.paced : mockPids.plain, () => runLoadgen({ ...opts, ...held }));
}

/** How many SSE frames a paced stream through this target delivers (targets differ: usage frames). */
async function framesOf(t: Target): Promise<number> {
  const res = await fetch(t.paced!.origin + PATH, { method: "POST", headers: t.paced!.headers, body: readFileSync(bodyFile(t, "stream", true).body) });
  return (await res.text()).split("\n\n").length - 1;
}

/** Best of n interleaved repetitions: on a shared machine, interference only takes throughput away. */
const best = (steps: Step[]) => steps.reduce((a, b) => (b.rps > a.rps ? b : a));

// ---------------------------------------------------------------- setup

async function startMocks() {
  const mockPort = await freePort();
  const mock = await start(["bun", "tests/support/mock-upstream.ts", "--port", String(mockPort), "--no-record"], /listening/);
  const pacedPort = await freePort();
  const paced = await start(["bun", "tests/support/mock-upstream.ts", "--port", String(pacedPort), "--no-record", "--chunk-delay-ms", String(PACE_MS), "--words", String(PACED_WORDS)], /listening/);
  Object.assign(mockPids, { plain: mock.proc.pid, paced: paced.proc.pid });
  return { mockUrl: `http://127.0.0.1:${mockPort}`, pacedUrl: `http://127.0.0.1:${pacedPort}` };
}

/**
 * The gateway's config.json. `observability`: "default" as a user gets it (telemetry on), "off"
 * (telemetry disabled), "logged" (telemetry plus request logs in SQLite, logs_store as Go Bifrost has it).
 */
function writeGatewayConfig(mockUrl: string, pacedUrl: string, plugins: string[], observability: "default" | "off" | "logged" | "gov-memory" | "gov-redis" = "default"): string {
  const dir = join(WORK, `gateway-${observability}`);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "config.json");
  const entries = plugins.map((name) => ({ name, enabled: true, config: {} }));
  if (observability === "off") entries.push({ name: "telemetry", enabled: false, config: {} });
  const config = {
    providers: {
      openai: { keys: [{ value: "sk-bench" }], network_config: { base_url: mockUrl, stream_idle_timeout_in_seconds: 30 } },
      paced: { keys: [{ value: "sk-bench" }], custom_provider_config: { base_provider_type: "openai" }, network_config: { base_url: pacedUrl }, concurrency_and_buffer_size: { concurrency: 20000, buffer_size: 20000 } },
    },
    ...(entries.length ? { plugins: entries } : {}),
    ...(observability === "logged" ? { logs_store: { enabled: true, type: "sqlite", config: { path: "logs.db" } } } : {}),
    ...(observability.startsWith("gov-") ? { governance: benchGovernance(observability === "gov-redis") } : {}),
  };
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

const BENCH_VK = "sk-bf-bench-000000000000000000000000000000";

/** One virtual key with a budget and a rate limit too large to bind: what the bench measures is the checking. */
function benchGovernance(redis: boolean) {
  return {
    virtual_keys: [
      {
        id: "vk-bench",
        name: "bench",
        value: BENCH_VK,
        provider_configs: [{ provider: "openai", allowed_models: ["*"] }, { provider: "paced", allowed_models: ["*"] }],
        budgets: [{ id: "bench-budget", max_limit: 1e9, reset_duration: "1d" }],
        rate_limit: { id: "bench-rl", request_max_limit: 1e12, request_reset_duration: "1m", token_max_limit: 1e15, token_reset_duration: "1m" },
      },
    ],
    ...(redis ? { store: { type: "redis", url: "redis://127.0.0.1:6379", key_prefix: `bifrost:bench:${process.pid}:` } } : {}),
  };
}

/** `bifrost server` as a user starts it (plugins from the config, the shipped plugins/ folder). */
async function startGateway(config: string, gatewayFlags: string[], bunFlags: string[] = []) {
  const port = await freePort();
  const at = gatewayFlags.indexOf("--cluster");
  const processes = at >= 0 ? Number(gatewayFlags[at + 1]) : 1;
  const ready = new RegExp(Array(processes).fill("bifrost listening").join("[\\s\\S]*"));
  const s = await start(["bun", ...bunFlags, "src/cli.ts", "server", "--config", config, "--port", String(port), ...gatewayFlags], ready);
  const origin = `http://127.0.0.1:${port}`;
  const transport = /transport=(\S+)/.exec(s.output())?.[1] ?? "unknown";
  return { ...s, origin, transport };
}

/** The plugins a running gateway loaded (GET /api/plugins). */
async function pluginsOf(origin: string): Promise<string[]> {
  const { plugins } = (await (await fetch(`${origin}/api/plugins`)).json()) as { plugins: Array<{ name: string }> };
  return plugins.map((p) => p.name);
}

const PORTKEY_DIR = join(import.meta.dir, "portkey");

/** Portkey's gateway from bench/portkey (installed there on first use), or why it can't run. */
async function startPortkey(mockUrl: string, pacedUrl: string, nodeServer: boolean): Promise<{ target: Target; version: string; serve: string } | { skipped: string }> {
  const pkg = join(PORTKEY_DIR, "node_modules/@portkey-ai/gateway/package.json");
  if (!existsSync(pkg)) {
    console.error("installing @portkey-ai/gateway into bench/portkey (once) …");
    const r = Bun.spawnSync(["bun", "install"], { cwd: PORTKEY_DIR, stdout: "pipe", stderr: "pipe", timeout: 180_000 });
    if (r.exitCode !== 0 || !existsSync(pkg)) return { skipped: `\`bun install\` in bench/portkey failed: ${r.stderr.toString().trim().split("\n").at(-1)}` };
  }
  const version = JSON.parse(readFileSync(pkg, "utf8")).version as string;
  const port = await freePort();
  const preload = nodeServer ? [] : ["--preload", join(PORTKEY_DIR, "bun-serve.ts")];
  try {
    const s = await start(["bun", ...preload, "node_modules/@portkey-ai/gateway/build/start-server.js", `--port=${port}`, "--headless"], /Ready for connections/, { cwd: PORTKEY_DIR });
    const via = (upstream: string) => ({ ...JSON_HEADERS, "x-portkey-provider": "openai", "x-portkey-custom-host": `${upstream}/v1` });
    const origin = `http://127.0.0.1:${port}`;
    const ep = (upstream: string): Endpoint => ({ origin, model: "gpt-4o-mini", headers: via(upstream), pid: s.proc.pid });
    const target: Target = { key: "portkey", label: `Portkey ${version} on Bun`, ...ep(mockUrl), paced: ep(pacedUrl) };
    return { target, version, serve: nodeServer ? "its start-server (node:http on Bun)" : "its Hono app on Bun.serve" };
  } catch (e) {
    return { skipped: `Portkey did not start: ${(e as Error).message.split("\n")[0]}` };
  }
}

// ---------------------------------------------------------------- the run

async function bench() {
  const loadBefore = loadavg();
  const { mockUrl, pacedUrl } = await startMocks();
  const passPort = await freePort();
  const pass = await start(["bun", "bench/passthrough.ts", String(passPort), mockUrl], /listening/);
  const pacedPassPort = await freePort();
  const pacedPass = await start(["bun", "bench/passthrough.ts", String(pacedPassPort), pacedUrl], /listening/);
  const plugins = flags.plugins ? flags.plugins.split(",").filter(Boolean) : [];
  const config = writeGatewayConfig(mockUrl, pacedUrl, plugins);

  const direct = (origin: string, pid: number, model = "gpt-4o-mini"): Endpoint => ({ origin, model, headers: JSON_HEADERS, pid });
  const targets: Target[] = [
    { key: "zero", label: "direct to mock (zero)", ...direct(mockUrl, mockPids.plain), paced: direct(pacedUrl, mockPids.paced) },
    { key: "floor", label: "raw Bun passthrough (floor)", ...direct(`http://127.0.0.1:${passPort}`, pass.proc.pid), paced: direct(`http://127.0.0.1:${pacedPassPort}`, pacedPass.proc.pid) },
  ];
  const gw = await startGateway(config, []);
  const gwTarget = (key: string, label: string, s: { origin: string; proc: Subprocess }): Target => ({
    key, label, ...direct(s.origin, s.proc.pid, "openai/gpt-4o-mini"), paced: direct(s.origin, s.proc.pid, "paced/gpt-4o-mini"),
  });
  targets.push(gwTarget("gateway", `gateway, default (${gw.transport})`, gw));
  const requestSteps = !flags["only-streams"];
  if (requestSteps) targets.push(gwTarget("workers2", "gateway, --workers 2", await startGateway(config, ["--workers", "2"])));
  const pluginsLoaded = await pluginsOf(gw.origin);

  const portkey = flags["no-portkey"] ? { skipped: "--no-portkey" } : await startPortkey(mockUrl, pacedUrl, !!flags["portkey-node-server"]);
  if ("target" in portkey) targets.push(portkey.target);
  else console.error(`Portkey skipped: ${portkey.skipped}`);
  const clusters: Target[] = [];
  // The cost of observability: the same gateway with telemetry off, and with telemetry plus request logs.
  const variants: Target[] = [];
  if (requestSteps) {
    for (const n of [1, 2]) clusters.push(gwTarget(`cluster${n}`, `gateway, --cluster ${n}`, await startGateway(config, ["--cluster", String(n)])));
    variants.push(gwTarget("obs_off", "gateway, telemetry off", await startGateway(writeGatewayConfig(mockUrl, pacedUrl, plugins, "off"), [])));
    variants.push(gwTarget("obs_logged", "gateway, telemetry + request logs (SQLite)", await startGateway(writeGatewayConfig(mockUrl, pacedUrl, plugins, "logged"), [])));
    // Governance: a virtual key on every request, its budget and rate limit checked and settled, counters in memory or Redis.
    const governed = (t: Target): Target => ({ ...t, headers: { ...JSON_HEADERS, "x-bf-vk": BENCH_VK } });
    variants.push(governed(gwTarget("gov_memory", "gateway, governance (memory counters)", await startGateway(writeGatewayConfig(mockUrl, pacedUrl, plugins, "gov-memory"), []))));
    variants.push(governed(gwTarget("gov_redis", "gateway, governance (Redis counters)", await startGateway(writeGatewayConfig(mockUrl, pacedUrl, plugins, "gov-redis"), []))));
    clusters.push(...variants);
  }
  await Bun.sleep(300);

  const res: Record<string, TargetResult> = {};
  const idle = new Map([...targets, ...clusters].map((t) => [t.key, rssMb(t.pid)]));
  for (const t of [...targets, ...clusters]) res[t.key] = { label: t.label };
  const each = async (list: Target[], what: string, fn: (t: Target, i: number) => Promise<void>) => {
    console.error(`[${Math.round(performance.now() / 1000)} s] ${what}`);
    for (const [i, t] of list.entries()) await fn(t, i);
  };

  if (requestSteps) {
    await each([...targets, ...clusters], "warm-up", async (t) => void (await measure(t, "chat", 32, WARM_S)));
    await each([...targets, ...variants], "c=1", async (t) => void (res[t.key]!.c1 = await measure(t, "chat", 1)));
    const reps: Record<string, Step[]> = {};
    for (let r = 0; r < C32_REPS; r++) await each([...targets, ...clusters], `c=32, round ${r + 1}/${C32_REPS}`, async (t) => void (reps[t.key] ??= []).push(await measure(t, "chat", 32)));
    for (const [k, steps] of Object.entries(reps)) Object.assign(res[k]!, { c32: best(steps), c32_reps: steps });
    const sweep: Record<string, Step[]> = {};
    for (const c of SWEEP) await each(targets, `sweep c=${c}`, async (t) => void (sweep[t.key] ??= []).push(await measure(t, "chat", c)));
    for (const t of targets) {
      const r = res[t.key]!;
      r.sweep = [r.c1!, r.c32!, ...sweep[t.key]!].sort((a, b) => a.concurrency - b.concurrency);
      r.frontier = frontier([r.c1!, ...r.c32_reps!, ...sweep[t.key]!]);
    }
    await each(targets, "agent body (~200 KiB) c=32", async (t) => void (res[t.key]!.agent_c32 = await measure(t, "agent", 32)));
    await each(targets, "streams c=1 (time to first token)", async (t) => void ([res[t.key]!.stream_c1] = await streams(t, { concurrency: 1, paced: false })));
  }

  // Many paced streams held at once: every frame must arrive, and a frame later than pace + 200 ms is a stall.
  const heldBy = targets.filter((t) => t.key !== "workers2");
  const frames = await Promise.all(heldBy.map(framesOf));
  await each(heldBy, `${STREAMS} paced streams held`, async (t, i) => {
    const [held, peak] = await streams(t, { concurrency: STREAMS, paced: true, expectFrames: frames[i] });
    res[t.key]!.streams_held = { ...held, frames_expected: frames[i]!, rss_mb: peak };
  });

  const soakMin = Number(flags["soak-minutes"] ?? 0);
  let soak: Results["soak"];
  if (soakMin > 0) soak = await soakRun(targets.find((t) => t.key === "gateway")!, soakMin);

  await Bun.sleep(1000);
  for (const t of [...targets, ...clusters]) res[t.key]!.rss_mb = { idle: idle.get(t.key)!, loaded: peakRss.get(t.pid) ?? 0, after: rssMb(t.pid) };
  const results: Results = {
    date: new Date().toISOString(),
    quick: QUICK,
    machine: { cores: navigator.hardwareConcurrency, bun: Bun.version, loadavg_before: loadBefore, loadavg_after: loadavg() },
    generator: WRK ? { kind: "wrk", version: wrkVersion(WRK), note: "wrk, 1 thread, for request/answer steps; bench/loadgen.ts (Bun) for streams" } : { kind: "bun", note: flags["bun-loadgen"] ? "bench/loadgen.ts (Bun), forced by --bun-loadgen" : "bench/loadgen.ts (Bun): wrk is not installed (apt-get install wrk); it saturates before the gateway on 2 cores" },
    step_seconds: STEP_S,
    c32_reps: C32_REPS,
    streams: { concurrent: STREAMS, pace_ms: PACE_MS, frames: frames[0]!, ramp_ms: RAMP_MS },
    portkey: "target" in portkey ? { version: portkey.version, serve: portkey.serve } : { skipped: portkey.skipped },
    gateway: { plugins: pluginsLoaded, transport: gw.transport },
    targets: res,
    ...(soak ? { soak } : {}),
  };
  results.goals = evaluateGoals(results);
  const report = renderReport(results);
  console.log(report);
  mkdirSync(join(ROOT, "bench/results"), { recursive: true });
  const file = join(ROOT, `bench/results/load-${results.date.replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2));
  console.log(`\nwritten ${file}`);
  if (flags.reference) {
    const name = `load-${results.date.slice(0, 10)}${QUICK ? "-quick" : ""}`;
    writeFileSync(join(ROOT, "bench/reference", `${name}.json`), JSON.stringify(results, null, 2));
    writeFileSync(join(ROOT, "bench/reference", `${name}.md`), report + "\n");
    console.log(`written bench/reference/${name}.json and .md (commit them)`);
  }
}

async function soakRun(gw: Target, minutes: number): Promise<NonNullable<Results["soak"]>> {
  const samples: Array<{ minute: number; rss_mb: number }> = [];
  for (let m = 1; m <= minutes; m++) {
    await measure(gw, "chat", 32, 60);
    samples.push({ minute: m, rss_mb: rssMb(gw.pid) });
    console.error(`soak minute ${m}: ${samples.at(-1)!.rss_mb} MB`);
  }
  const growth = samples.length > 2 ? (samples.at(-1)!.rss_mb - samples[1]!.rss_mb) / (samples.length - 2) : 0;
  return { minutes, samples, growth_mb_per_min_after_warmup: Math.round(growth * 100) / 100 };
}

const loadavg = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).map(Number);

// ---------------------------------------------------------------- --profile

const PROFILE_INTERVAL_US = 1000;

async function profile() {
  const seconds = Number(flags.seconds ?? 10);
  const scenario: Scenario = flags.body === "agent" ? "agent" : "chat";
  const { mockUrl, pacedUrl } = await startMocks();
  const config = writeGatewayConfig(mockUrl, pacedUrl, flags.plugins ? flags.plugins.split(",") : []);
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const dir = join(ROOT, "bench/results/profiles", stamp);
  mkdirSync(dir, { recursive: true });
  const gw = await startGateway(config, [], ["--cpu-prof", `--cpu-prof-dir=${dir}`, `--cpu-prof-interval=${PROFILE_INTERVAL_US}`]);
  const plugins = await pluginsOf(gw.origin);
  const label = `gateway, default (${gw.transport}), plugins: ${plugins.length ? plugins.join(", ") : "none"}`;
  const t: Target = { key: "gateway", label, origin: gw.origin, model: "openai/gpt-4o-mini", headers: JSON_HEADERS, pid: gw.proc.pid };
  console.error(`profiling ${t.label} at c=32 (${scenario} body) for ${seconds} s, generator ${WRK ? "wrk" : "Bun loadgen"} …`);
  await measure(t, scenario, 32, 2); // warm-up, outside the summarised window
  const threads0 = threadCpuMs(gw.proc.pid);
  const t0 = performance.now();
  const step = await measure(t, scenario, 32, seconds);
  const wall = performance.now() - t0;
  const threads = [...threadCpuMs(gw.proc.pid)].map(([name, ms]) => ({ name, ms: ms - (threads0.get(name) ?? 0) })).filter((x) => x.ms > 0).sort((a, b) => b.ms - a.ms);
  const cpu = threads.reduce((a, x) => a + x.ms, 0);
  gw.proc.kill("SIGINT");
  const windowUs = (performance.now() - t0) * 1000;
  await Promise.race([gw.proc.exited, Bun.sleep(15_000)]);
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) throw new Error(`no .cpuprofile in ${dir} (the gateway must exit on SIGINT for Bun to write it)`);
  const summary = summarise(JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile, { windowUs, intervalUs: PROFILE_INTERVAL_US, root: ROOT });
  const perReq = step.requests ? Math.round((cpu * 1000) / step.requests) : 0;
  console.log(
    [
      `${t.label}, c=32, ${scenario} body, ${seconds} s: ${step.rps.toLocaleString("en")} req/s, p50 ${step.p50_us} µs, p99 ${step.p99_us} µs, ${step.errors.total} errors`,
      `gateway process CPU ${pctOfCore(cpu, wall)}% of a core (all threads) = ${perReq} µs CPU per request; generator ${step.cpu!.generator}%, mock ${step.cpu!.mock}%`,
      `by thread: ${threads.map((x) => `${x.name} ${pctOfCore(x.ms, wall)}%`).join(", ")}`,
      `profile: ${join(dir, file)} (JS thread, sampled every ${PROFILE_INTERVAL_US} µs; load window only)`,
      "",
      formatSummary(summary),
    ].join("\n"),
  );
  writeFileSync(join(dir, "summary.json"), JSON.stringify({ step, cpu_ms: cpu, cpu_us_per_request: perReq, threads, summary }, null, 2));
}

// ---------------------------------------------------------------- main

const USAGE = `usage: bun run bench:load [--quick] [--reference] [--streams N] [--only-streams] [--soak-minutes N]
                          [--plugins a,b] [--no-portkey] [--portkey-node-server] [--bun-loadgen]
       bun run bench:load --profile [--seconds N] [--body chat|agent] [--plugins a,b]
       bun run bench:load --report FILE.json      (print the tables of an earlier run again)`;

try {
  if (flags.help) console.log(USAGE);
  else if (flags.report) console.log(renderReport(JSON.parse(readFileSync(flags.report, "utf8")) as Results));
  else {
    console.error(WRK ? `load generator: wrk ${wrkVersion(WRK)} (${WRK}); streams: bench/loadgen.ts` : `load generator: bench/loadgen.ts (Bun)${flags["bun-loadgen"] ? ", forced by --bun-loadgen" : ": wrk not found on PATH, ratios will be flattened (apt-get install wrk)"}`);
    await (flags.profile ? profile() : bench());
  }
} finally {
  for (const p of procs) p.kill("SIGTERM");
  await Promise.race([Promise.all(procs.map((p) => p.exited)), Bun.sleep(5000)]);
  rmSync(WORK, { recursive: true, force: true });
}
process.exit(0);
