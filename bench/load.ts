/**
 * The load benchmark (DESIGN.md "Measuring"): one mock upstream, the raw Bun passthrough as the floor,
 * direct-to-mock as zero, and the gateway in several modes, all in one run on this machine.
 *
 *   bun run bench:load [--quick] [--soak-minutes N] [--streams N]
 *
 * Prints a table and writes bench/results/load-<time>.json. Report ratios against the floor.
 * --only-streams measures just the many-streams hold (every frame of every stream must arrive).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import type { LoadOptions, LoadResult } from "./loadgen";

const ROOT = join(import.meta.dir, "..");
const args = process.argv.slice(2);
const QUICK = args.includes("--quick");
const ONLY_STREAMS = args.includes("--only-streams");
const SOAK_MIN = Number(args[args.indexOf("--soak-minutes") + 1] ?? 0) || 0;
const STREAMS = Number(args[args.indexOf("--streams") + 1] ?? 0) || (QUICK ? 1000 : 5000);
const STEP_MS = QUICK ? 1500 : 3000;
const SWEEP = QUICK ? [1, 8, 32, 128] : [1, 4, 8, 16, 32, 64, 128, 256];
const ENV = { ...process.env, BUN_CONFIG_MAX_HTTP_REQUESTS: "65336" };
const procs: Subprocess[] = [];

async function spawnAndWait(cmd: string[], ready: RegExp, env: Record<string, string | undefined> = ENV): Promise<Subprocess> {
  const p = Bun.spawn(cmd, { cwd: ROOT, env, stdout: "pipe", stderr: "pipe" });
  procs.push(p);
  let out = "";
  const dec = new TextDecoder();
  const watch = async (s: ReadableStream<Uint8Array>) => {
    for await (const c of s) out += dec.decode(c);
  };
  void watch(p.stdout as ReadableStream<Uint8Array>);
  void watch(p.stderr as ReadableStream<Uint8Array>);
  const deadline = Date.now() + 20_000;
  while (!ready.test(out)) {
    if (p.exitCode !== null || Date.now() > deadline) throw new Error(`${cmd.join(" ")} did not start:\n${out}`);
    await Bun.sleep(25);
  }
  return p;
}

async function freePort(): Promise<number> {
  const s = Bun.serve({ port: 0, fetch: () => new Response() });
  const port = s.port!;
  s.stop(true);
  return port;
}

function load(o: LoadOptions): LoadResult {
  const r = Bun.spawnSync(["bun", join(import.meta.dir, "loadgen.ts"), JSON.stringify(o)], { env: ENV, stdout: "pipe", stderr: "pipe" });
  const line = r.stdout.toString().trim().split("\n").at(-1)!;
  if (!line?.startsWith("{")) throw new Error(`loadgen failed: ${r.stderr.toString()}`);
  return JSON.parse(line);
}

/** Resident memory of a process and its children (cluster and supervisor included), in MB. */
function rssMb(pid: number): number {
  let kb = 0;
  const walk = (p: number) => {
    try {
      const status = readFileSync(`/proc/${p}/status`, "utf8");
      kb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const kids = readFileSync(`/proc/${p}/task/${p}/children`, "utf8").trim();
      for (const k of kids ? kids.split(/\s+/) : []) walk(Number(k));
    } catch {}
  };
  walk(pid);
  return Math.round(kb / 102.4) / 10;
}

const chatBody = (model: string, stream = false) => JSON.stringify({ model, messages: [{ role: "user", content: "hello benchmark" }], ...(stream ? { stream: true } : {}) });

interface Target {
  name: string;
  url: string;
  model: string;
  pid?: number;
}

async function main() {
  mkdirSync(join(ROOT, "bench/results"), { recursive: true });
  const mockPort = await freePort();
  await spawnAndWait(["bun", "tests/support/mock-upstream.ts", "--port", String(mockPort), "--no-record"], /listening/);
  const mockUrl = `http://127.0.0.1:${mockPort}`;
  const pacedPort = await freePort();
  await spawnAndWait(["bun", "tests/support/mock-upstream.ts", "--port", String(pacedPort), "--no-record", "--chunk-delay-ms", "200"], /listening/);

  const passPort = await freePort();
  const pass = await spawnAndWait(["bun", "bench/passthrough.ts", String(passPort), mockUrl], /listening/);
  const configPath = join(ROOT, "bench/results/bench-config.json");
  writeFileSync(
    configPath,
    JSON.stringify({
      providers: {
        openai: { keys: [{ value: "sk-bench" }], network_config: { base_url: mockUrl, stream_idle_timeout_in_seconds: 30 } },
        paced: { keys: [{ value: "sk-bench" }], custom_provider_config: { base_provider_type: "openai" }, network_config: { base_url: `http://127.0.0.1:${pacedPort}` }, concurrency_and_buffer_size: { concurrency: 20000, buffer_size: 20000 } },
      },
    }),
  );
  const modes: Array<[string, string[]]> = [
    ["gateway (2 workers)", ["--workers", "2"]],
    ["gateway (in-process)", ["--workers", "0"]],
    ["gateway (cluster 2, in-process)", ["--workers", "0", "--cluster", "2"]],
  ];
  const targets: Target[] = [
    { name: "direct (zero)", url: `${mockUrl}/v1/chat/completions`, model: "gpt-4o-mini" },
    { name: "passthrough (floor)", url: `http://127.0.0.1:${passPort}/v1/chat/completions`, model: "gpt-4o-mini", pid: pass.pid },
  ];
  const idle: Record<string, number> = {};
  for (const [name, flags] of modes) {
    const port = await freePort();
    const ready = flags.includes("--cluster") ? /listening[\s\S]*listening/ : /listening/;
    const p = await spawnAndWait(["bun", "src/cli.ts", "server", "--config", configPath, "--port", String(port), ...flags], ready);
    await Bun.sleep(300);
    targets.push({ name, url: `http://127.0.0.1:${port}/v1/chat/completions`, model: "openai/gpt-4o-mini", pid: p.pid });
    idle[name] = rssMb(p.pid);
  }

  const results: Record<string, any> = { machine: { cores: navigator.hardwareConcurrency, bun: Bun.version }, targets: {} };
  for (const t of ONLY_STREAMS ? [] : targets) {
    const latency = load({ url: t.url, body: chatBody(t.model), concurrency: 1, durationMs: STEP_MS });
    const sweep: LoadResult[] = [];
    let peakRss = 0;
    for (const c of SWEEP) {
      sweep.push(load({ url: t.url, body: chatBody(t.model), concurrency: c, durationMs: STEP_MS }));
      if (t.pid) peakRss = Math.max(peakRss, rssMb(t.pid));
    }
    const frontier = (ms: number) => Math.max(0, ...sweep.filter((r) => r.errors === 0 && r.p99_us < ms * 1000).map((r) => r.rps));
    const ttft = load({ url: t.url, body: chatBody(t.model, true), concurrency: 1, durationMs: STEP_MS, stream: true });
    results.targets[t.name] = {
      c1: latency,
      sweep,
      frontier_rps: { p99_5ms: frontier(5), p99_10ms: frontier(10), p99_50ms: frontier(50) },
      stream_c1: ttft,
      rss_mb: t.pid ? { idle: idle[t.name] ?? null, loaded: peakRss, after: rssMb(t.pid) } : null,
    };
    console.error(`measured ${t.name}`);
  }

  // Many slow streams held at once through the gateway: every frame must arrive.
  const gw = targets.find((t) => t.name === "gateway (in-process)")!; // the default mode
  // The paced mock sends 9 frames per stream (role, 5 words, finish, usage, [DONE]); every one must arrive.
  const held = load({ url: gw.url, body: chatBody("paced/gpt-4o-mini", true), concurrency: STREAMS, durationMs: 2500, warmupMs: 0, stream: true, expectFrames: 9 });
  results.streams_held = { concurrent: STREAMS, ...held, rss_mb: rssMb(gw.pid!) };

  if (SOAK_MIN > 0) {
    const samples: Array<{ minute: number; rss_mb: number }> = [];
    const t0 = Date.now();
    for (let m = 1; m <= SOAK_MIN; m++) {
      load({ url: gw.url, body: chatBody(gw.model), concurrency: 32, durationMs: 60_000, warmupMs: 0 });
      samples.push({ minute: m, rss_mb: rssMb(gw.pid!) });
      console.error(`soak minute ${m}: ${samples.at(-1)!.rss_mb} MB`);
    }
    const growth = samples.length > 2 ? (samples.at(-1)!.rss_mb - samples[1]!.rss_mb) / (samples.length - 2) : 0;
    results.soak = { minutes: SOAK_MIN, samples, growth_mb_per_min_after_warmup: Math.round(growth * 100) / 100, elapsed_s: Math.round((Date.now() - t0) / 1000) };
  }

  const file = join(ROOT, `bench/results/load-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2));
  printTable(results);
  console.log(`\nwritten ${file}`);
}

function printTable(r: any) {
  if (!Object.keys(r.targets).length) return printStreams(r);
  const floor = r.targets["passthrough (floor)"];
  const zero = r.targets["direct (zero)"];
  const rows = Object.entries<any>(r.targets).map(([name, t]) => {
    const sameC = t.sweep.at(-1);
    return {
      target: name,
      "c1 p50 µs": t.c1.p50_us,
      "c1 p99 µs": t.c1.p99_us,
      "added p50 vs floor µs": t.c1.p50_us - floor.c1.p50_us,
      [`rps @c${sameC.concurrency}`]: sameC.rps,
      "× floor": Math.round((sameC.rps / floor.sweep.at(-1).rps) * 100) / 100,
      "best rps p99<5ms": t.frontier_rps.p99_5ms,
      "p99<10ms": t.frontier_rps.p99_10ms,
      "p99<50ms": t.frontier_rps.p99_50ms,
      "ttft p50 µs (added)": `${t.stream_c1.ttft_p50_us} (${t.stream_c1.ttft_p50_us - zero.stream_c1.ttft_p50_us})`,
      errors: t.sweep.reduce((a: number, s: any) => a + s.errors, 0),
      "rss MB idle/loaded/after": t.rss_mb ? `${t.rss_mb.idle ?? "-"}/${t.rss_mb.loaded}/${t.rss_mb.after}` : "-",
    };
  });
  console.table(rows);
  printStreams(r);
}

function printStreams(r: any) {
  const h = r.streams_held;
  console.log(`streams held through the gateway: ${h.concurrent} concurrent, ${h.requests} completed, ${h.errors} errors${h.first_error ? ` (${h.first_error})` : ""}, rss ${h.rss_mb} MB`);
  if (r.soak) console.log(`soak: ${r.soak.minutes} min, RSS growth after warm-up ${r.soak.growth_mb_per_min_after_warmup} MB/min`);
}

try {
  await main();
} finally {
  for (const p of procs) p.kill("SIGTERM");
}
process.exit(0);
