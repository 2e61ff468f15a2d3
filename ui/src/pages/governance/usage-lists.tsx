/** The Budgets and Rate limits tabs: every limit the gateway holds, with its owner (GET /api/governance/budgets, /rate-limits). */
import type { ComponentChildren } from "preact";
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

interface TabProps {
  dir: Directory;
  refresh: number;
  pollMs: number;
}

export function BudgetsTab(props: TabProps) {
  return (
    <OwnedLimits<OwnedBudget>
      {...props}
      path="/api/governance/budgets"
      field="budgets"
      label="Budgets"
      empty="No budgets. Give a virtual key, team or customer one in its form."
      usage={(b, owner) => <BudgetBar budget={b} owner={owner} />}
    />
  );
}

export function RateLimitsTab(props: TabProps) {
  return (
    <OwnedLimits<OwnedRateLimit>
      {...props}
      path="/api/governance/rate-limits"
      field="rate_limits"
      label="Rate limits"
      empty="No rate limits. Give a virtual key, team or customer one in its form."
      usage={(rl, owner) => <div class="gov-limits"><RateBars rate={rl} owner={owner} /></div>}
    />
  );
}

/** One listing of limits (budgets or rate limits), each with its owner and its usage. */
function OwnedLimits<T extends OwnerFields & { id: string }>(
  props: TabProps & { path: string; field: string; label: string; empty: string; usage: (limit: T, owner: string) => ComponentChildren },
) {
  const r = useLoad((signal) => api.get<Record<string, T[]>>(props.path, { signal }), [props.refresh], props.pollMs);
  if (r.error && !r.data) return <ErrorNote error={r.error} onRetry={r.reload} />;
  if (!r.data) return <Loading />;
  const limits = r.data[props.field] ?? [];
  if (!limits.length) return <Empty>{props.empty}</Empty>;
  return (
    <>
      <ErrorNote error={r.error} />
      <Table label={props.label} class="gov-stack">
        <thead>
          <tr>
            <th>Owner</th>
            <th>Level</th>
            <th>Usage</th>
          </tr>
        </thead>
        <tbody>
          {limits.map((l) => {
            const o = ownerLabel(l, props.dir);
            return (
              <tr key={l.id}>
                <td class="wrap" data-label="Owner"><strong>{o.name}</strong></td>
                <td data-label="Level">{o.kind}</td>
                <td data-label="Usage">{props.usage(l, o.name)}</td>
              </tr>
            );
          })}
        </tbody>
      </Table>
    </>
  );
}
