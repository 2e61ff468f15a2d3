/**
 * telemetry: Prometheus metrics with Go Bifrost's names (plugins/telemetry in Go). Every request's
 * RequestSummary and every HTTP exchange's HttpSummary is counted in the plugin's own series maps;
 * gauges read the gateway's runtime when scraped. See README.md.
 */
import { definePlugin, OP_REQUEST_TYPE, type HttpSummary, type RequestSummary } from "bifrost/plugin";
import { checkConfig, configSchema } from "./config";
import { AT, attemptValues, customValues, errorType, requestValues, SEP } from "./labels";
import { BUCKETS, Hist, Telemetry } from "./metrics";

export default definePlugin({
  name: "telemetry",
  description: "Prometheus metrics (GET /metrics) with Go Bifrost's metric and label names",
  config: configSchema,

  setup(ctx) {
    const cfg = ctx.config;
    checkConfig(cfg);
    const t = new Telemetry(cfg.custom_labels, cfg.max_label_values, ctx.runtime);
    return {
      onRequestEnd: (s) => recordRequest(t, s),
      onHttpEnd: (h) => recordHttp(t, h),
      metrics: () => (cfg.metrics_enabled ? t.render() : ""),
    };
  },
});

/** Everything one ended request adds to the metrics. Runs on the server thread once per request: keep it lean. */
export function recordRequest(t: Telemetry, s: RequestSummary): void {
  const cap = t.cap;
  const values = requestValues(s, OP_REQUEST_TYPE[s.op] ?? s.op, t.dimensions, cap);
  const key = values.join(SEP);
  const r = t.request(key, values);

  let upstreamMs = 0;
  let previous: RequestSummary["attempts"][number] | null = null;
  for (const a of s.attempts) {
    const av = attemptValues(values, a, cap);
    t.attempt(av === values ? key : av.join(SEP), av).observe(a.error === null, a.durationMs / 1000);
    // A rotation: the last attempt failed and this one went to the same provider with another key.
    if (previous?.error && previous.provider === a.provider && previous.keyName !== a.keyName) {
      t.keyRotations.inc([av[AT.provider]!, av[AT.model]!, "", cap.keep("selected_key_name", previous.keyName ?? ""), errorType(previous.status, previous.error.type)]);
    }
    upstreamMs += a.durationMs;
    previous = a;
  }
  // No attempt: nothing upstream was measured (a cache or a mock answered), so there is no overhead to tell (as in Go).
  if (s.attempts.length > 0) r.overhead.observe(Math.max(0, s.latencyMs - upstreamMs) * 1000);
  r.retries.observe(s.retries);

  if (s.outcome === "success") r.success++;
  else r.error(`status_code="${s.status}",error_type="${errorType(s.status, s.error?.type)}"`);

  const u = s.usage;
  if (u) {
    if (u.prompt_tokens > 0) r.inputTokens += u.prompt_tokens;
    if (u.completion_tokens > 0) r.outputTokens += u.completion_tokens;
    const cached = u.prompt_tokens_details?.cached_tokens;
    if (typeof cached === "number" && cached > 0) r.cacheReadTokens += cached;
  }
  if (s.cost && s.cost.total_cost > 0) r.cost += s.cost.total_cost;
  if (s.costMissing) t.missingCost.inc([values[AT.provider]!, values[AT.model]!]);
  if (s.cacheHit) r.cacheHit(s.cacheHit);

  if (s.firstChunkMs !== null) (r.firstToken ??= new Hist(BUCKETS.firstToken)).observe(s.firstChunkMs / 1000);
  const gaps = s.chunkGapsMs;
  if (gaps.length > 0) {
    const h = (r.interToken ??= new Hist(BUCKETS.interToken));
    for (let i = 0; i < gaps.length; i++) h.observe(gaps[i]! / 1000);
  }
}

/** One HTTP exchange: labelled with the route template (bounded), method and status, then the custom labels (x-bf-dim-* as in Go). */
export function recordHttp(t: Telemetry, h: HttpSummary): void {
  const values = customValues([t.cap.keep("path", h.route), h.method, String(h.status)], h.headers, t.dimensions, t.cap);
  const s = t.httpSeries(values.join(SEP), values);
  s.requests++;
  s.duration.observe(h.durationMs / 1000);
  if (h.requestBytes !== null && h.requestBytes > 0) (s.requestSize ??= new Hist(BUCKETS.sizeBytes)).observe(h.requestBytes);
  if (h.responseBytes !== null && h.responseBytes > 0) (s.responseSize ??= new Hist(BUCKETS.sizeBytes)).observe(h.responseBytes);
}
