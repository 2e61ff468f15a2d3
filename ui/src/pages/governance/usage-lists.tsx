/** The Budgets and Rate limits tabs: every limit the gateway holds, with its owner (GET /api/governance/budgets, /rate-limits). */
import { api } from "../../api";
import { Empty, ErrorNote, Loading, Table } from "../../components";
import { useLoad } from "../../hooks";
import { BudgetBar, RateBars } from "./limit-view";
import type { Directory, OwnedBudget, OwnedRateLimit, OwnerFields } from "./types";

/** "Virtual key app · openai", "Team Platform", "Customer Acme" (the id when the owner is not listed). */
export function ownerLabel(o: OwnerFields, dir: Directory): { kind: string; name: string } {
  if (o.virtual_key_id) {
    const name = dir.virtualKeys.find((v) => v.id === o.virtual_key_id)?.name ?? o.virtual_key_id;
    return { kind: o.provider ? "Provider config" : "Virtual key", name: o.provider ? `${name} · ${o.provider}` : name };
  }
  if (o.team_id) return { kind: "Team", name: dir.teams.find((t) => t.id === o.team_id)?.name ?? o.team_id };
  if (o.customer_id) return { kind: "Customer", name: dir.customers.find((c) => c.id === o.customer_id)?.name ?? o.customer_id };
  return { kind: "", name: "—" };
}

export function BudgetsTab(props: { dir: Directory; refresh: number; pollMs: number }) {
  const r = useLoad((signal) => api.get<{ budgets: OwnedBudget[] }>("/api/governance/budgets", { signal }), [props.refresh], props.pollMs);
  if (r.error && !r.data) return <ErrorNote error={r.error} onRetry={r.reload} />;
  if (!r.data) return <Loading />;
  if (!r.data.budgets.length) return <Empty>No budgets. Give a virtual key, team or customer one in its form.</Empty>;
  return (
    <>
      <ErrorNote error={r.error} />
      <Table label="Budgets" class="gov-stack">
        <thead>
          <tr>
            <th>Owner</th>
            <th>Level</th>
            <th>Usage</th>
          </tr>
        </thead>
        <tbody>
          {r.data.budgets.map((b) => {
            const o = ownerLabel(b, props.dir);
            return (
              <tr key={b.id}>
                <td class="wrap" data-label="Owner"><strong>{o.name}</strong></td>
                <td data-label="Level">{o.kind}</td>
                <td data-label="Usage"><BudgetBar budget={b} owner={o.name} /></td>
              </tr>
            );
          })}
        </tbody>
      </Table>
    </>
  );
}

export function RateLimitsTab(props: { dir: Directory; refresh: number; pollMs: number }) {
  const r = useLoad((signal) => api.get<{ rate_limits: OwnedRateLimit[] }>("/api/governance/rate-limits", { signal }), [props.refresh], props.pollMs);
  if (r.error && !r.data) return <ErrorNote error={r.error} onRetry={r.reload} />;
  if (!r.data) return <Loading />;
  if (!r.data.rate_limits.length) return <Empty>No rate limits. Give a virtual key, team or customer one in its form.</Empty>;
  return (
    <>
      <ErrorNote error={r.error} />
      <Table label="Rate limits" class="gov-stack">
        <thead>
          <tr>
            <th>Owner</th>
            <th>Level</th>
            <th>Usage</th>
          </tr>
        </thead>
        <tbody>
          {r.data.rate_limits.map((rl) => {
            const o = ownerLabel(rl, props.dir);
            return (
              <tr key={rl.id}>
                <td class="wrap" data-label="Owner"><strong>{o.name}</strong></td>
                <td data-label="Level">{o.kind}</td>
                <td data-label="Usage"><div class="gov-limits"><RateBars rate={rl} owner={o.name} /></div></td>
              </tr>
            );
          })}
        </tbody>
      </Table>
    </>
  );
}
