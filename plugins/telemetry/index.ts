/**
 * telemetry: Prometheus metrics with Go Bifrost's names (plugins/telemetry in Go). Every request's
 * RequestSummary and every HTTP exchange's HttpSummary is counted on the plugin's own registry;
 * gauges read the gateway's runtime when scraped. See README.md.
 */
import { definePlugin, OP_REQUEST_TYPE, type HttpSummary, type RequestSummary } from "bifrost/plugin";
import { checkConfig, configSchema } from "./config";
import { attemptLabels, errorType, LabelCap, requestLabels, type Labels } from "./labels";
import { buildMetrics, type Metrics } from "./metrics";

export default definePlugin({
  name: "telemetry",
  description: "Prometheus metrics (GET /metrics) with Go Bifrost's metric and label names",
  config: configSchema,

  setup(ctx) {
    const cfg = ctx.config;
    checkConfig(cfg);
    const custom = cfg.custom_labels;
    const m = buildMetrics(custom, ctx.runtime);
    const cap = new LabelCap(cfg.max_label_values);
    // The HTTP summary carries no headers, so custom labels on http_* stay empty (Go fills them from x-bf-dim-*).
    const emptyCustom = Object.fromEntries(custom.map((l) => [l, ""]));

    return {
      onRequestEnd: (s) => recordRequest(m, s, custom, cap),
      onHttpEnd(h: HttpSummary) {
        const labels = { path: cap.keep("path", h.route), method: h.method, status: String(h.status), ...emptyCustom };
        m.httpRequests.inc(labels);
        m.httpDuration.observe(labels, h.durationMs / 1000);
        if (h.requestBytes !== null && h.requestBytes > 0) m.httpRequestSize.observe(labels, h.requestBytes);
        if (h.responseBytes !== null && h.responseBytes > 0) m.httpResponseSize.observe(labels, h.responseBytes);
      },
      metrics: () => (cfg.metrics_enabled ? m.registry.metrics() : ""),
    };
  },
});

/** Everything one ended request adds to the metrics. Runs on the server thread once per request: keep it lean. */
export function recordRequest(m: Metrics, s: RequestSummary, custom: readonly string[], cap: LabelCap): void {
  const labels = requestLabels(s, OP_REQUEST_TYPE[s.op] ?? s.op, custom, cap);

  let upstreamMs = 0;
  let previous: RequestSummary["attempts"][number] | null = null;
  for (const a of s.attempts) {
    const al = attemptLabels(labels, a, cap);
    m.upstreamRequests.inc(al);
    m.upstreamLatency.observe({ ...al, is_success: a.error === null ? "true" : "false" }, a.durationMs / 1000);
    // A rotation: the last attempt failed and this one went to the same provider with another key.
    if (previous?.error && previous.provider === a.provider && previous.keyName !== a.keyName) {
      m.keyRotations.inc({ provider: al.provider, requested_model: al.model, key_id: "", key_name: cap.keep("selected_key_name", previous.keyName ?? ""), fail_reason: errorType(previous.status, previous.error.type) });
    }
    upstreamMs += a.durationMs;
    previous = a;
  }
  // No attempt: nothing upstream was measured (a cache or a mock answered), so there is no overhead to tell (as in Go).
  if (s.attempts.length > 0) m.overhead.observe(labels, Math.max(0, s.latencyMs - upstreamMs) * 1000);
  m.retries.observe(labels, s.retries);

  if (s.outcome === "success") m.success.inc(labels);
  else m.errors.inc({ ...labels, status_code: String(s.status), error_type: errorType(s.status, s.error?.type) });

  const u = s.usage;
  if (u) {
    if (u.prompt_tokens > 0) m.inputTokens.inc(labels, u.prompt_tokens);
    if (u.completion_tokens > 0) m.outputTokens.inc(labels, u.completion_tokens);
    const cached = u.prompt_tokens_details?.cached_tokens;
    if (typeof cached === "number" && cached > 0) m.cacheReadTokens.inc(labels, cached);
  }
  if (s.cost && s.cost.total_cost > 0) m.cost.inc(labels, s.cost.total_cost);
  if (s.costMissing) m.missingCost.inc({ provider: labels.provider, model: labels.model });
  if (s.cacheHit) m.cacheHits.inc({ ...labels, cache_type: s.cacheHit });

  if (s.firstChunkMs !== null) m.firstToken.observe(labels, s.firstChunkMs / 1000);
  for (const gap of s.chunkGapsMs) m.interToken.observe(labels, gap / 1000);
}

export type { Labels };
