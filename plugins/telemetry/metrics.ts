/**
 * The metrics, with Go Bifrost's names, label names and buckets (plugins/telemetry in Go), kept by the
 * plugin itself: one series record per label set holds every counter and histogram a request adds, so a
 * request costs one Map lookup, not one label hash per metric (prom-client's way). Rendered in the
 * Prometheus text format 0.0.4 when scraped. Metrics Go does not have are marked "ours".
 */
import type { GatewayRuntime } from "bifrost/plugin";
import { BIFROST_LABELS, LabelCap, SEP } from "./labels";

export { BIFROST_LABELS };

export const HTTP_LABELS = ["path", "method", "status"] as const;
export const KEY_ROTATION_LABELS = ["provider", "requested_model", "key_id", "key_name", "fail_reason"];
export const KEY_UP_LABELS = ["provider", "key_id", "key_name", "model"];

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

/** One histogram series: a count per bucket (not cumulative; the last is +Inf), the sum and the count. */
export class Hist {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }
  observe(v: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && v > b[i]!) i++;
    this.counts[i]!++;
    this.sum += v;
    this.count++;
  }
}

/**
 * Everything requests with one label set (BIFROST_LABELS, then the custom labels) add. `own` and `custom`
 * are the label pairs rendered once, when the series is first seen; a counter shows once it is above 0,
 * a histogram once it has an observation (as a prom-client series shows once touched).
 */
export class RequestSeries {
  success = 0;
  inputTokens = 0;
  outputTokens = 0;
  cacheReadTokens = 0;
  cost = 0;
  readonly overhead = new Hist(BUCKETS.overheadMicros);
  readonly retries = new Hist(BUCKETS.retries);
  firstToken: Hist | null = null;
  interToken: Hist | null = null;
  /** Failures by their rendered `status_code="…",error_type="…"` pairs. */
  errors: Map<string, number> | null = null;
  /** Cache hits by cache_type. */
  cacheHits: Map<string, number> | null = null;
  constructor(
    readonly own: string,
    readonly custom: string,
  ) {}

  error(pairs: string): void {
    const m = (this.errors ??= new Map());
    m.set(pairs, (m.get(pairs) ?? 0) + 1);
  }
  cacheHit(type: string): void {
    const m = (this.cacheHits ??= new Map());
    m.set(type, (m.get(type) ?? 0) + 1);
  }
}

/** Provider calls with one label set (each attempt's own provider, model, key and fallback_index). */
export class AttemptSeries {
  requests = 0;
  ok: Hist | null = null;
  failed: Hist | null = null;
  constructor(
    readonly own: string,
    readonly custom: string,
  ) {}

  observe(ok: boolean, seconds: number): void {
    this.requests++;
    (ok ? (this.ok ??= new Hist(BUCKETS.upstreamLatency)) : (this.failed ??= new Hist(BUCKETS.upstreamLatency))).observe(seconds);
  }
}

/** HTTP exchanges with one label set (HTTP_LABELS, then the custom labels). */
export class HttpSeries {
  requests = 0;
  readonly duration = new Hist(BUCKETS.upstreamLatency);
  requestSize: Hist | null = null;
  responseSize: Hist | null = null;
  constructor(readonly labels: string) {}
}

/** A counter with its own label names (key rotations, missing cost): rendered labels and count per label set. */
export class LabelledCounter {
  readonly series = new Map<string, { labels: string; n: number }>();
  constructor(readonly names: readonly string[]) {}
  inc(values: readonly string[]): void {
    const key = values.join(SEP);
    const s = this.series.get(key);
    if (s) s.n++;
    else this.series.set(key, { labels: labelPairs(this.names, values, 0, values.length), n: 1 });
  }
}

/** The plugin's metrics: series maps keyed by the label values joined with SEP, and the gauges read from `runtime` when scraped. */
export class Telemetry {
  readonly requests = new Map<string, RequestSeries>();
  readonly attempts = new Map<string, AttemptSeries>();
  readonly http = new Map<string, HttpSeries>();
  readonly keyRotations = new LabelledCounter(KEY_ROTATION_LABELS);
  readonly missingCost = new LabelledCounter(["provider", "model"]);
  readonly cap: LabelCap;
  /** Per custom label, the headers that carry its value, in Go's order. */
  readonly dimensions: readonly (readonly string[])[];

  constructor(
    readonly custom: readonly string[],
    maxLabelValues: number,
    private readonly runtime: GatewayRuntime,
  ) {
    this.cap = new LabelCap(maxLabelValues);
    this.dimensions = custom.map(dimensionHeaders);
  }

  request(key: string, values: readonly string[]): RequestSeries {
    let s = this.requests.get(key);
    if (!s) this.requests.set(key, (s = new RequestSeries(...this.pairs(BIFROST_LABELS, values))));
    return s;
  }
  attempt(key: string, values: readonly string[]): AttemptSeries {
    let s = this.attempts.get(key);
    if (!s) this.attempts.set(key, (s = new AttemptSeries(...this.pairs(BIFROST_LABELS, values))));
    return s;
  }
  httpSeries(key: string, values: readonly string[]): HttpSeries {
    let s = this.http.get(key);
    if (!s) this.http.set(key, (s = new HttpSeries(this.pairs(HTTP_LABELS, values).join(""))));
    return s;
  }

  /** A label set's own pairs (`names`) and its custom ones (`,team="…"`, or "" without custom labels), rendered. */
  private pairs(names: readonly string[], values: readonly string[]): [string, string] {
    const custom = this.custom.length === 0 ? "" : "," + labelPairs(this.custom, values, names.length, values.length);
    return [labelPairs(names, values, 0, names.length), custom];
  }

  /** The whole scrape, in the Prometheus text format 0.0.4. */
  render(): string {
    const rt = this.runtime;
    let out = family("bifrost_active_requests", "Number of LLM requests currently in-flight.", "gauge");
    out += `bifrost_active_requests ${num(rt.activeRequests())}\n`;
    out += family("bifrost_provider_key_up", "Health of a provider key per model: 1 = its circuit is closed, 0 = open.", "gauge");
    for (const k of rt.keys()) out += `bifrost_provider_key_up{${labelPairs(KEY_UP_LABELS, [k.provider, "", k.key, k.model], 0, 4)}} ${k.up ? 1 : 0}\n`;
    // ours: the admission queue per provider
    const queues = rt.queues();
    out += family("bifrost_provider_queue_depth", "Calls waiting in a provider's admission queue.", "gauge");
    for (const q of queues) out += `bifrost_provider_queue_depth{provider="${escape(q.provider)}"} ${num(q.queued)}\n`;
    out += family("bifrost_provider_in_flight_requests", "Calls running against a provider.", "gauge");
    for (const q of queues) out += `bifrost_provider_in_flight_requests{provider="${escape(q.provider)}"} ${num(q.inFlight)}\n`;

    const http = [...this.http.values()];
    out += counter("http_requests_total", "Total number of HTTP requests.", http, (s) => s.labels, (s) => s.requests);
    out += histogram("http_request_duration_seconds", "Duration of HTTP requests.", http, (s) => s.labels, (s) => s.duration);
    out += histogram("http_request_size_bytes", "Size of HTTP requests.", http, (s) => s.labels, (s) => s.requestSize);
    out += histogram("http_response_size_bytes", "Size of HTTP responses.", http, (s) => s.labels, (s) => s.responseSize);

    const attempts = [...this.attempts.values()];
    const whole = (s: RequestSeries | AttemptSeries) => s.own + s.custom;
    out += counter("bifrost_upstream_requests_total", "Total number of requests forwarded to upstream providers by Bifrost.", attempts, whole, (s) => s.requests);
    out += family("bifrost_upstream_latency_seconds", "Latency of requests forwarded to upstream providers by Bifrost.", "histogram");
    for (const s of attempts) {
      if (s.ok) out += histLines("bifrost_upstream_latency_seconds", `${s.own},is_success="true"${s.custom}`, s.ok);
      if (s.failed) out += histLines("bifrost_upstream_latency_seconds", `${s.own},is_success="false"${s.custom}`, s.failed);
    }

    const req = [...this.requests.values()];
    out += histogram("bifrost_overhead_latency_microseconds", "Latency added by Bifrost itself, in microseconds: total request time minus time spent on upstream providers.", req, whole, (s) => s.overhead);
    out += counter("bifrost_success_requests_total", "Total number of successful requests forwarded to upstream providers by Bifrost.", req, whole, (s) => s.success);
    out += family("bifrost_error_requests_total", "Total number of failed requests, by raw status_code and normalized error_type.", "counter");
    for (const s of req) if (s.errors) for (const [pairs, n] of s.errors) out += `bifrost_error_requests_total{${s.own},${pairs}${s.custom}} ${n}\n`;
    out += counter("bifrost_input_tokens_total", "Total number of input tokens forwarded to upstream providers by Bifrost.", req, whole, (s) => s.inputTokens);
    out += counter("bifrost_output_tokens_total", "Total number of output tokens forwarded to upstream providers by Bifrost.", req, whole, (s) => s.outputTokens);
    out += counter("bifrost_cache_read_input_tokens_total", "Total provider-side prompt-cache read (cached) input tokens.", req, whole, (s) => s.cacheReadTokens);
    out += family("bifrost_cache_hits_total", "Total number of cache hits, separated by cache type (direct/semantic).", "counter");
    for (const s of req) if (s.cacheHits) for (const [type, n] of s.cacheHits) out += `bifrost_cache_hits_total{${s.own},cache_type="${escape(type)}"${s.custom}} ${n}\n`;
    out += counter("bifrost_cost_total", "Total cost in USD for requests to upstream providers.", req, whole, (s) => s.cost);
    // ours: an answer from a model with no price has an unknown cost, not a zero one
    out += counter("bifrost_missing_cost_total", "Requests answered by a model with no price (catalog or pricing_overrides): their cost is not in bifrost_cost_total.", [...this.missingCost.series.values()], (s) => s.labels, (s) => s.n);
    out += histogram("bifrost_stream_first_token_latency_seconds", "Latency of the first token of a stream response.", req, whole, (s) => s.firstToken);
    out += histogram("bifrost_stream_inter_token_latency_seconds", "Latency of the intermediate tokens of a stream response.", req, whole, (s) => s.interToken);
    out += histogram("bifrost_request_retries", "Number of retries used per request (observed once per request).", req, whole, (s) => s.retries);
    out += counter("bifrost_key_rotation_events_total", "Number of key rotations: a failed attempt followed by an attempt at the same provider with a different key.", [...this.keyRotations.series.values()], (s) => s.labels, (s) => s.n);
    return out;
  }
}

/** Per custom label, the headers that may carry its value: `x-bf-dim-<label>` before the legacy `x-bf-prom-<label>` (Go's order); "-" may stand for "_". */
export function dimensionHeaders(label: string): string[] {
  const name = label.toLowerCase();
  const dashed = name.replaceAll("_", "-");
  return [...new Set([`x-bf-dim-${name}`, `x-bf-dim-${dashed}`, `x-bf-prom-${name}`, `x-bf-prom-${dashed}`])];
}

function family(name: string, help: string, type: "counter" | "gauge" | "histogram"): string {
  return `# HELP ${name} ${help.replaceAll("\\", "\\\\").replaceAll("\n", "\\n")}\n# TYPE ${name} ${type}\n`;
}

function counter<S>(name: string, help: string, series: readonly S[], labels: (s: S) => string, value: (s: S) => number): string {
  let out = family(name, help, "counter");
  for (const s of series) {
    const v = value(s);
    if (v > 0) out += `${name}{${labels(s)}} ${num(v)}\n`;
  }
  return out;
}

function histogram<S>(name: string, help: string, series: readonly S[], labels: (s: S) => string, hist: (s: S) => Hist | null): string {
  let out = family(name, help, "histogram");
  for (const s of series) {
    const h = hist(s);
    if (h && h.count > 0) out += histLines(name, labels(s), h);
  }
  return out;
}

/** One histogram series: cumulative `le` buckets up to +Inf, then `_sum` and `_count`. `labels` is never empty here. */
function histLines(name: string, labels: string, h: Hist): string {
  const les = leValues(h.bounds);
  let out = "";
  let cumulative = 0;
  for (let i = 0; i < h.counts.length; i++) {
    cumulative += h.counts[i]!;
    out += `${name}_bucket{${labels},le="${les[i]}"} ${cumulative}\n`;
  }
  return out + `${name}_sum{${labels}} ${num(h.sum)}\n${name}_count{${labels}} ${h.count}\n`;
}

const LE = new Map<readonly number[], string[]>();
function leValues(bounds: readonly number[]): string[] {
  let les = LE.get(bounds);
  if (!les) LE.set(bounds, (les = [...bounds.map(num), "+Inf"]));
  return les;
}

/** `name="value"` pairs for names[i] = values[from + i], values escaped as the text format wants (backslash, double quote, newline). */
export function labelPairs(names: readonly string[], values: readonly string[], from: number, to: number): string {
  let out = "";
  for (let i = from; i < to; i++) out += `${i === from ? "" : ","}${names[i - from]}="${escape(values[i]!)}"`;
  return out;
}

function escape(v: string): string {
  return /[\\"\n]/.test(v) ? v.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n") : v;
}

/** A sample value as the text format spells it (+Inf, -Inf, NaN). */
function num(v: number): string {
  if (Number.isFinite(v)) return String(v);
  return Number.isNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
}
