/** One provider as a card: its settings, queue, and a table of its keys with their recent error rate and circuits. */
import { Badge, Button, statusTone, Table } from "../../components";
import { fmtInt, fmtPct, fmtRelative } from "../../format";
import { keyName, modelsText, type Circuit, type KeyStat, type Provider } from "./types";

export interface CardActions {
  test(p: Provider, index: number | null): void;
  edit(p: Provider): void;
  remove(p: Provider): void;
  addKey(p: Provider): void;
  editKey(p: Provider, index: number): void;
  removeKey(p: Provider, index: number): void;
}

function rateTone(rate: number | null): "ok" | "warn" | "bad" | "muted" {
  if (rate === null) return "muted";
  return rate >= 0.5 ? "bad" : rate >= 0.05 ? "warn" : "ok";
}

function CircuitBadges(props: { circuits: Circuit[] }) {
  if (!props.circuits.length) return <span class="muted">no traffic yet</span>;
  return (
    <span class="pv-badges">
      {props.circuits.map((c) => (
        <Badge
          tone={statusTone(c.state)}
          title={`${c.consecutive_failures} consecutive failure(s)${c.opened_at ? `, opened ${fmtRelative(c.opened_at)}` : ""}`}
        >
          {c.model}: {c.state.replace("_", "-")}
        </Badge>
      ))}
    </span>
  );
}

export function ProviderCard(props: { provider: Provider; actions: CardActions }) {
  const p = props.provider;
  const a = props.actions;
  const q = p.queue;
  const stats = new Map<string, KeyStat>((p.key_stats ?? []).map((s) => [s.key, s]));
  const windowMin = Math.round((p.key_stats?.[0]?.window_seconds ?? 300) / 60);
  return (
    <section class="card pv-card" aria-labelledby={`pv-${p.name}`} data-provider={p.name}>
      <header class="pv-head">
        <div class="pv-title">
          <h2 id={`pv-${p.name}`}>{p.name}</h2>
          <Badge tone="info">{p.type}</Badge>
          {p.custom_provider_config ? <Badge title={`custom_provider_config over ${p.custom_provider_config.base_provider_type}`}>custom</Badge> : null}
          {p.custom_provider_config?.is_key_less ? <Badge>keyless</Badge> : null}
        </div>
        <div class="actions">
          <Button aria-label={`Test provider ${p.name}`} onClick={() => a.test(p, null)}>Test</Button>
          <Button aria-label={`Edit provider ${p.name}`} onClick={() => a.edit(p)}>Edit</Button>
          <Button variant="danger" aria-label={`Delete provider ${p.name}`} onClick={() => a.remove(p)}>Delete</Button>
        </div>
      </header>
      <dl class="pv-meta">
        <div class="pv-url">
          <dt>Base URL</dt>
          <dd class="mono">{p.base_url || <span class="muted">from the key's config</span>}</dd>
        </div>
        <div>
          <dt>Keys</dt>
          <dd>{fmtInt(p.keys.length)}</dd>
        </div>
        <div>
          <dt>Queue</dt>
          <dd data-testid="queue">{q ? <>{fmtInt(q.in_flight)} in flight · {fmtInt(q.queued)} queued · limit {fmtInt(q.concurrency)}</> : "—"}</dd>
        </div>
        <div>
          <dt>Timeout · retries</dt>
          <dd>{p.network_config.default_request_timeout_in_seconds ?? "—"} s · {p.network_config.max_retries ?? 0}</dd>
        </div>
      </dl>
      {p.keys.length ? (
        <Table label={`Keys of ${p.name}`} class="pv-keys">
          <thead>
            <tr>
              <th>Key</th>
              <th>Models</th>
              <th class="num">Weight</th>
              <th class="num" title={`Failed attempts of all attempts in the last ${windowMin} minutes`}>Errors ({windowMin} min)</th>
              <th class="num">Error rate</th>
              <th>Circuits</th>
              <th><span class="pv-sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {p.keys.map((k, i) => {
              const name = keyName(p, k, i);
              const s = stats.get(name);
              return (
                <tr data-key={name}>
                  <td class="pv-key">
                    <strong>{name}</strong>
                    {k.value?.startsWith("env.") ? <div class="muted mono">{k.value}</div> : null}
                    {k.enabled === false ? <div><Badge>disabled</Badge></div> : null}
                  </td>
                  <td class="wrap pv-models" data-label="Models">{modelsText(k.models) || <span class="muted">all</span>}</td>
                  <td class="num" data-label="Weight">{k.weight ?? 1}</td>
                  <td class="num" data-label={`Errors (${windowMin} min)`} data-testid="errors">{fmtInt(s?.errors ?? 0)} of {fmtInt(s?.requests ?? 0)}</td>
                  <td class="num" data-label="Error rate" data-testid="error-rate">
                    <Badge tone={rateTone(s?.error_rate ?? null)}>{fmtPct(s?.error_rate ?? null, 0)}</Badge>
                  </td>
                  <td data-label="Circuits"><CircuitBadges circuits={p.circuits.filter((c) => c.key === name)} /></td>
                  <td class="pv-key-actions">
                    <div class="actions pv-row-actions">
                      <Button aria-label={`Test key ${name} of ${p.name}`} onClick={() => a.test(p, i)}>Test</Button>
                      <Button aria-label={`Edit key ${name} of ${p.name}`} onClick={() => a.editKey(p, i)}>Edit</Button>
                      <Button variant="danger" aria-label={`Delete key ${name} of ${p.name}`} onClick={() => a.removeKey(p, i)}>Delete</Button>
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      ) : (
        <p class="muted">No keys{p.custom_provider_config?.is_key_less ? ": this provider needs none." : "."}</p>
      )}
      <div class="actions pv-foot">
        <Button aria-label={`Add key to ${p.name}`} onClick={() => a.addKey(p)}>+ Add key</Button>
      </div>
    </section>
  );
}
