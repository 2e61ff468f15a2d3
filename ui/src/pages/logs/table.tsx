/** The request log table: newest first, a row per request, each opening its detail. */
import { Badge, statusTone, Table } from "../../components";
import { fmtCost, fmtInt, fmtMs } from "../../format";
import { navigate } from "../../router";
import type { LogEntry } from "./types";

/** "14:03:22" today, "02 Jan 14:03" before. */
export function shortTime(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const time = d.toLocaleTimeString("en-GB", { hour12: false });
  if (d.toDateString() === now.toDateString()) return time;
  return `${d.toLocaleDateString("en-GB", { day: "2-digit", month: "short" })} ${time.slice(0, 5)}`;
}

export function LogTable(props: { rows: LogEntry[]; fresh: ReadonlySet<string>; hrefOf: (id: string) => string }) {
  return (
    <Table label="Request logs" class="logs-table">
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Status</th>
          <th scope="col">Provider</th>
          <th scope="col">Model</th>
          <th scope="col">Virtual key</th>
          <th scope="col" class="num">Tokens</th>
          <th scope="col" class="num">Cost</th>
          <th scope="col" class="num">Latency</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => {
          const link = props.hrefOf(r.id);
          const u = r.token_usage;
          return (
            <tr key={r.id} class={`clickable ${props.fresh.has(r.id) ? "fresh" : ""}`} data-id={r.id} onClick={(e) => {
              // The time cell's link handles its own click (and a middle click opens a tab).
              if (!(e.target as HTMLElement).closest("a")) navigate(link);
            }}>
              <td>
                <a href={link} title={new Date(r.timestamp).toLocaleString("en-GB", { hour12: false })} aria-label={`Request at ${shortTime(r.timestamp)}, ${r.status}, ${r.model}: details`}>
                  {shortTime(r.timestamp)}
                </a>
              </td>
              <td>
                <span class="row logs-status">
                  <Badge tone={statusTone(r.status)}>{r.status}</Badge>
                  {r.cache_hit ? <Badge tone="info" title={`answered from the cache (${r.cache_hit})`}>cache</Badge> : null}
                  {r.content_hidden ? <Badge title="content logging was off for this request">no content</Badge> : null}
                </span>
              </td>
              <td>{r.provider}</td>
              <td>{r.model}</td>
              <td>{r.virtual_key_name ?? <span class="muted">—</span>}</td>
              <td class="num" title={u ? `prompt ${fmtInt(u.prompt_tokens)} · completion ${fmtInt(u.completion_tokens)}` : undefined}>{u ? fmtInt(u.total_tokens) : "—"}</td>
              <td class="num">{fmtCost(r.cost)}</td>
              <td class="num">{fmtMs(r.latency)}</td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}
