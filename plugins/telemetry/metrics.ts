/**
 * The metrics, with Go Bifrost's names, label names and buckets (plugins/telemetry in Go), each on the
 * plugin's own prom-client Registry (never the global one). Metrics Go does not have are marked "ours".
 */
import type { GatewayRuntime } from "bifrost/plugin";
import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** Go's defaultBifrostLabelNames, less the ones this gateway has nothing for yet (routing rules, business units, projects). */
export const BIFROST_LABELS = [
  "provider",
  "model",
  "alias",
  "method",
  "virtual_key_id",
  "virtual_key_name",
  "selected_key_id",
  "selected_key_name",
  "fallback_index",
  "team_id",
  "team_name",
  "customer_id",
  "customer_name",
] as const;
export type BifrostLabel = (typeof BIFROST_LABELS)[number];
export const HTTP_LABELS = ["path", "method", "status"] as const;
const KEY_ROTATION_LABELS = ["provider", "requested_model", "key_id", "key_name", "fail_reason"];
const KEY_UP_LABELS = ["provider", "key_id", "key_name", "model"];

/** Names a custom label may not take: every label this plugin sets itself, Go's other defaults, and Prometheus' own. */
export const RESERVED_LABELS: ReadonlySet<string> = new Set(
  [
    ...BIFROST_LABELS,
    ...HTTP_LABELS,
    ...KEY_ROTATION_LABELS,
    ...KEY_UP_LABELS,
    "is_success",
    "status_code",
    "error_type",
    "cache_type",
    "routing_engine_used",
    "routing_rule_id",
    "routing_rule_name",
    "complexity_tier",
    "complexity_mechanism",
    "business_unit_id",
    "business_unit_name",
    "project_id",
    "project_name",
    "user_id",
    "user_name",
    "le",
    "quantile",
    "job",
    "instance",
  ].flatMap((l) => [l, l.replaceAll("_", "-")]),
);

/** Go's buckets (kept in sync there with its OTel exporter). */
export const BUCKETS = {
  upstreamLatency: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 45, 60, 90, 120, 180, 300, 600, 900],
  overheadMicros: [100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000, 30000000],
  firstToken: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300],
  interToken: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  retries: [0, 1, 2, 3, 5, 10],
  /** prometheus.ExponentialBuckets(100, 10, 8): 100 B to 1 GB. */
  sizeBytes: [1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9],
};

/** Builds every metric on a new registry; `custom` labels follow the built-in ones, as in Go. Gauges read `runtime` when scraped. */
export function buildMetrics(custom: readonly string[], runtime: GatewayRuntime) {
  const registry = new Registry();
  const registers = [registry];
  const bifrost = [...BIFROST_LABELS, ...custom];
  const http = [...HTTP_LABELS, ...custom];
  const counter = (name: string, help: string, labelNames: string[] = bifrost) => new Counter({ name, help, labelNames, registers });
  const histogram = (name: string, help: string, buckets: number[], labelNames: string[] = bifrost) => new Histogram({ name, help, buckets, labelNames, registers });
  const gauge = (name: string, help: string, labelNames: string[], collect: (this: Gauge) => void) => new Gauge({ name, help, labelNames, registers, collect });

  gauge("bifrost_active_requests", "Number of LLM requests currently in-flight.", [], function () {
    this.set(runtime.activeRequests());
  });
  gauge("bifrost_provider_key_up", "Health of a provider key per model: 1 = its circuit is closed, 0 = open.", KEY_UP_LABELS, function () {
    this.reset();
    for (const k of runtime.keys()) this.set({ provider: k.provider, key_id: "", key_name: k.key, model: k.model }, k.up ? 1 : 0);
  });
  // ours: the admission queue per provider
  gauge("bifrost_provider_queue_depth", "Calls waiting in a provider's admission queue.", ["provider"], function () {
    this.reset();
    for (const q of runtime.queues()) this.set({ provider: q.provider }, q.queued);
  });
  gauge("bifrost_provider_in_flight_requests", "Calls running against a provider.", ["provider"], function () {
    this.reset();
    for (const q of runtime.queues()) this.set({ provider: q.provider }, q.inFlight);
  });

  return {
    registry,
    httpRequests: counter("http_requests_total", "Total number of HTTP requests.", http),
    httpDuration: histogram("http_request_duration_seconds", "Duration of HTTP requests.", BUCKETS.upstreamLatency, http),
    httpRequestSize: histogram("http_request_size_bytes", "Size of HTTP requests.", BUCKETS.sizeBytes, http),
    httpResponseSize: histogram("http_response_size_bytes", "Size of HTTP responses.", BUCKETS.sizeBytes, http),

    upstreamRequests: counter("bifrost_upstream_requests_total", "Total number of requests forwarded to upstream providers by Bifrost."),
    upstreamLatency: histogram("bifrost_upstream_latency_seconds", "Latency of requests forwarded to upstream providers by Bifrost.", BUCKETS.upstreamLatency, [...BIFROST_LABELS, "is_success", ...custom]),
    overhead: histogram("bifrost_overhead_latency_microseconds", "Latency added by Bifrost itself, in microseconds: total request time minus time spent on upstream providers.", BUCKETS.overheadMicros),
    success: counter("bifrost_success_requests_total", "Total number of successful requests forwarded to upstream providers by Bifrost."),
    errors: counter("bifrost_error_requests_total", "Total number of failed requests, by raw status_code and normalized error_type.", [...BIFROST_LABELS, "status_code", "error_type", ...custom]),
    inputTokens: counter("bifrost_input_tokens_total", "Total number of input tokens forwarded to upstream providers by Bifrost."),
    outputTokens: counter("bifrost_output_tokens_total", "Total number of output tokens forwarded to upstream providers by Bifrost."),
    cacheReadTokens: counter("bifrost_cache_read_input_tokens_total", "Total provider-side prompt-cache read (cached) input tokens."),
    cacheHits: counter("bifrost_cache_hits_total", "Total number of cache hits, separated by cache type (direct/semantic).", [...BIFROST_LABELS, "cache_type", ...custom]),
    cost: counter("bifrost_cost_total", "Total cost in USD for requests to upstream providers."),
    // ours: an answer from a model with no price has an unknown cost, not a zero one
    missingCost: counter("bifrost_missing_cost_total", "Requests answered by a model with no price (catalog or pricing_overrides): their cost is not in bifrost_cost_total.", ["provider", "model"]),
    firstToken: histogram("bifrost_stream_first_token_latency_seconds", "Latency of the first token of a stream response.", BUCKETS.firstToken),
    interToken: histogram("bifrost_stream_inter_token_latency_seconds", "Latency of the intermediate tokens of a stream response.", BUCKETS.interToken),
    retries: histogram("bifrost_request_retries", "Number of retries used per request (observed once per request).", BUCKETS.retries),
    keyRotations: counter("bifrost_key_rotation_events_total", "Number of key rotations: a failed attempt followed by an attempt at the same provider with a different key.", KEY_ROTATION_LABELS),
  };
}
export type Metrics = ReturnType<typeof buildMetrics>;
