/** One request's log (#/logs/<id>): what was asked and answered, tokens, cost, timing, routing and errors. */
import type { ComponentChildren } from "preact";
import { api, enc } from "../../api";
import { Badge, ErrorNote, Json, Loading, Modal, statusTone, Table } from "../../components";
import { fmtCost, fmtInt, fmtMs } from "../../format";
import { useLoad } from "../../hooks";
import type { Attempt, ChatMessage, LogEntry } from "./types";

export function LogDetail(props: { id: string; onClose: () => void }) {
  const log = useLoad((signal) => api.get<LogEntry>(`/api/logs/${enc(props.id)}`, { signal }), [props.id]);
  return (
    <Modal open title="Request log" wide onClose={props.onClose}>
      {log.error ? <ErrorNote error={log.error} onRetry={log.reload} /> : !log.data ? <Loading /> : <Body log={log.data} />}
    </Modal>
  );
}

function Item(props: { label: string; children: ComponentChildren }) {
  return (
    <div role="group" aria-label={props.label}>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

const dash = <span class="muted">—</span>;

function Body({ log }: { log: LogEntry }) {
  const u = log.token_usage;
  const err = log.error_details;
  const triedKey = log.attempt_trail?.filter((a) => a.type !== "mcp_tool").at(-1)?.keyName;
  const requested = log.requested_model && log.requested_model !== `${log.provider}/${log.model}` ? log.requested_model : null;
  return (
    <div class="logs-detail">
      <p class="mono muted logs-id">{log.id}</p>
      {log.content_hidden ? (
        <div class="note warn" role="note">Content logging was off for this request: only its metadata was kept (no messages, no answer).</div>
      ) : null}

      <section aria-label="Summary">
        <dl class="logs-kv">
          <Item label="Status">
            <Badge tone={statusTone(log.status)}>{log.status}</Badge>
          </Item>
          <Item label="Time">{new Date(log.timestamp).toLocaleString("en-GB", { hour12: false })}</Item>
          <Item label="Provider / model">{`${log.provider} / ${log.model}`}</Item>
          {requested ? <Item label="Requested as">{requested}</Item> : null}
          <Item label="Type">{`${log.object}${log.stream ? " (stream)" : ""}`}</Item>
          <Item label="Latency">{fmtMs(log.latency)}</Item>
          <Item label="Time to first token">{log.time_to_first_token === undefined ? dash : fmtMs(log.time_to_first_token)}</Item>
          <Item label="Cost">
            {log.cost !== undefined ? fmtCost(log.cost) : log.status === "success" && !log.cache_hit ? <span class="muted">unknown (no price for this model)</span> : dash}
          </Item>
        </dl>
      </section>

      <section aria-label="Tokens">
        <h3>Tokens</h3>
        <dl class="logs-kv">
          <Item label="Prompt">{fmtInt(u?.prompt_tokens)}</Item>
          <Item label="Completion">{fmtInt(u?.completion_tokens)}</Item>
          <Item label="Cached">{u ? fmtInt(u.prompt_tokens_details?.cached_tokens ?? 0) : dash}</Item>
          <Item label="Total">{fmtInt(u?.total_tokens)}</Item>
        </dl>
      </section>

      <section aria-label="Routing">
        <h3>Routing</h3>
        <dl class="logs-kv">
          <Item label="Provider key">{log.selected_key_name || (triedKey ? <span title="the key of the last attempt">{`${triedKey} (last tried)`}</span> : dash)}</Item>
          <Item label="Virtual key">{log.virtual_key_name ? <span title={log.virtual_key_id}>{log.virtual_key_name}</span> : dash}</Item>
          <Item label="Retries">{fmtInt(log.number_of_retries)}</Item>
          <Item label="Fallback">{log.fallback_index ? `fallback #${log.fallback_index}` : "primary"}</Item>
          <Item label="Cache hit">{log.cache_hit ? <Badge tone="info">{log.cache_hit}</Badge> : "no"}</Item>
          {log.answered_by ? <Item label="Answered by">{log.answered_by}</Item> : null}
        </dl>
      </section>

      {err ? (
        <section aria-label="Error">
          <h3>Error</h3>
          <div class="note bad" role="note">
            <span>
              {err.status_code ? <strong>{err.status_code} </strong> : null}
              {err.error?.message ?? "failed"}
            </span>
          </div>
          <dl class="logs-kv">
            {err.error?.type ? <Item label="Type">{err.error.type}</Item> : null}
            {err.error?.code ? <Item label="Code">{err.error.code}</Item> : null}
            {err.error?.param ? <Item label="Param">{err.error.param}</Item> : null}
            <Item label="From">{err.is_bifrost_error ? "the gateway" : "the provider"}</Item>
          </dl>
        </section>
      ) : null}

      {log.attempt_trail?.length ? <Attempts trail={log.attempt_trail} /> : null}

      {!log.content_hidden ? (
        <>
          <section aria-label="Request">
            <h3>Request</h3>
            {log.input_history?.length ? <Messages messages={log.input_history} /> : <p class="muted">No input was kept.</p>}
            {log.params ? (
              <>
                <h4 class="muted">Parameters</h4>
                <Json value={log.params} label="Request parameters" />
              </>
            ) : null}
          </section>
          <section aria-label="Response">
            <h3>Response</h3>
            {log.output_message ? <Messages messages={[log.output_message]} /> : <p class="muted">{log.status === "success" ? "No output was kept." : "No answer."}</p>}
          </section>
        </>
      ) : null}
    </div>
  );
}

/** A message's content as text where it is text; other parts (images, audio, tool results) as JSON. */
function Content(props: { content: unknown }) {
  const c = props.content;
  if (typeof c === "string") return <div class="logs-text">{c}</div>;
  if (Array.isArray(c)) {
    return (
      <>
        {c.map((part) =>
          part && typeof part === "object" && typeof (part as { text?: unknown }).text === "string" ? (
            <div class="logs-text">{(part as { text: string }).text}</div>
          ) : (
            <Json value={part} />
          ),
        )}
      </>
    );
  }
  if (c === null || c === undefined) return null;
  return <Json value={c} />;
}

function Messages(props: { messages: ChatMessage[] }) {
  return (
    <ol class="logs-messages">
      {props.messages.map((m) => (
        <li class="logs-message">
          <div class="logs-role muted">{m.role}</div>
          <Content content={m.content} />
          {m.tool_calls?.length ? <Json value={m.tool_calls} label="Tool calls" /> : null}
        </li>
      ))}
    </ol>
  );
}

function Attempts(props: { trail: Attempt[] }) {
  return (
    <section aria-label="Attempts">
      <h3>Attempts</h3>
      <Table label="Attempts">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Provider / model</th>
            <th scope="col">Key</th>
            <th scope="col">Status</th>
            <th scope="col" class="num">Took</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {props.trail.map((a, i) =>
            a.type === "mcp_tool" ? (
              <tr>
                <td>{i + 1}</td>
                <td>{`MCP tool ${a.name}`}</td>
                <td>{dash}</td>
                <td><Badge tone={a.is_error ? "bad" : "ok"}>{a.is_error ? "error" : "ok"}</Badge></td>
                <td class="num">{fmtMs(a.latency_ms)}</td>
                <td>{dash}</td>
              </tr>
            ) : (
              <tr>
                <td>{i + 1}</td>
                <td>
                  {`${a.provider} / ${a.model}`}
                  {a.fallbackIndex ? <span class="muted">{` (fallback #${a.fallbackIndex})`}</span> : null}
                </td>
                <td>{a.keyName ?? dash}</td>
                <td><Badge tone={statusTone(a.status)}>{String(a.status ?? "—")}</Badge></td>
                <td class="num">{fmtMs(a.durationMs)}</td>
                <td class="wrap">{a.error?.message ?? dash}</td>
              </tr>
            ),
          )}
        </tbody>
      </Table>
    </section>
  );
}
