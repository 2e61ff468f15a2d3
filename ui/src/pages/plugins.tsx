/**
 * Plugins: the configured plugins (plugins[]) with their state, hooks and place in the pipeline; an
 * enable switch; a settings form generated from each plugin's config schema (or its JSON); adding a
 * plugin package found in the plugin folders; removing one. All through /api/plugins.
 */
import { useMemo, useState } from "preact/hooks";
import { api, ApiError, enc } from "../api";
import { Badge, Button, confirmAction, Empty, ErrorNote, Field, Loading, Modal, PageHeader, Tabs, toast } from "../components";
import { useLoad } from "../hooks";
import type { PageProps } from ".";
import { SchemaFields } from "./plugins/schema-fields";
import { buildConfig, fieldForParam, formSpec, initialDraft, leaves, type Draft } from "./plugins/schema-form";

export interface PluginView {
  name: string;
  state: "active" | "failed" | "disabled";
  version: string | null;
  description: string | null;
  hooks: string[];
  placement: string;
  order: number;
  path: string | null;
  error: string | null;
  enabled: boolean;
  config: unknown;
  config_schema: Record<string, unknown> | null;
}

interface AvailablePlugin {
  name: string;
  version: string;
  description: string | null;
  path: string;
}

interface PluginsAnswer {
  plugins: PluginView[];
  count: number;
  available?: AvailablePlugin[];
}

const STATE_TONE = { active: "ok", failed: "bad", disabled: "muted" } as const;
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function PluginsPage(_props: PageProps) {
  const list = useLoad((signal) => api.get<PluginsAnswer>("/api/plugins", { signal }), [], 15_000);
  const [editing, setEditing] = useState<PluginView | null>(null);
  const [adding, setAdding] = useState(false);
  const plugins = list.data?.plugins ?? [];
  const available = list.data?.available ?? [];
  const count = (s: PluginView["state"]) => plugins.filter((p) => p.state === s).length;

  const remove = async (p: PluginView) => {
    if (!confirmAction(`Remove the plugin ${p.name}? It leaves the pipeline and its settings are deleted from the config.`)) return;
    try {
      await api.del(`/api/plugins/${enc(p.name)}`);
      toast(`Plugin ${p.name} removed`);
    } catch (e) {
      toast(message(e), "bad");
    }
    await list.reload();
  };

  return (
    <>
      <PageHeader
        title="Plugins"
        subtitle="Hooks that run around every request, in order of placement. Changes apply to the next request and are saved in the config."
        actions={
          <Button variant="primary" onClick={() => setAdding(true)} disabled={!available.length} title={available.length ? undefined : "Every plugin package found is configured"}>
            Add plugin
          </Button>
        }
      />
      <ErrorNote error={list.error} onRetry={list.reload} />
      {list.data ? (
        <div class="stats" aria-label="Plugin states">
          <div class="stat"><div class="value">{count("active")}</div><div class="label">Active</div></div>
          <div class="stat"><div class="value">{count("disabled")}</div><div class="label">Disabled</div></div>
          <div class="stat"><div class="value">{count("failed")}</div><div class="label">Failed</div></div>
          <div class="stat"><div class="value">{available.length}</div><div class="label">Available to add</div></div>
        </div>
      ) : null}
      {!list.data && list.loading ? <Loading /> : null}
      {list.data && !plugins.length ? (
        <Empty>No plugins are configured. Add one with “Add plugin”, or list it under plugins[] in config.json.</Empty>
      ) : null}
      <div class="grid cards">
        {plugins.map((p) => (
          <PluginCard key={p.name} plugin={p} onConfigure={() => setEditing(p)} onRemove={() => remove(p)} onChanged={list.reload} />
        ))}
      </div>
      {editing ? (
        <ConfigDialog
          plugin={editing}
          onClose={() => setEditing(null)}
          onSaved={async () => {
            setEditing(null);
            await list.reload();
          }}
        />
      ) : null}
      {adding ? (
        <AddDialog
          available={available}
          onClose={() => setAdding(false)}
          onAdded={async () => {
            setAdding(false);
            await list.reload();
          }}
        />
      ) : null}
    </>
  );
}

function PluginCard(props: { plugin: PluginView; onConfigure: () => void; onRemove: () => void; onChanged: () => Promise<void> }) {
  const p = props.plugin;
  const [pending, setPending] = useState<boolean | null>(null);
  const settings = p.config_schema ? leaves(formSpec(p.config_schema)).length : null;

  const toggle = async (enabled: boolean) => {
    setPending(enabled);
    try {
      await api.put(`/api/plugins/${enc(p.name)}`, { enabled });
      toast(`Plugin ${p.name} ${enabled ? "enabled" : "disabled"}`);
    } catch (e) {
      toast(`${p.name}: ${message(e)}`, "bad");
    }
    await props.onChanged();
    setPending(null);
  };

  return (
    <section class="card" aria-label={p.name}>
      <div class="item-head">
        <h2>{p.name}</h2>
        <Badge tone={STATE_TONE[p.state]}>{p.state}</Badge>
        {p.version ? <span class="muted small">v{p.version}</span> : null}
        <label class="switch push">
          <input type="checkbox" role="switch" checked={pending ?? p.enabled} disabled={pending !== null} onChange={(e) => toggle((e.currentTarget as HTMLInputElement).checked)} />
          Enabled
        </label>
      </div>
      {p.description ? <p class="muted plugin-desc">{p.description}</p> : null}
      {p.error ? <div class="note bad" role="alert">{p.error}</div> : null}
      <dl class="meta">
        <dt>Hooks</dt>
        <dd>
          {p.hooks.length ? (
            <span class="chips">{p.hooks.map((h) => <code key={h}>{h}</code>)}</span>
          ) : (
            <span class="muted">{p.state === "active" ? "none" : "known once loaded"}</span>
          )}
        </dd>
        <dt>Placement</dt>
        <dd>
          {p.placement}, order {p.order}
        </dd>
        <dt>Settings</dt>
        <dd>{settings === null ? <span class="muted">no schema (JSON)</span> : `${settings} field${settings === 1 ? "" : "s"}, ${Object.keys(asObject(p.config)).length} set`}</dd>
      </dl>
      <div class="actions">
        <Button onClick={props.onConfigure} aria-label={`Configure ${p.name}`}>Configure</Button>
        <Button variant="danger" onClick={props.onRemove} aria-label={`Remove ${p.name}`}>Remove</Button>
      </div>
    </section>
  );
}

const asObject = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** The settings of one plugin: the form generated from its schema, or its config as JSON. */
function ConfigDialog(props: { plugin: PluginView; onClose: () => void; onSaved: () => Promise<void> }) {
  const p = props.plugin;
  const spec = useMemo(() => formSpec(p.config_schema), [p]);
  const [tab, setTab] = useState<"form" | "json">("form");
  /** The config the form's fields started from (the saved one, or what the JSON tab last held). */
  const [base, setBase] = useState<unknown>(p.config ?? {});
  const [draft, setDraft] = useState<Draft>(() => initialDraft(spec, p.config ?? {}));
  const [json, setJson] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [apiError, setApiError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const formId = `plugin-config-${p.name}`;

  /** The config the open tab holds, or null with its problems shown. */
  const current = (): { config: unknown } | null => {
    if (tab === "json") {
      try {
        return { config: JSON.parse(json) };
      } catch (e) {
        setErrors({ "#json": `not valid JSON (${message(e)})` });
        return null;
      }
    }
    const built = buildConfig(spec, draft, base);
    if (Object.keys(built.errors).length) {
      setErrors(built.errors);
      return null;
    }
    return { config: built.config };
  };

  const switchTab = (to: "form" | "json") => {
    if (to === tab) return;
    const now = current();
    if (!now) return;
    setErrors({});
    if (to === "json") setJson(JSON.stringify(now.config, null, 2));
    else {
      setBase(now.config);
      setDraft(initialDraft(spec, now.config));
    }
    setTab(to);
  };

  const save = async (e: Event) => {
    e.preventDefault();
    const now = current();
    if (!now) return;
    setErrors({});
    setApiError(null);
    setBusy(true);
    try {
      await api.put(`/api/plugins/${enc(p.name)}`, { config: now.config });
      toast(`Plugin ${p.name}: settings saved`);
      await props.onSaved();
    } catch (err) {
      setApiError(err);
      const field = err instanceof ApiError && tab === "form" ? fieldForParam(spec, err.param) : null;
      // At the field, the message without what the field already says: "rules[0].probability: expected …".
      if (field !== null) setErrors({ [field]: message(err).replace(/^plugin [^:]+: (invalid config: )?/, "").replace(/plugins\[\d+\]\.config\./g, "") });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      wide
      title={`Configure ${p.name}`}
      onClose={props.onClose}
      footer={
        <>
          <Button onClick={props.onClose}>Cancel</Button>
          <Button variant="primary" type="submit" form={formId} busy={busy}>Save settings</Button>
        </>
      }
    >
      <form id={formId} class="schema-form" onSubmit={save} aria-label={`Settings of ${p.name}`} noValidate>
        <ErrorNote error={apiError} />
        {p.config_schema ? (
          <Tabs label="Edit as" tabs={[{ id: "form", label: "Form" }, { id: "json", label: "JSON" }]} value={tab} onChange={switchTab} />
        ) : null}
        {tab === "form" ? (
          <SchemaFields spec={spec} draft={draft} errors={errors} onChange={(id, v) => setDraft((d) => ({ ...d, [id]: v }))} />
        ) : (
          <Field label="Config (JSON)" hint="The whole plugins[].config object. Masked values (********) keep what is saved." error={errors["#json"] ?? null}>
            {(id) => <textarea id={id} rows={16} spellcheck={false} value={json} onInput={(e) => setJson((e.currentTarget as HTMLTextAreaElement).value)} />}
          </Field>
        )}
      </form>
    </Modal>
  );
}

/** A plugin package found in the plugin folders, added to plugins[]. */
function AddDialog(props: { available: AvailablePlugin[]; onClose: () => void; onAdded: () => Promise<void> }) {
  const [name, setName] = useState(props.available[0]?.name ?? "");
  const [enabled, setEnabled] = useState(true);
  const [placement, setPlacement] = useState("builtin");
  const [order, setOrder] = useState("");
  const [config, setConfig] = useState("{}");
  const [error, setError] = useState<unknown>(null);
  const [configError, setConfigError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const chosen = props.available.find((a) => a.name === name);

  const add = async (e: Event) => {
    e.preventDefault();
    let parsed: unknown;
    try {
      parsed = config.trim() ? JSON.parse(config) : {};
    } catch (err) {
      setConfigError(`not valid JSON (${message(err)})`);
      return;
    }
    setConfigError(null);
    setError(null);
    setBusy(true);
    try {
      const body: Record<string, unknown> = { name, enabled, config: parsed, placement };
      if (order.trim() !== "") body.order = Number(order);
      await api.post("/api/plugins", body);
      toast(`Plugin ${name} added`);
      await props.onAdded();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title="Add a plugin"
      onClose={props.onClose}
      footer={
        <>
          <Button onClick={props.onClose}>Cancel</Button>
          <Button variant="primary" type="submit" form="plugin-add" busy={busy} disabled={!name}>Add plugin</Button>
        </>
      }
    >
      <form id="plugin-add" onSubmit={add} aria-label="Add a plugin" noValidate>
        <ErrorNote error={error} />
        <Field label="Plugin" hint={chosen ? `${chosen.description ?? "No description."} v${chosen.version}` : undefined}>
          {(id) => (
            <select id={id} value={name} onChange={(e) => setName((e.currentTarget as HTMLSelectElement).value)}>
              {props.available.map((a) => (
                <option key={a.name} value={a.name}>{a.name}</option>
              ))}
            </select>
          )}
        </Field>
        <div class="field">
          <label class="check">
            <input type="checkbox" checked={enabled} onChange={(e) => setEnabled((e.currentTarget as HTMLInputElement).checked)} />
            Enabled
          </label>
        </div>
        <div class="form-row">
          <Field label="Placement" hint="pre_builtin runs before the built-in plugins, post_builtin after.">
            {(id) => (
              <select id={id} value={placement} onChange={(e) => setPlacement((e.currentTarget as HTMLSelectElement).value)}>
                <option value="pre_builtin">pre_builtin</option>
                <option value="builtin">builtin</option>
                <option value="post_builtin">post_builtin</option>
              </select>
            )}
          </Field>
          <Field label="Order" hint="Lower runs first within a placement; default: its position in the list.">
            {(id) => <input id={id} type="number" step={1} value={order} onInput={(e) => setOrder((e.currentTarget as HTMLInputElement).value)} />}
          </Field>
        </div>
        <Field label="Config (JSON)" hint="{} uses the plugin's defaults; once added, Configure shows a form for its settings." error={configError}>
          {(id) => <textarea id={id} rows={5} spellcheck={false} value={config} onInput={(e) => setConfig((e.currentTarget as HTMLTextAreaElement).value)} />}
        </Field>
      </form>
    </Modal>
  );
}
