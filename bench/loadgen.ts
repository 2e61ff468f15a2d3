/**
 * Closed-loop HTTP load generator (its own process, so it doesn't share an event loop with what it
 * measures). `bun bench/loadgen.ts '<json options>'` prints one JSON result line.
 */

export interface LoadOptions {
  url: string;
  body: string;
  concurrency: number;
  durationMs: number;
  /** Read an SSE answer and time its first byte (time to first token) too. */
  stream?: boolean;
  /** Streams: how many SSE frames each must deliver; a stream with fewer (or more) counts as an error. */
  expectFrames?: number;
  warmupMs?: number;
}

export interface LoadResult {
  concurrency: number;
  requests: number;
  errors: number;
  rps: number;
  p50_us: number;
  p99_us: number;
  ttft_p50_us?: number;
  ttft_p99_us?: number;
  first_error?: string;
}

function pct(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  // The mock checks for a bearer key; the gateway and the passthrough ignore it.
  const headers = { "content-type": "application/json", authorization: "Bearer sk-bench" };
  const lat: number[] = [];
  const ttft: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let recording = false;
  const one = async () => {
    const t0 = performance.now();
    try {
      const res = await fetch(o.url, { method: "POST", headers, body: o.body });
      if (o.stream && res.body) {
        const reader = res.body.getReader();
        const dec = new TextDecoder();
        let first = true;
        let text = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          if (first && recording) ttft.push((performance.now() - t0) * 1000);
          first = false;
          text += dec.decode(value, { stream: true });
        }
        if (!text.endsWith("data: [DONE]\n\n")) throw new Error(`stream ended without [DONE] (status ${res.status})`);
        const frames = text.split("\n\n").length - 1;
        if (o.expectFrames !== undefined && frames !== o.expectFrames) throw new Error(`stream delivered ${frames} frames, expected ${o.expectFrames}`);
      } else await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      if (recording) lat.push((performance.now() - t0) * 1000);
    } catch (e) {
      if (recording) {
        errors++;
        firstError ??= (e as Error).message;
      }
    }
  };
  const runFor = async (ms: number) => {
    const end = performance.now() + ms;
    await Promise.all(
      Array.from({ length: o.concurrency }, async () => {
        while (performance.now() < end) await one();
      }),
    );
  };
  await runFor(o.warmupMs ?? 300);
  recording = true;
  const t0 = performance.now();
  await runFor(o.durationMs);
  const elapsed = performance.now() - t0;
  const sorted = Float64Array.from(lat).sort();
  const tsorted = Float64Array.from(ttft).sort();
  return {
    concurrency: o.concurrency,
    requests: lat.length + errors,
    errors,
    rps: Math.round((lat.length / elapsed) * 1000),
    p50_us: Math.round(pct(sorted, 50)),
    p99_us: Math.round(pct(sorted, 99)),
    ...(o.stream ? { ttft_p50_us: Math.round(pct(tsorted, 50)), ttft_p99_us: Math.round(pct(tsorted, 99)) } : {}),
    ...(firstError ? { first_error: firstError } : {}),
  };
}

if (import.meta.main) {
  const opts = JSON.parse(process.argv[2]!) as LoadOptions;
  console.log(JSON.stringify(await runLoad(opts)));
}
