/**
 * Cost of the telemetry plugin's onRequestEnd per summary (its own series maps), and of a scrape.
 *   bun bench/telemetry.bench.ts
 */
import { bench, run, summary } from "mitata";
import { testSummary } from "bifrost/plugin";
import { recordRequest } from "../plugins/telemetry/index";
import { Telemetry } from "../plugins/telemetry/metrics";

const runtime = { providers: () => [], activeRequests: () => 0, queues: () => [], keys: () => [] };
const m = new Telemetry([], 500, runtime);
const mCustom = new Telemetry(["team", "env"], 500, runtime);
const cost = { total_cost: 0.0001, input_tokens_cost: 0, output_tokens_cost: 0, cache_read_cost: 0, cache_write_cost: 0, reasoning_cost: 0, image_cost: 0, audio_cost: 0 };
const plain = testSummary({ cost });
const withHeaders = testSummary({ cost, headers: { "x-bf-dim-team": "search", "x-bf-dim-env": "prod" } });
const stream = testSummary({ op: "chatStream", stream: true, cost, firstChunkMs: 120, chunkGapsMs: Array.from({ length: 100 }, (_, i) => 5 + (i % 20)) });
const t0 = Date.now();
const retried = testSummary({
  cost,
  retries: 1,
  attempts: [
    { provider: "openai", model: "gpt-4o-mini", keyName: "key-0", fallbackIndex: 0, startedAt: t0, durationMs: 3, status: 503, error: { type: "server_error", code: null, message: "x" } },
    { provider: "openai", model: "gpt-4o-mini", keyName: "key-1", fallbackIndex: 0, startedAt: t0, durationMs: 10, status: 200, error: null },
  ],
});
// 1,000 request series (and as many attempt series), as many distinct models would make
const wide = new Telemetry([], 5000, runtime);
for (let i = 0; i < 1000; i++) recordRequest(wide, testSummary({ cost, model: `model-${i}` }));

summary(() => {
  bench("onRequestEnd: success, 1 attempt", () => recordRequest(m, plain));
  bench("onRequestEnd: success, 2 custom labels", () => recordRequest(mCustom, withHeaders));
  bench("onRequestEnd: retry + key rotation", () => recordRequest(m, retried));
  bench("onRequestEnd: stream, 100 gaps", () => recordRequest(m, stream));
});
bench("metrics(): scrape text, few series", () => m.render());
bench("metrics(): scrape text, 1,000 series", () => wide.render());
await run();
