/** The load benchmark's results, its goal verdicts and its markdown report (bench/load.ts). */
import type { LoadResult } from "./loadgen";
import type { Step } from "./wrk";

export interface TargetResult {
  label: string;
  c1?: Step;
  /** The best of the interleaved c=32 repetitions (`c32_reps`). */
  c32?: Step;
  c32_reps?: Step[];
  /** One step per concurrency (c=1, c=32 and the sweep). */
  sweep?: Step[];
  frontier?: Frontier;
  agent_c32?: Step;
  stream_c1?: LoadResult;
  streams_held?: LoadResult & { frames_expected: number; rss_mb: number };
  rss_mb?: { idle: number; loaded: number; after: number };
}

export interface Frontier {
  p99_5ms: number;
  p99_10ms: number;
  p99_50ms: number;
}

export interface Goal {
  goal: string;
  wanted: string;
  measured: string;
  verdict: "met" | "not met" | "n/a";
}

export interface Results {
  date: string;
  quick: boolean;
  machine: { cores: number; bun: string; loadavg_before: number[]; loadavg_after: number[] };
  generator: { kind: "wrk" | "bun"; version?: string; note: string };
  step_seconds: number;
  c32_reps: number;
  streams: { concurrent: number; pace_ms: number; frames: number; ramp_ms: number };
  portkey: { version: string; serve: string } | { skipped: string };
  gateway: { plugins: string[]; transport: string };
  /** zero, floor, gateway, workers2, portkey, cluster1, cluster2 (whichever ran). */
  targets: Record<string, TargetResult>;
  soak?: { minutes: number; samples: Array<{ minute: number; rss_mb: number }>; growth_mb_per_min_after_warmup: number };
  goals?: Goal[];
}

/** The most req/s a target served with p99 under 5 / 10 / 50 ms and no error, over all its steps. */
export function frontier(steps: Step[]): Frontier {
  const under = (ms: number) => Math.max(0, ...steps.filter((s) => s.errors.total === 0 && s.p99_us <= ms * 1000).map((s) => s.rps));
  return { p99_5ms: under(5), p99_10ms: under(10), p99_50ms: under(50) };
}

const STALL_RULE = "a frame later than the pace + 200 ms";

export function evaluateGoals(r: Results): Goal[] {
  const { gateway: gw, floor, portkey: pk } = r.targets;
  const goals: Goal[] = [];
  const verdict = (ok: boolean | undefined): Goal["verdict"] => (ok === undefined ? "n/a" : ok ? "met" : "not met");
  if (gw?.c32 && floor?.c32) {
    const x = gw.c32.rps / floor.c32.rps;
    goals.push({ goal: "req/s at c=32, gateway with default plugins vs floor", wanted: "≥ 0.85× (stretch 0.9×)", measured: times(x) + (x >= 0.9 ? " (stretch met)" : ""), verdict: verdict(x >= 0.85) });
  }
  if (gw?.c1 && floor?.c1) {
    const added = gw.c1.p50_us - floor.c1.p50_us;
    goals.push({ goal: "c=1 p50, added over the floor", wanted: "≤ +100 µs", measured: `${signed(added)} µs`, verdict: verdict(added <= 100) });
  }
  if (gw?.c32 && floor?.c32) {
    const x = gw.c32.p99_us / floor.c32.p99_us;
    goals.push({ goal: "p99 at c=32 vs floor", wanted: "≤ 1.5×", measured: times(x), verdict: verdict(x <= 1.5) });
  }
  if (gw?.c32) {
    const x = pk?.c32 ? gw.c32.rps / pk.c32.rps : undefined;
    goals.push({ goal: "req/s at c=32 vs Portkey on Bun", wanted: "≥ 3×", measured: x === undefined ? "Portkey not measured" : times(x), verdict: verdict(x === undefined ? undefined : x >= 3) });
  }
  const off = r.targets.obs_off;
  const logged = r.targets.obs_logged;
  if (off?.c32 && logged?.c32) {
    const x = logged.c32.rps / off.c32.rps;
    goals.push({ goal: "req/s at c=32 with telemetry + request logs vs both off", wanted: "≥ 0.90× (≤ 10 % lower)", measured: `${times(x)}; p99 ${times(logged.c32.p99_us / off.c32.p99_us)}`, verdict: verdict(x >= 0.9) });
  }
  const gs = gw?.streams_held;
  const fs = floor?.streams_held;
  if (gs && fs) {
    const full = r.streams.concurrent >= 5000;
    const measured = `gateway ${n(gs.stalls)} stalls, ${n(gs.errors.total)} errors; floor ${n(fs.stalls)} stalls, ${n(fs.errors.total)} errors${full ? "" : ` (${n(r.streams.concurrent)} streams)`}`;
    const ok = (gs.stalls ?? 0) <= (fs.stalls ?? 0) && gs.errors.total === 0;
    goals.push({ goal: "5,000 concurrent paced streams", wanted: "no more stalls than the floor, every frame delivered", measured, verdict: full ? verdict(ok) : "n/a" });
  }
  return goals;
}

// ---------------------------------------------------------------- formatting

const n = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? "–" : Math.round(x).toLocaleString("en"));
const signed = (x: number) => (x > 0 ? `+${n(x)}` : x < 0 ? `−${n(-x)}` : "0");
const times = (x: number) => `${x.toFixed(2)}×`;
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || !b ? "–" : times(a / b));
const ms = (us: number | undefined) => (us === undefined ? "–" : `${(us / 1000).toFixed(2)} ms`);

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

/** Every error a target answered in its request/answer steps. */
function errorsOf(t: TargetResult): number {
  const steps = [t.c1, ...(t.c32_reps ?? []), ...(t.sweep ?? []).filter((s) => s !== t.c1 && s !== t.c32), t.agent_c32];
  return steps.reduce((a, s) => a + (s?.errors.total ?? 0), 0);
}

export function renderReport(r: Results): string {
  const T = r.targets;
  const zero = T.zero;
  const floor = T.floor;
  const pk = T.portkey;
  const main = ["zero", "floor", "gateway", "workers2", "portkey"].filter((k) => T[k]).map((k) => [k, T[k]!] as const);
  const bold = (k: string, s: string) => (k === "gateway" ? `**${s}**` : s);
  const out: string[] = [];

  out.push(
    `### Load benchmark, ${r.date.slice(0, 16).replace("T", " ")} UTC${r.quick ? " (--quick)" : ""}`,
    "",
    `Bun ${r.machine.bun}, ${r.machine.cores} cores shared by generator, mock and target (load average ${r.machine.loadavg_before.join(" ")} before, ${r.machine.loadavg_after.join(" ")} after). ` +
      `Generator: ${r.generator.kind === "wrk" ? `wrk ${r.generator.version}` : "Bun"} (${r.generator.note}). ${r.step_seconds} s steps, interleaved across targets; c=32 is the best of ${r.c32_reps}. ` +
      `Portkey: ${"skipped" in r.portkey ? `skipped (${r.portkey.skipped})` : `@portkey-ai/gateway ${r.portkey.version}, ${r.portkey.serve}`}. ` +
      `Gateway plugins: ${r.gateway.plugins.length ? r.gateway.plugins.join(", ") : "none enabled (the default: config without plugins[])"}.`,
    "",
  );
  if (Math.max(...r.machine.loadavg_before, ...r.machine.loadavg_after) > r.machine.cores) {
    out.push(`> The machine was busy (load average above ${r.machine.cores}, the core count): other work shared the cores, so figures are rough; compare ratios, and re-run on a quiet machine for the README.`, "");
  }

  const gw = T.gateway;
  if (gw && floor) {
    const row = (figure: string, get: (t: TargetResult) => number | undefined, fmt: (x: number | undefined) => string): string[] => {
      const [g, f, p] = [get(gw), get(floor), pk ? get(pk) : undefined];
      return [figure, fmt(g), fmt(f), fmt(p), ratio(g, f), ratio(g, p)];
    };
    const usCell = (x: number | undefined) => (x === undefined ? "–" : `${n(x)} µs`);
    const rows = [
      row("c=1 p50 latency", (t) => t.c1?.p50_us, usCell),
      row("c=1 p99 latency", (t) => t.c1?.p99_us, usCell),
      row("req/s at c=32", (t) => t.c32?.rps, n),
      row("p99 latency at c=32", (t) => t.c32?.p99_us, ms),
      row("best req/s with p99 ≤ 5 ms", (t) => t.frontier?.p99_5ms, n),
      row("best req/s with p99 ≤ 10 ms", (t) => t.frontier?.p99_10ms, n),
      row("best req/s with p99 ≤ 50 ms", (t) => t.frontier?.p99_50ms, n),
      row("~200 KiB agent body: req/s at c=32", (t) => t.agent_c32?.rps, n),
      row("~200 KiB agent body: p99 at c=32", (t) => t.agent_c32?.p99_us, ms),
      row("stream time to first token, p50 c=1", (t) => t.stream_c1?.ttft_p50_us, usCell),
      row(`${r.streams.concurrent.toLocaleString("en")} paced streams: stalls`, (t) => t.streams_held?.stalls, n),
      row(`${r.streams.concurrent.toLocaleString("en")} paced streams: peak RSS MB`, (t) => t.streams_held?.rss_mb, n),
    ].filter((cells) => cells[1] !== "–");
    if (T.cluster2?.c32) {
      const c2 = T.cluster2.c32.rps;
      rows.push(["req/s at c=32, `--cluster 2`", n(c2), n(floor.c32?.rps), n(pk?.c32?.rps), ratio(c2, floor.c32?.rps), ratio(c2, pk?.c32?.rps)]);
    }
    out.push(`**${gw.label}, against the floor and Portkey**`, "", table(["figure", "gateway", "floor", "Portkey", "÷ floor", "÷ Portkey"], rows), "");
  }

  if (floor?.c32) {
    out.push(
      "**Requests** (chat completion; added latency over zero / over the floor)",
      "",
      table(
        ["target", "c=1 p50", "added p50", "c=1 p99", "added p99", "req/s c=32", "× floor", "× Portkey", "p99 c=32", "× floor", "best req/s, p99 ≤ 5 / 10 / 50 ms", "~200 KiB agent body req/s c=32 (× floor)", "errors"],
        main.map(([k, t]) => [
          bold(k, t.label),
          `${n(t.c1?.p50_us)} µs`,
          t.c1 && zero?.c1 && floor.c1 ? `${signed(t.c1.p50_us - zero.c1.p50_us)} / ${signed(t.c1.p50_us - floor.c1.p50_us)} µs` : "–",
          `${n(t.c1?.p99_us)} µs`,
          t.c1 && zero?.c1 && floor.c1 ? `${signed(t.c1.p99_us - zero.c1.p99_us)} / ${signed(t.c1.p99_us - floor.c1.p99_us)} µs` : "–",
          n(t.c32?.rps),
          bold(k, ratio(t.c32?.rps, floor.c32?.rps)),
          ratio(t.c32?.rps, pk?.c32?.rps),
          ms(t.c32?.p99_us),
          ratio(t.c32?.p99_us, floor.c32?.p99_us),
          t.frontier ? `${n(t.frontier.p99_5ms)} / ${n(t.frontier.p99_10ms)} / ${n(t.frontier.p99_50ms)}` : "–",
          t.agent_c32 ? `${n(t.agent_c32.rps)} (${ratio(t.agent_c32.rps, floor.agent_c32?.rps)})` : "–",
          String(errorsOf(t)),
        ]),
      ),
      "",
    );
  }

  /** The same gateway set up two or three ways, each against the first of them. */
  const against = (title: string, keys: string[], baseLabel: string) => {
    const rows = keys.filter((k) => T[k]?.c32).map((k) => T[k]!);
    const base = T[keys[0]!];
    if (!base?.c32 || rows.length < 2) return;
    out.push(
      title,
      "",
      table(
        ["target", "c=1 p50", "added p50", "req/s c=32", `× ${baseLabel}`, "× floor", "p99 c=32", `× ${baseLabel}`],
        rows.map((t) => [
          t.label,
          `${n(t.c1?.p50_us)} µs`,
          t.c1 && base.c1 ? `${signed(t.c1.p50_us - base.c1.p50_us)} µs` : "–",
          n(t.c32?.rps),
          ratio(t.c32?.rps, base.c32!.rps),
          ratio(t.c32?.rps, floor?.c32?.rps),
          ms(t.c32?.p99_us),
          ratio(t.c32?.p99_us, base.c32!.p99_us),
        ]),
      ),
      "",
    );
  };
  against("**Observability** (the same gateway with telemetry off, as a user gets it (telemetry on), and with telemetry plus request logs in SQLite)", ["obs_off", "gateway", "obs_logged"], "off");
  against(
    "**Governance** (the same gateway without governance, and with a virtual key on every request: its budget and rate limit reserved before the call and settled after, counters in memory or in Redis)",
    ["gateway", "gov_memory", "gov_redis"],
    "without",
  );

  const held = main.filter(([, t]) => t.streams_held || t.stream_c1);
  if (held.length) {
    out.push(
      `**Streams** (time to first token at c=1; ${r.streams.concurrent.toLocaleString("en")} concurrent streams of ~${r.streams.frames} frames paced at ${r.streams.pace_ms} ms, started over ${r.streams.ramp_ms} ms; a stall is ${STALL_RULE}) and **memory**`,
      "",
      table(
        ["target", "TTFT p50 c=1", "added vs zero / floor", `${r.streams.concurrent.toLocaleString("en")} streams: complete / errors`, "stalls (streams)", "added gap p99", "RSS MB idle / loaded / after"],
        main.map(([k, t]) => {
          const s = t.streams_held;
          const ttft = t.stream_c1?.ttft_p50_us;
          return [
            bold(k, t.label),
            ttft === undefined ? "–" : `${n(ttft)} µs`,
            ttft !== undefined && zero?.stream_c1 && floor?.stream_c1 ? `${signed(ttft - zero.stream_c1.ttft_p50_us!)} / ${signed(ttft - floor.stream_c1.ttft_p50_us!)} µs` : "–",
            s ? `${n(s.requests - s.errors.total)} / ${n(s.errors.total)}${s.first_error ? ` (${s.first_error})` : ""}` : "–",
            s ? `${n(s.stalls)} (${n(s.streams_with_stall)})` : "–",
            s ? ms(s.added_gap_p99_us) : "–",
            t.rss_mb && k !== "zero" ? `${t.rss_mb.idle} / ${t.rss_mb.loaded || "–"} / ${t.rss_mb.after}` : "–",
          ];
        }),
      ),
      "",
    );
    const own = zero?.streams_held?.stalls;
    if (own) out.push(`Direct to mock stalled ${n(own)} times too: the generator, the mock and the machine run short of CPU at this many streams, so stall counts include theirs; compare the floor and the gateway.`, "");
  }

  const procs = ["cluster1", "cluster2"].filter((k) => T[k]?.c32);
  if (procs.length && floor?.c32) {
    out.push(
      "**Processes** (`--cluster N`: N server processes on one port)",
      "",
      table(
        ["gateway", "req/s c=32", "× floor", "× Portkey", "× 1 process", "p99 c=32", "RSS MB idle / loaded"],
        procs.map((k) => {
          const t = T[k]!;
          return [t.label, n(t.c32!.rps), ratio(t.c32!.rps, floor.c32!.rps), ratio(t.c32!.rps, pk?.c32?.rps), ratio(t.c32!.rps, T.cluster1?.c32?.rps), ms(t.c32!.p99_us), `${t.rss_mb!.idle} / ${t.rss_mb!.loaded}`];
        }),
      ),
      "",
    );
  }

  if (r.goals?.length) {
    out.push("**Goals**", "", table(["goal", "wanted", "measured", "verdict"], r.goals.map((g) => [g.goal, g.wanted, g.measured, g.verdict === "met" ? "**met**" : g.verdict])), "");
  }

  const checked = Object.values(T).filter((t) => [t.c32, t.agent_c32, t.streams_held].some((s) => s?.cpu));
  if (checked.length) {
    const cpu = (s: Step | undefined) => (s?.cpu ? `${s.cpu.generator}% / ${s.cpu.target}% / ${s.cpu.mock}%` : "–");
    const worst = Math.max(0, ...checked.flatMap((t) => [t.c32, t.agent_c32].map((s) => s?.cpu?.generator ?? 0)));
    out.push(
      "**Generator check** (CPU while each step ran, % of one core, 2 cores = 200%: generator / target process tree / mock)",
      "",
      table(["target", "chat c=32", "agent body c=32", `${n(r.streams.concurrent)} paced streams (Bun generator)`], checked.map((t) => [t.label, cpu(t.c32), cpu(t.agent_c32), cpu(t.streams_held)])),
      "",
      `${worst ? `The request/answer generator used at most ${worst}% of a core. ` : ""}The mock is one JS thread: near 100%, it limits the step, not the target.`,
    );
  }
  if (r.soak) out.push("", `Soak: ${r.soak.minutes} min at c=32, RSS growth after the first minute ${r.soak.growth_mb_per_min_after_warmup} MB/min.`);
  return out.join("\n");
}
