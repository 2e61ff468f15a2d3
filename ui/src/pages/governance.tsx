/**
 * Governance: virtual keys, teams and customers with their budgets and rate limits (the governance
 * plugin's /api/governance/*, Go Bifrost's shapes). Usage refreshes every few seconds while the tab
 * is visible, right after a request is logged, and on Refresh. When the routes are not there
 * (governance off), the page says how to turn it on.
 */
import { useEffect, useState } from "preact/hooks";
import { api, ApiError } from "../api";
import { Button, ErrorNote, Loading, PageHeader, Tabs } from "../components";
import { useLoad } from "../hooks";
import { subscribe } from "../live";
import { href, navigate } from "../router";
import type { PageProps } from ".";
import { OwnersTab } from "./governance/owners";
import type { CustomerView, Directory, TeamView, VirtualKeyView } from "./governance/types";
import { BudgetsTab, RateLimitsTab } from "./governance/usage-lists";
import { VirtualKeysTab } from "./governance/virtual-keys";

const POLL_MS = 3000;
/** After a request is logged, its usage is settled a moment later (the plugin's end hook). */
const AFTER_LOG_MS = 400;

const TABS = [
  { id: "virtual-keys", label: "Virtual keys" },
  { id: "teams", label: "Teams" },
  { id: "customers", label: "Customers" },
  { id: "budgets", label: "Budgets" },
  { id: "rate-limits", label: "Rate limits" },
] as const;
type TabId = (typeof TABS)[number]["id"];

async function loadDirectory(signal: AbortSignal): Promise<Directory> {
  const [v, t, c] = await Promise.all([
    api.get<{ virtual_keys: VirtualKeyView[] }>("/api/governance/virtual-keys", { signal }),
    api.get<{ teams: TeamView[] }>("/api/governance/teams", { signal }),
    api.get<{ customers: CustomerView[] }>("/api/governance/customers", { signal }),
  ]);
  return { virtualKeys: v.virtual_keys, teams: t.teams, customers: c.customers };
}

function GovernanceOff() {
  return (
    <div class="card" role="note" aria-label="Governance is off">
      <h2>Governance is off</h2>
      <p>
        This gateway does not run the governance plugin, so there are no virtual keys, budgets or rate limits. Turn it on in
        <code> config.json</code> with <code>"client": {"{"} "enable_governance": true {"}"}</code>, or with a <code>governance</code> section
        that declares <code>virtual_keys</code>, <code>teams</code> or <code>customers</code>, then restart the gateway (or reload its config).
      </p>
      <pre class="json">{`{
  "client": { "enable_governance": true },
  "governance": { "virtual_keys": [] }
}`}</pre>
    </div>
  );
}

export function GovernancePage(props: PageProps) {
  const tab: TabId = TABS.find((t) => t.id === props.route.rest[0])?.id ?? "virtual-keys";
  /** Bumped to reload the open tab's own list (budgets, rate limits) with the directory. */
  const [refresh, setRefresh] = useState(0);
  const [refreshing, setRefreshing] = useState(false);
  const dir = useLoad(loadDirectory, [], POLL_MS);
  const providers = useLoad((signal) => api.get<{ providers: Array<{ name: string }> }>("/api/providers", { signal }).then((r) => r.providers.map((p) => p.name)), []);

  // A request just went through: its key's usage moves as soon as it is settled.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = subscribe("log", () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        void dir.reload();
        setRefresh((n) => n + 1);
      }, AFTER_LOG_MS);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, []);

  const off = dir.error instanceof ApiError && dir.error.status === 404;
  const manual = async () => {
    setRefreshing(true);
    setRefresh((n) => n + 1);
    await dir.reload();
    setRefreshing(false);
  };

  return (
    <div class="gov-page">
      <PageHeader
        title="Governance"
        subtitle="Virtual keys, teams and customers, with their budgets and rate limits."
        actions={off ? null : <Button onClick={manual} busy={refreshing} aria-label="Refresh usage">Refresh</Button>}
      />
      {off ? (
        <GovernanceOff />
      ) : (
        <>
          <Tabs label="Governance" tabs={[...TABS]} value={tab} onChange={(id) => navigate(href("governance", id))} />
          {dir.error ? <ErrorNote error={dir.error} onRetry={dir.reload} /> : null}
          {providers.error ? <div class="note warn">Provider names could not be loaded ({providers.error.message}); type them in.</div> : null}
          {!dir.data ? (
            dir.error ? null : <Loading />
          ) : tab === "virtual-keys" ? (
            <VirtualKeysTab dir={dir.data} providers={providers.data ?? []} reload={dir.reload} />
          ) : tab === "teams" ? (
            <OwnersTab kind="team" dir={dir.data} reload={dir.reload} />
          ) : tab === "customers" ? (
            <OwnersTab kind="customer" dir={dir.data} reload={dir.reload} />
          ) : tab === "budgets" ? (
            <BudgetsTab dir={dir.data} refresh={refresh} pollMs={POLL_MS} />
          ) : (
            <RateLimitsTab dir={dir.data} refresh={refresh} pollMs={POLL_MS} />
          )}
        </>
      )}
    </div>
  );
}
