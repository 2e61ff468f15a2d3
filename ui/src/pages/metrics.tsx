/**
 * Metrics: requests/s, error rate, latency (p50/p99), tokens and cost over a time range, overall, by
 * provider and by model — charts over Go Bifrost's /api/logs/histogram/* (the logging plugin's
 * store). Range and filters live in the hash (#/metrics?range=6h&provider=openai), so a view can be
 * shared; the page refreshes itself while visible.
 */
import { useRef, useState } from "preact/hooks";
import { ApiError, api, query } from "../api";
import { Button, Empty, ErrorNote, Field, Loading, PageHeader, Table } from "../components";
import { fmtCost, fmtInt, fmtMs, fmtPct } from "../format";
import { useLoad, useStored } from "../hooks";
import { navigate } from "../router";
import type { PageProps } from ".";
import { BAD, Chart, OK } from "./metrics/chart";
import { loadMetrics, rangeOf, RANGES } from "./metrics/data";
import type { Metrics } from "./metrics/series";

/** Axis and legend numbers: 1.2k, 3.4M, 0.025 (small ones to two significant digits, so ticks stay apart). */
const compact = (n: number) => {
  const a = Math.abs(n);
  if (a >= 1e6) return `${+(n / 1e6).toFixed(1)}M`;
  if (a >= 1e3) return `${+(n / 1e3).toFixed(1)}k`;
  return a >= 10 || a === 0 ? `${Math.round(n)}` : `${+n.toPrecision(2)}`;
};
const perSecond = (n: number) => `${compact(n)}/s`;
const percent = (n: number) => `${compact(n)}%`;
const ms = (n: number) => (n === 0 ? "0" : fmtMs(n));

export function MetricsPage({ route }: PageProps) {
  const range = rangeOf(route.params.get("range"));
  const provider = route.params.get("provider") ?? "";
  const model = route.params.get("model") ?? "";
  const [auto, setAuto] = useStored("metrics.autoRefresh", true);
  const [updated, setUpdated] = useState<Date | null>(null);

  const set = (change: { range?: string; provider?: string; model?: string }) => {
    const next = { range: range.id, provider, model, ...change };
    navigate(`#/metrics${query({ range: next.range === "1h" ? undefined : next.range, provider: next.provider, model: next.model })}`);
  };

  const metrics = useLoad(
    async (signal) => {
      const end = Date.now();
      const m = await loadMetrics({ start: end - range.ms, end, provider: provider || undefined, model: model || undefined }, signal);
      setUpdated(new Date(end));
      return m;
    },
    [range.id, provider, model],
    auto ? range.refreshMs : undefined,
  );
  const configured = useLoad((signal) => api.get<{ providers: Array<{ name: string }> }>("/api/providers", { signal }), []);

  // The filters' choices: configured providers and every provider and model seen since the page opened
  // (a filtered answer only names what it kept, and the chosen one must stay in its list).
  const seen = useRef({ providers: new Set<string>(), models: new Set<string>() });
  for (const p of configured.data?.providers ?? []) seen.current.providers.add(p.name);
  for (const p of metrics.data?.providers ?? []) seen.current.providers.add(p);
  for (const m of metrics.data?.models ?? []) seen.current.models.add(m);
  if (provider) seen.current.providers.add(provider);
  if (model) seen.current.models.add(model);
  const providers = [...seen.current.providers].sort();
  const models = [...seen.current.models].sort();

  const loggingOff = metrics.error instanceof ApiError && metrics.error.status === 404 && metrics.error.code === "route_not_found";
  const m = metrics.data;

  return (
    <>
      <PageHeader
        title="Metrics"
        subtitle="Requests, latency, tokens and cost over time, from the request logs."
        actions={
          <>
            <label class="check">
              <input type="checkbox" checked={auto} onChange={(e) => setAuto(e.currentTarget.checked)} /> Auto-refresh
            </label>
            <Button onClick={() => void metrics.reload()}>Refresh</Button>
          </>
        }
      />

      {loggingOff ? (
        <LoggingOff />
      ) : (
        <>
          <div class="filters metrics-filters">
            <div class="field">
              <span class="field-label" id="metrics-range">Time range</span>
              <div class="segmented" role="group" aria-labelledby="metrics-range">
                {RANGES.map((r) => (
                  <button type="button" class={`btn ${r.id === range.id ? "primary" : ""}`} aria-pressed={r.id === range.id} onClick={() => set({ range: r.id })}>
                    {r.label}
                  </button>
                ))}
              </div>
            </div>
            <Field label="Provider">
              {(id) => (
                <select id={id} value={provider} onChange={(e) => set({ provider: e.currentTarget.value })}>
                  <option value="">All providers</option>
                  {providers.map((p) => <option value={p}>{p}</option>)}
                </select>
              )}
            </Field>
            <Field label="Model">
              {(id) => (
                <select id={id} value={model} onChange={(e) => set({ model: e.currentTarget.value })}>
                  <option value="">All models</option>
                  {models.map((x) => <option value={x}>{x}</option>)}
                </select>
              )}
            </Field>
          </div>
          <p class="muted metrics-status" aria-live="polite" aria-busy={metrics.loading}>
            {updated ? `Last ${range.label}, updated ${updated.toLocaleTimeString("en-GB", { hour12: false })}` : ""}
            {m ? ` · ${bucketLabel(m.bucketSeconds)} buckets` : ""}
            {auto ? ` · refreshes every ${range.refreshMs / 1000} s` : " · auto-refresh off"}
          </p>
          <ErrorNote error={metrics.error} onRetry={() => void metrics.reload()} />
          <ErrorNote error={configured.error} onRetry={() => void configured.reload()} />
          {m ? <MetricsView m={m} rangeLabel={range.label} /> : metrics.loading ? <Loading /> : null}
        </>
      )}
    </>
  );
}

function bucketLabel(s: number): string {
  return s < 3600 ? `${s / 60}-minute` : s < 86400 ? `${s / 3600}-hour` : `${s / 86400}-day`;
}

function Stat(props: { label: string; value: string; detail?: string }) {
  return (
    <div class="stat" role="group" aria-label={props.label}>
      <div class="label">{props.label}</div>
      <div class="value">{props.value}</div>
      {props.detail ? <div class="label">{props.detail}</div> : null}
    </div>
  );
}

function MetricsView({ m, rangeLabel }: { m: Metrics; rangeLabel: string }) {
  const t = m.totals;
  return (
    <>
      <div class="stats">
        <Stat label="Requests" value={fmtInt(t.requests)} detail={t.errors || t.cancelled ? `${fmtInt(t.errors)} failed, ${fmtInt(t.cancelled)} cancelled` : undefined} />
        <Stat label="Success rate" value={fmtPct(t.successRate)} />
        <Stat label="Avg latency" value={fmtMs(t.avgLatency)} />
        <Stat label="Tokens" value={fmtInt(t.tokens)} detail={`${fmtInt(t.promptTokens)} in, ${fmtInt(t.completionTokens)} out`} />
        <Stat label="Cost" value={fmtCost(t.cost)} />
      </div>
      {t.requests === 0 ? <Empty>No requests in the last {rangeLabel} for these filters.</Empty> : null}

      <section class="metrics-section" aria-labelledby="metrics-overview">
        <h2 id="metrics-overview">Overview</h2>
        <div class="grid metrics-charts">
          <Chart title="Requests per second" data={m.requests} lines={[{ label: "Success", color: OK, fill: true }, { label: "Errors", color: BAD }]} format={perSecond} />
          <Chart title="Error rate" data={m.errorRate} lines={[{ label: "Errors", color: BAD, fill: true }]} format={percent} />
          <Chart title="Latency" data={m.latency} lines={[{ label: "p50" }, { label: "p99", color: "#d97706" }]} format={ms} />
          <Chart title="Tokens" data={m.tokens} lines={[{ label: "Prompt", fill: true }, { label: "Completion" }]} format={compact} />
          <Chart title="Cost" data={m.cost} lines={[{ label: "Cost", fill: true }]} format={fmtCost} />
        </div>
      </section>

      <section class="metrics-section" aria-labelledby="metrics-providers">
        <h2 id="metrics-providers">By provider</h2>
        <div class="grid metrics-charts">
          <Chart title="Requests per second by provider" data={m.byProvider.requests} lines={m.providers.map((label) => ({ label }))} format={perSecond} />
          <Chart title="p99 latency by provider" data={m.byProvider.latency} lines={m.providers.map((label) => ({ label }))} format={ms} />
          <Chart title="Tokens by provider" data={m.byProvider.tokens} lines={m.providers.map((label) => ({ label }))} format={compact} />
          <Chart title="Cost by provider" data={m.byProvider.cost} lines={m.providers.map((label) => ({ label }))} format={fmtCost} />
        </div>
        <Table label="Totals by provider" class="metrics-totals">
          <thead>
            <tr><th>Provider</th><th class="num">Requests</th><th class="num">Tokens</th><th class="num">Cost</th></tr>
          </thead>
          <tbody>
            {m.byProvider.totals.map((p) => (
              <tr key={p.name}><td>{p.name}</td><td class="num">{fmtInt(p.requests)}</td><td class="num">{fmtInt(p.tokens)}</td><td class="num">{fmtCost(p.cost)}</td></tr>
            ))}
          </tbody>
        </Table>
      </section>

      <section class="metrics-section" aria-labelledby="metrics-models">
        <h2 id="metrics-models">By model</h2>
        <div class="grid metrics-charts">
          <Chart title="Requests per second by model" data={m.byModel.requests} lines={m.models.map((label) => ({ label }))} format={perSecond} />
          <Chart title="Cost by model" data={m.byModel.cost} lines={m.models.map((label) => ({ label }))} format={fmtCost} />
        </div>
        <Table label="Totals by model" class="metrics-totals">
          <thead>
            <tr><th>Model</th><th class="num">Requests</th><th class="num">Errors</th><th class="num">Cost</th></tr>
          </thead>
          <tbody>
            {m.byModel.totals.map((x) => (
              <tr key={x.name}><td>{x.name}</td><td class="num">{fmtInt(x.requests)}</td><td class="num">{fmtInt(x.errors)}</td><td class="num">{fmtCost(x.cost)}</td></tr>
            ))}
          </tbody>
        </Table>
      </section>
    </>
  );
}

function LoggingOff() {
  return (
    <div class="card">
      <h2>Request logging is off</h2>
      <p>
        The charts are drawn from the request logs, and this gateway keeps none. Turn logging on with <code>logs_store</code> in{" "}
        <code>config.json</code>, then restart the gateway (or send it <code>SIGHUP</code> to re-read the file):
      </p>
      <pre class="json">{`"logs_store": {
  "enabled": true,
  "type": "sqlite",
  "config": { "path": "./logs.db" }
}`}</pre>
      <p class="muted">PostgreSQL works too (<code>"type": "postgres"</code>), for replicas sharing one log table.</p>
    </div>
  );
}
