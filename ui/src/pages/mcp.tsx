/**
 * MCP: the MCP servers the gateway is a client of, their connection state and tools (each tool's
 * input schema on demand), and which tools models are offered and the gateway runs itself; add,
 * edit, reconnect and remove clients. All through /api/mcp/clients and /api/mcp/client[/:name[/reconnect]].
 */
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, enc } from "../api";
import { Badge, Button, confirmAction, Empty, ErrorNote, Field, Json, Loading, Modal, PageHeader, statusTone, toast } from "../components";
import { useLoad } from "../hooks";
import type { PageProps } from ".";
import { bodyOf, describeTools, draftOf, fieldOfParam, NEW_CLIENT, type ClientDraft, type McpClientConfig, type Transport } from "./mcp/client-form";

interface McpToolView {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
}

export interface McpClientView {
  config: McpClientConfig;
  tools: McpToolView[];
  state: "connected" | "connecting" | "disconnected" | "error";
  last_error: string | null;
}

interface McpList {
  clients: McpClientView[];
  count: number;
  total_count: number;
}

const TRANSPORTS: Array<{ id: Transport; label: string }> = [
  { id: "http", label: "HTTP (streamable)" },
  { id: "sse", label: "SSE" },
  { id: "stdio", label: "stdio (a command)" },
];
const transportLabel = (t: Transport) => (t === "stdio" ? "stdio" : t.toUpperCase());
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const listed = (list: string[] | undefined, tool: string) => !!list && (list.includes("*") || list.includes(tool));

export function McpPage(_props: PageProps) {
  const [pollMs, setPollMs] = useState(10_000);
  const list = useLoad((signal) => api.get<McpList>("/api/mcp/clients", { signal }), [], pollMs);
  const [dialog, setDialog] = useState<{ mode: "create" } | { mode: "edit"; client: McpClientView } | null>(null);
  const clients = list.data?.clients ?? [];
  // While a client is connecting, look again sooner.
  const connecting = clients.some((c) => c.state === "connecting");
  useEffect(() => setPollMs(connecting ? 1500 : 10_000), [connecting]);
  const notConfigured = list.error instanceof ApiError && list.error.code === "mcp_not_configured";

  return (
    <>
      <PageHeader
        title="MCP"
        subtitle="MCP servers the gateway connects to: their tools are offered to models (as <client>-<tool>) and run through POST /v1/mcp/tool/execute or agent mode."
        actions={<Button variant="primary" onClick={() => setDialog({ mode: "create" })} disabled={notConfigured}>Add client</Button>}
      />
      {notConfigured ? <div class="note warn" role="status">MCP is not available in this gateway: {list.error!.message}</div> : <ErrorNote error={list.error} onRetry={list.reload} />}
      {!list.data && list.loading ? <Loading /> : null}
      {list.data && !clients.length ? (
        <Empty>
          <p><strong>No MCP clients yet.</strong></p>
          <p>
            Add one with “Add client”: an MCP server over streamable HTTP or SSE (its URL, and headers such as Authorization), or a command the gateway starts and
            talks to over stdio. Clients can also be listed under <code>mcp.client_configs</code> in config.json.
          </p>
        </Empty>
      ) : null}
      {clients.map((c) => (
        <ClientCard key={c.config.name} client={c} onEdit={() => setDialog({ mode: "edit", client: c })} onChanged={list.reload} />
      ))}
      {dialog ? (
        <ClientDialog
          mode={dialog.mode}
          client={dialog.mode === "edit" ? dialog.client : undefined}
          onClose={() => setDialog(null)}
          onSaved={async () => {
            setDialog(null);
            await list.reload();
          }}
        />
      ) : null}
    </>
  );
}

function ClientCard(props: { client: McpClientView; onEdit: () => void; onChanged: () => Promise<void> }) {
  const { config: c, tools, state } = props.client;
  const [busy, setBusy] = useState<"reconnect" | "remove" | null>(null);
  const envs = c.stdio_config?.envs;
  const envLines = Array.isArray(envs) ? envs : Object.entries(envs ?? {}).map(([k, v]) => `${k}=${v}`);
  const headers = Object.entries(c.headers ?? {});

  const reconnect = async () => {
    setBusy("reconnect");
    try {
      const r = await api.post<{ message: string }>(`/api/mcp/client/${enc(c.name)}/reconnect`);
      toast(`${c.name}: ${r?.message ?? "reconnected"}`);
    } catch (e) {
      toast(`${c.name}: ${message(e)}`, "bad");
    }
    await props.onChanged();
    setBusy(null);
  };
  const remove = async () => {
    if (!confirmAction(`Remove the MCP client ${c.name}? Its tools are no longer offered to models.`)) return;
    setBusy("remove");
    try {
      await api.del(`/api/mcp/client/${enc(c.name)}`);
      toast(`MCP client ${c.name} removed`);
    } catch (e) {
      toast(`${c.name}: ${message(e)}`, "bad");
    }
    await props.onChanged();
    setBusy(null);
  };

  return (
    <section class="card" aria-label={c.name}>
      <div class="item-head">
        <h2>{c.name}</h2>
        <Badge tone={statusTone(state)} title="Connection state">{state}</Badge>
        <Badge tone="info" title="Transport">{transportLabel(c.connection_type)}</Badge>
        {c.disabled ? <Badge tone="warn">disabled</Badge> : null}
        <div class="actions push">
          <Button onClick={props.onEdit} aria-label={`Edit ${c.name}`}>Edit</Button>
          <Button onClick={reconnect} busy={busy === "reconnect"} disabled={c.disabled} aria-label={`Reconnect ${c.name}`}>Reconnect</Button>
          <Button variant="danger" onClick={remove} busy={busy === "remove"} aria-label={`Remove ${c.name}`}>Remove</Button>
        </div>
      </div>
      {props.client.last_error && state !== "connected" && !c.disabled ? <div class="note bad" role="alert">{props.client.last_error}</div> : null}
      <dl class="meta">
        {c.connection_type === "stdio" ? (
          <>
            <dt>Command</dt>
            <dd><code>{[c.stdio_config?.command ?? "", ...(c.stdio_config?.args ?? [])].join(" ")}</code></dd>
            {envLines.length ? (
              <>
                <dt>Environment</dt>
                <dd><span class="chips">{envLines.map((e) => <code key={e}>{e}</code>)}</span></dd>
              </>
            ) : null}
          </>
        ) : (
          <>
            <dt>URL</dt>
            <dd><code>{c.connection_string}</code></dd>
            {headers.length ? (
              <>
                <dt>Headers</dt>
                <dd><span class="chips">{headers.map(([k, v]) => <code key={k}>{`${k}: ${v}`}</code>)}</span></dd>
              </>
            ) : null}
          </>
        )}
        <dt>Offered to models</dt>
        <dd>{describeTools(c.tools_to_execute)}</dd>
        <dt>Auto-executed</dt>
        <dd>{describeTools(c.tools_to_auto_execute)}</dd>
      </dl>
      <h3>Tools ({tools.length})</h3>
      {tools.length ? (
        <ul class="tool-list" aria-label={`Tools of ${c.name}`}>
          {tools.map((t) => (
            <li key={t.name}>
              <details>
                <summary>
                  <code>{t.name}</code>{" "}
                  {!listed(c.tools_to_execute, t.name) ? <Badge title="Not in tools_to_execute">not offered</Badge> : null}{" "}
                  {listed(c.tools_to_auto_execute, t.name) ? <Badge tone="info" title="In tools_to_auto_execute">auto</Badge> : null}{" "}
                  {t.description ? <span class="muted">{t.description}</span> : null}
                </summary>
                <div>
                  <Json value={t.parameters ?? {}} label={`Input schema of ${t.name}`} />
                </div>
              </details>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">{state === "connected" ? "The server offers no tools." : "Its tools are listed once it is connected."}</p>
      )}
    </section>
  );
}

/** Add a client, or edit one (the connection is fixed once created: headers, tool lists and disabled change). */
function ClientDialog(props: { mode: "create" | "edit"; client?: McpClientView; onClose: () => void; onSaved: () => Promise<void> }) {
  const editing = props.mode === "edit";
  const [d, setD] = useState<ClientDraft>(() => (props.client ? draftOf(props.client.config) : NEW_CLIENT));
  const [errors, setErrors] = useState<Partial<Record<keyof ClientDraft, string>>>({});
  const [apiError, setApiError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof ClientDraft>(k: K, v: ClientDraft[K]) => setD((old) => ({ ...old, [k]: v }));
  const text = (k: keyof ClientDraft) => (e: Event) => set(k, (e.currentTarget as HTMLInputElement).value as never);

  const save = async (e: Event) => {
    e.preventDefault();
    const { body, errors: found } = bodyOf(d, props.mode);
    setErrors(found);
    setApiError(null);
    if (Object.keys(found).length) return;
    setBusy(true);
    try {
      if (editing) await api.put(`/api/mcp/client/${enc(d.name)}`, body);
      else await api.post("/api/mcp/client", body);
      toast(editing ? `MCP client ${d.name} saved` : `MCP client ${d.name} added`);
      await props.onSaved();
    } catch (err) {
      setApiError(err);
      const f = err instanceof ApiError ? fieldOfParam(err.param) : null;
      if (f) setErrors({ [f]: message(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      wide
      title={editing ? `Edit ${d.name}` : "Add an MCP client"}
      onClose={props.onClose}
      footer={
        <>
          <Button onClick={props.onClose}>Cancel</Button>
          <Button variant="primary" type="submit" form="mcp-client-form" busy={busy}>{editing ? "Save" : "Add client"}</Button>
        </>
      }
    >
      <form id="mcp-client-form" onSubmit={save} aria-label={editing ? `Edit ${d.name}` : "Add an MCP client"} noValidate>
        <ErrorNote error={apiError} />
        {editing ? <p class="muted small">The name and the connection are fixed once a client is created; remove it and add it again to change them.</p> : null}
        <div class="form-row">
          <Field label="Name" hint="Tools are offered to models as <name>-<tool>." error={errors.name}>
            {(id) => <input id={id} value={d.name} disabled={editing} autoComplete="off" spellcheck={false} onInput={text("name")} />}
          </Field>
          <Field label="Transport" error={errors.transport}>
            {(id) => (
              <select id={id} value={d.transport} disabled={editing} onChange={(e) => set("transport", (e.currentTarget as HTMLSelectElement).value as Transport)}>
                {TRANSPORTS.map((t) => <option key={t.id} value={t.id}>{t.label}</option>)}
              </select>
            )}
          </Field>
        </div>
        {d.transport === "stdio" ? (
          <>
            <Field label="Command" hint="Started by the gateway; it speaks MCP on stdin/stdout." error={errors.command}>
              {(id) => <input id={id} value={d.command} disabled={editing} spellcheck={false} onInput={text("command")} />}
            </Field>
            <div class="form-row">
              <Field label="Arguments" hint="One per line." error={errors.args}>
                {(id) => <textarea id={id} rows={3} value={d.args} disabled={editing} spellcheck={false} onInput={text("args")} />}
              </Field>
              <Field label="Environment" hint="One per line: KEY=value, or KEY to pass the gateway's own. Values read ******** once saved." error={errors.envs}>
                {(id) => <textarea id={id} rows={3} value={d.envs} disabled={editing} spellcheck={false} onInput={text("envs")} />}
              </Field>
            </div>
          </>
        ) : (
          <>
            <Field label="URL" hint="The server's endpoint (http:// or https://), or env.VAR." error={errors.url}>
              {(id) => <input id={id} type="url" value={d.url} disabled={editing} spellcheck={false} placeholder="https://mcp.example.com/mcp" onInput={text("url")} />}
            </Field>
            <Field label="Headers" hint="One per line: Name: value. Saved values read ********; leave them as they are to keep them." error={errors.headers}>
              {(id) => <textarea id={id} rows={3} value={d.headers} spellcheck={false} placeholder="Authorization: Bearer …" onInput={text("headers")} />}
            </Field>
          </>
        )}
        <div class="form-row">
          <Field label="Tools offered to models" hint="tools_to_execute: one name per line; * for all; empty offers none." error={errors.tools}>
            {(id) => <textarea id={id} rows={3} value={d.tools} spellcheck={false} onInput={text("tools")} />}
          </Field>
          <Field label="Tools run by the gateway" hint="tools_to_auto_execute (agent mode): one name per line; * for all; empty runs none." error={errors.autoTools}>
            {(id) => <textarea id={id} rows={3} value={d.autoTools} spellcheck={false} onInput={text("autoTools")} />}
          </Field>
        </div>
        <div class="field">
          <label class="check">
            <input type="checkbox" checked={d.disabled} onChange={(e) => set("disabled", (e.currentTarget as HTMLInputElement).checked)} />
            Disabled (kept, not connected)
          </label>
        </div>
      </form>
    </Modal>
  );
}
