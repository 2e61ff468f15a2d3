/**
 * Closed-loop HTTP load generator in Bun (its own process, so it doesn't share an event loop with what
 * it measures). `bun bench/loadgen.ts '<json options>'` prints one JSON result line.
 *
 * On 2 cores it saturates before a gateway does, so bench/load.ts uses wrk for request/answer steps
 * when wrk is installed; this generator measures what wrk can't (streams: time to first token,
 * inter-chunk gaps, stalls across thousands of paced streams) and stands in for wrk when it is missing.
 */
import { readFileSync } from "node:fs";
import type { Step } from "./wrk";

export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  /** The request body is read from this file (a 200 KiB body does not fit in a command-line argument). */
  bodyFile: string;
  concurrency: number;
  durationMs: number;
  /** Read an SSE answer and time its first byte (time to first token) and the gaps between frames. */
  stream?: boolean;
  /** Streams: how many SSE frames each must deliver; a stream with fewer (or more) counts as an error. */
  expectFrames?: number;
  /** Streams: the upstream's pace between frames; a gap longer than pace + STALL_MS is a stall. */
  paceMs?: number;
  /** Each of the `concurrency` slots sends exactly one request (all held at once) instead of looping. */
  once?: boolean;
  /** With `once`: spread the slots' starts over this long, so the streams overlap without one connect burst. */
  rampMs?: number;
  warmupMs?: number;
}

export interface StreamStats {
  ttft_p50_us: number;
  ttft_p99_us: number;
  /** Gaps between consecutive frames minus the upstream's pace, in µs. */
  added_gap_p50_us: number;
  added_gap_p99_us: number;
  max_gap_ms: number;
  /** Gaps longer than pace + STALL_MS. */
  stalls: number;
  streams_with_stall: number;
}

export type LoadResult = Step & Partial<StreamStats>;

export const STALL_MS = 200;

function pct(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const sortedOf = (xs: number[]) => Float64Array.from(xs).sort();

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const body = readFileSync(o.bodyFile);
  const lat: number[] = [];
  const ttft: number[] = [];
  const gaps: number[] = [];
  const paceUs = (o.paceMs ?? 0) * 1000;
  let stalls = 0;
  let stalledStreams = 0;
  let non2xx = 0;
  let socket = 0;
  let firstError: string | undefined;
  let recording = false;
  const fail = (kind: "non2xx" | "socket", msg: string) => {
    if (!recording) return;
    if (kind === "non2xx") non2xx++;
    else socket++;
    firstError ??= msg;
  };
  /** Reads an SSE body, noting when each frame arrived; throws when the stream is cut short. */
  const readStream = async (res: Response, t0: number) => {
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let text = "";
    let frames = 0;
    let last = 0;
    let stalled = false;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const now = performance.now();
      if (frames === 0 && text === "" && recording) ttft.push((now - t0) * 1000);
      text += dec.decode(value, { stream: true });
      const total = text.split("\n\n").length - 1;
      for (; frames < total; frames++) {
        if (frames > 0 && recording) {
          const gap = (now - last) * 1000 - paceUs;
          gaps.push(gap);
          if (gap > STALL_MS * 1000) (stalls++, (stalled = true));
        }
        last = now;
      }
    }
    if (stalled) stalledStreams++;
    if (!text.endsWith("data: [DONE]\n\n")) throw new Error(`stream ended without [DONE] (status ${res.status})`);
    if (o.expectFrames !== undefined && frames !== o.expectFrames) throw new Error(`stream delivered ${frames} frames, expected ${o.expectFrames}`);
  };
  const one = async () => {
    const t0 = performance.now();
    let res: Response;
    try {
      res = await fetch(o.url, { method: "POST", headers: o.headers, body });
    } catch (e) {
      return fail("socket", (e as Error).message);
    }
    try {
      if (res.status < 200 || res.status > 299) return fail("non2xx", `status ${res.status}: ${(await res.text()).slice(0, 200)}`);
      if (o.stream && res.body) await readStream(res, t0);
      else await res.arrayBuffer();
      if (recording) lat.push((performance.now() - t0) * 1000);
    } catch (e) {
      fail("socket", (e as Error).message);
    }
  };
  const runFor = async (ms: number) => {
    const end = performance.now() + ms;
    await Promise.all(
      Array.from({ length: o.concurrency }, async (_, i) => {
        if (o.once) return Bun.sleep(((o.rampMs ?? 0) * i) / o.concurrency).then(one);
        while (performance.now() < end) await one();
      }),
    );
  };
  if (!o.once) await runFor(o.warmupMs ?? 300);
  recording = true;
  const t0 = performance.now();
  await runFor(o.durationMs);
  const elapsed = performance.now() - t0;
  const sorted = sortedOf(lat);
  const errors = non2xx + socket;
  const result: LoadResult = {
    concurrency: o.concurrency,
    durationMs: Math.round(elapsed),
    requests: lat.length + errors,
    rps: Math.round((lat.length / elapsed) * 1000),
    p50_us: Math.round(pct(sorted, 50)),
    p90_us: Math.round(pct(sorted, 90)),
    p99_us: Math.round(pct(sorted, 99)),
    errors: { non2xx, socket, total: errors },
    ...(firstError ? { first_error: firstError } : {}),
  };
  if (!o.stream) return result;
  const ts = sortedOf(ttft);
  const gs = sortedOf(gaps);
  return {
    ...result,
    ttft_p50_us: Math.round(pct(ts, 50)),
    ttft_p99_us: Math.round(pct(ts, 99)),
    added_gap_p50_us: Math.round(pct(gs, 50)),
    added_gap_p99_us: Math.round(pct(gs, 99)),
    max_gap_ms: gs.length ? Math.round((gs[gs.length - 1]! + paceUs) / 1000) : 0,
    stalls,
    streams_with_stall: stalledStreams,
  };
}

if (import.meta.main) {
  const opts = JSON.parse(process.argv[2]!) as LoadOptions;
  console.log(JSON.stringify(await runLoad(opts)));
}
