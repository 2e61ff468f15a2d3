/**
 * Logs: every request the gateway logged, newest first, growing live from the /ws feed (rows that
 * match the filters; a pause holds them back), with Go's stats strip, filters in the hash query
 * (#/logs?status=error&period=1h, linkable), paging for older rows, and a request's detail at
 * #/logs/<id>. Reads the logging plugin's /api/logs, /api/logs/stats and /api/logs/filterdata.
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api, ApiError, query } from "../api";
import { Badge, Button, Empty, ErrorNote, Loading, PageHeader, toast } from "../components";
import { fmtCost, fmtInt, fmtMs, fmtPct } from "../format";
import { useLoad } from "../hooks";
import { onFeedState, subscribe } from "../live";
import { href, navigate } from "../router";
import type { PageProps } from ".";
import { LogDetail } from "./logs/detail";
import { FilterBar } from "./logs/filter-bar";
import { activeCount, apiParams, filterQuery, filtersFrom, matches, type Filters } from "./logs/filters";
import { LogTable } from "./logs/table";
import type { FilterData, LogEntry, LogsPage as LogsAnswer, LogStats } from "./logs/types";

const PAGE_SIZE = 50;
const listHref = (f: Filters) => `${href("logs")}${filterQuery(f)}`;
const detailHref = (id: string, f: Filters) => `${href("logs", id)}${filterQuery(f)}`;
/** Stats are re-read this long after the last live row (a burst costs one call). */
const STATS_DEBOUNCE_MS = 600;
const FRESH_MS = 2000;

export function LogsPage({ route }: PageProps) {
  const key = filterQuery(filtersFrom(route.params));
  const filters = useMemo(() => filtersFrom(route.params), [key]);
  const detailId = route.rest[0];

  // The page of older rows, kept per filter set: new filters start at the newest.
  const [at, setAt] = useState({ key, offset: 0 });
  const offset = at.key === key ? at.offset : 0;
  const setOffset = (o: number) => setAt({ key, offset: Math.max(0, o) });

  // Rows that arrived live since the current load began: merged into its answer, which may predate them.
  const arrivedDuringLoad = useRef<LogEntry[]>([]);
  const list = useLoad(
    (signal) => {
      arrivedDuringLoad.current = [];
      return api.get<LogsAnswer>(`/api/logs${query({ ...apiParams(filters, Date.now()), limit: PAGE_SIZE, offset })}`, { signal });
    },
    [key, offset],
  );

  const [rows, setRows] = useState<LogEntry[]>([]);
  const [total, setTotal] = useState(0);
  const [stats, setStats] = useState<LogStats | null>(null);
  const [hasLogs, setHasLogs] = useState(true);
  const [missed, setMissed] = useState(0);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => {
    const d = list.data;
    if (!d) return;
    const extra = offset === 0 ? arrivedDuringLoad.current.filter((e) => !d.logs.some((l) => l.id === e.id)) : [];
    setRows([...extra, ...d.logs].slice(0, PAGE_SIZE));
    setTotal(d.pagination.total_count + extra.length);
    setStats(d.stats);
    setHasLogs(d.has_logs || extra.length > 0);
    setMissed(0);
  }, [list.data]);

  const filterData = useLoad((signal) => api.get<FilterData>("/api/logs/filterdata", { signal }), []);
  const [options, setOptions] = useState<FilterData | undefined>(undefined);
  useEffect(() => {
    if (filterData.data) setOptions(filterData.data);
  }, [filterData.data]);

  const [paused, setPaused] = useState(false);
  const [feedUp, setFeedUp] = useState(false);
  useEffect(() => onFeedState(setFeedUp), []);

  // The live feed: the handler reads the current view through a ref (it is subscribed once).
  const view = useRef({ filters, key, offset, paused, rows });
  view.current = { filters, key, offset, paused, rows };
  const statsTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    const refreshStats = () => {
      clearTimeout(statsTimer.current);
      statsTimer.current = setTimeout(() => {
        const { filters: f, key: k } = view.current;
        api
          .get<LogStats>(`/api/logs/stats${query(apiParams(f, Date.now()))}`)
          .then((s) => {
            if (view.current.key === k) setStats(s);
          })
          .catch((e: Error) => toast(`Stats could not be refreshed: ${e.message}`, "bad"));
      }, STATS_DEBOUNCE_MS);
    };
    const off = subscribe("log", (m) => {
      if (m.operation !== "create" || !m.payload) return;
      const e = m.payload as LogEntry;
      setOptions((o) => withOptionsOf(o, e));
      const v = view.current;
      if (!matches(e, v.filters, Date.now()) || v.rows.some((r) => r.id === e.id)) return;
      if (v.paused || v.offset > 0) {
        setMissed((n) => n + 1);
        return;
      }
      // Only the newest page's worth is ever merged: older ones need not be kept between loads.
      const arrived = arrivedDuringLoad.current;
      arrived.push(e);
      if (arrived.length > PAGE_SIZE) arrived.shift();
      setRows((rs) => (rs.some((r) => r.id === e.id) ? rs : [e, ...rs].slice(0, PAGE_SIZE)));
      setTotal((t) => t + 1);
      setHasLogs(true);
      setFresh((s) => new Set(s).add(e.id));
      setTimeout(() => setFresh((s) => {
        const n = new Set(s);
        n.delete(e.id);
        return n;
      }), FRESH_MS);
      refreshStats();
    });
    return () => {
      off();
      clearTimeout(statsTimer.current);
    };
  }, []);

  const loggingOff = list.error instanceof ApiError && list.error.status === 404 && list.error.code === "route_not_found";
  if (loggingOff) return <LoggingOff />;

  const showNewest = () => {
    if (offset) setOffset(0);
    else void list.reload();
  };
  const firstLoad = list.loading && !list.data;

  return (
    <>
      <PageHeader
        title="Logs"
        subtitle="Every request through the gateway, newest first; new ones appear as they arrive."
        actions={
          <>
            {paused ? <Badge tone="warn">Paused</Badge> : feedUp ? <Badge tone="ok">Live</Badge> : <Badge tone="bad" title="the live feed is reconnecting">Offline</Badge>}
            <Button
              aria-pressed={paused}
              onClick={() => {
                setPaused(!paused);
                if (paused && missed) showNewest();
              }}
            >
              {paused ? "Resume live" : "Pause live"}
            </Button>
            <Button onClick={() => void list.reload()} busy={list.loading && !!list.data}>Refresh</Button>
          </>
        }
      />
      <FilterBar filters={filters} data={options} onChange={(f) => navigate(listHref(f))} />
      {stats ? <StatsStrip stats={stats} /> : null}
      <ErrorNote error={list.error} onRetry={list.reload} />
      {!list.error && filterData.error ? <ErrorNote error={new Error(`Filter choices could not be loaded: ${filterData.error.message}`)} onRetry={filterData.reload} /> : null}
      {missed ? (
        <div class="note" role="status">
          <span>{`${fmtInt(missed)} new ${missed === 1 ? "request" : "requests"} ${paused ? "while paused" : "above this page"}.`}</span>
          <Button variant="ghost" onClick={showNewest}>Show newest</Button>
        </div>
      ) : null}
      {firstLoad ? (
        <Loading />
      ) : rows.length ? (
        <>
          <LogTable rows={rows} fresh={fresh} hrefOf={(id) => detailHref(id, filters)} />
          <Pager offset={offset} shown={rows.length} total={total} onOffset={setOffset} />
        </>
      ) : !list.error ? (
        !hasLogs && !activeCount(filters) ? (
          <Empty>No requests logged yet. Send one through <code>/v1/chat/completions</code> and it appears here as it happens.</Empty>
        ) : (
          <Empty>
            No requests match these filters.{" "}
            {activeCount(filters) ? <Button variant="ghost" onClick={() => navigate(listHref(filtersFrom(new URLSearchParams())))}>Clear filters</Button> : null}
          </Empty>
        )
      ) : null}
      {detailId ? <LogDetail id={detailId} onClose={() => navigate(listHref(filters))} /> : null}
    </>
  );
}

/** A live row's model, provider and virtual key added to the dropdowns when they are new. */
function withOptionsOf(o: FilterData | undefined, e: LogEntry): FilterData | undefined {
  if (!o) return o;
  const add = (xs: string[], x: string | undefined) => (x && !xs.includes(x) ? [...xs, x].sort() : xs);
  const vk = e.virtual_key_id;
  const vks = vk && !o.virtual_keys.some((v) => v.id === vk) ? [...o.virtual_keys, { id: vk, name: e.virtual_key_name ?? vk }].sort((a, b) => a.name.localeCompare(b.name)) : o.virtual_keys;
  const models = add(o.models, e.model);
  const providers = add(o.providers, e.provider);
  return models === o.models && providers === o.providers && vks === o.virtual_keys ? o : { ...o, models, providers, virtual_keys: vks };
}

function Stat(props: { label: string; value: string }) {
  return (
    <div class="stat" role="group" aria-label={props.label}>
      <div class="value">{props.value}</div>
      <div class="label">{props.label}</div>
    </div>
  );
}

function StatsStrip({ stats }: { stats: LogStats }) {
  return (
    <div class="stats" aria-label="Totals for these filters">
      <Stat label="Requests" value={fmtInt(stats.total_requests)} />
      <Stat label="Success rate" value={stats.total_requests ? fmtPct(stats.success_rate / 100) : "—"} />
      <Stat label="Avg latency" value={stats.total_requests ? fmtMs(stats.average_latency) : "—"} />
      <Stat label="Tokens" value={fmtInt(stats.total_tokens)} />
      <Stat label="Cost" value={fmtCost(stats.total_cost)} />
    </div>
  );
}

function Pager(props: { offset: number; shown: number; total: number; onOffset: (o: number) => void }) {
  const { offset, shown, total } = props;
  return (
    <div class="row logs-pager">
      <span class="muted" aria-live="polite">{`${fmtInt(offset + 1)}–${fmtInt(offset + shown)} of ${fmtInt(total)}`}</span>
      <span class="actions">
        <Button aria-label="Newer requests" disabled={offset === 0} onClick={() => props.onOffset(offset - PAGE_SIZE)}>← Newer</Button>
        <Button aria-label="Older requests" disabled={offset + shown >= total} onClick={() => props.onOffset(offset + PAGE_SIZE)}>Older →</Button>
      </span>
    </div>
  );
}

const ENABLE = `{
  "logs_store": {
    "enabled": true,
    "type": "sqlite",
    "config": { "path": "./logs.db" }
  }
}`;

/** /api/logs is not mounted: request logging is off in this gateway's config. */
function LoggingOff() {
  return (
    <>
      <PageHeader title="Logs" />
      <section class="card" aria-label="Request logging is off">
        <h2>Request logging is off</h2>
        <p>
          This gateway keeps no request logs, so there is nothing to show. Turn logging on with <code>logs_store</code> in <code>config.json</code> and
          restart the gateway; every request is then logged and appears here live.
        </p>
        <pre class="json">{ENABLE}</pre>
        <p class="muted">
          For PostgreSQL (replicas sharing one log table) use <code>"type": "postgres"</code> with <code>host</code>, <code>port</code>, <code>user</code>,{" "}
          <code>password</code> and <code>db_name</code>. <code>client.disable_content_logging</code> keeps metadata only; <code>client.enable_logging: false</code>{" "}
          turns logging off again.
        </p>
      </section>
    </>
  );
}
