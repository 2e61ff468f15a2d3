/** The Virtual keys tab: the keys with their limits' usage; create (its value shown once), edit, (de)activate, delete. */
import { useState } from "preact/hooks";
import { api, enc } from "../../api";
import { Badge, Button, confirmAction, Empty, ErrorNote, Field, Modal, SecretOnce, Table, toast } from "../../components";
import { fmtRelative, fmtTime } from "../../format";
import { newProviderRow, virtualKeyBody, virtualKeyFormOf, type ProviderRow, type VirtualKeyErrors, type VirtualKeyForm } from "./forms";
import { LimitFields } from "./limit-fields";
import { LimitBars } from "./limit-view";
import type { Directory, VirtualKeyView } from "./types";

const BASE = "/api/governance/virtual-keys";

export function vkStatus(vk: VirtualKeyView, now = Date.now()): { label: string; tone: "ok" | "bad" | "muted" } {
  if (!vk.is_active) return { label: "inactive", tone: "muted" };
  if (vk.expires_at && Date.parse(vk.expires_at) <= now) return { label: "expired", tone: "bad" };
  return { label: "active", tone: "ok" };
}

function Models(props: { models: string[] }) {
  if (!props.models.length) return <span class="muted">no models</span>;
  if (props.models.includes("*")) return <span class="muted">all models</span>;
  return <span>{props.models.join(", ")}</span>;
}

function Providers(props: { vk: VirtualKeyView }) {
  const { provider_configs: pcs, allow_all_providers } = props.vk;
  if (!pcs.length) return allow_all_providers ? <span>Any provider, all models</span> : <Badge tone="warn">no provider allowed</Badge>;
  return (
    <ul class="gov-plain">
      {pcs.map((pc) => (
        <li key={pc.provider}>
          <strong>{pc.provider}</strong> <Models models={pc.allowed_models} />
          {pcs.length > 1 ? <small class="muted"> · weight {pc.weight ?? 1}</small> : null}
        </li>
      ))}
      {allow_all_providers ? <li class="muted">any other provider</li> : null}
    </ul>
  );
}

function Owner(props: { vk: VirtualKeyView }) {
  if (props.vk.team) return <span>Team <strong>{props.vk.team.name}</strong></span>;
  if (props.vk.customer) return <span>Customer <strong>{props.vk.customer.name}</strong></span>;
  return <span class="muted">—</span>;
}

export function VirtualKeysTab(props: { dir: Directory; providers: string[]; reload: () => Promise<void> }) {
  const [editing, setEditing] = useState<VirtualKeyView | "new" | null>(null);
  /** The value of the key just created: held only until its dialog closes. */
  const [created, setCreated] = useState<{ name: string; value: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [filter, setFilter] = useState("");
  const keys = props.dir.virtualKeys.filter((vk) => !filter || vk.name.toLowerCase().includes(filter.toLowerCase()));

  const act = async (id: string, what: string, work: () => Promise<unknown>, done: string) => {
    setBusy(`${what}:${id}`);
    try {
      await work();
      toast(done);
      await props.reload();
    } catch (e) {
      toast((e as Error).message, "bad");
    } finally {
      setBusy(null);
    }
  };

  return (
    <section aria-label="Virtual keys">
      <div class="filters">
        <Field label="Search keys">{(id) => <input id={id} type="search" value={filter} placeholder="name" onInput={(e) => setFilter(e.currentTarget.value)} />}</Field>
        <Button variant="primary" onClick={() => setEditing("new")}>Create virtual key</Button>
      </div>
      {!props.dir.virtualKeys.length ? (
        <Empty>No virtual keys yet. Create one to give an app its own key, models, budget and rate limit.</Empty>
      ) : (
        <Table label="Virtual keys" class="gov-stack">
          <thead>
            <tr>
              <th>Name</th>
              <th>Status</th>
              <th>Team / customer</th>
              <th>Providers and models</th>
              <th>Usage</th>
              <th>Expires</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((vk) => {
              const s = vkStatus(vk);
              return (
                <tr key={vk.id} data-vk={vk.name}>
                  <td class="wrap gov-name" data-label="Name">
                    <strong>{vk.name}</strong>
                    {vk.config_source === "config" ? <> <Badge tone="info" title="Declared in config.json">config</Badge></> : null}
                    <div class="mono muted">{vk.value}</div>
                    {vk.description ? <div class="muted">{vk.description}</div> : null}
                  </td>
                  <td data-label="Status"><Badge tone={s.tone}>{s.label}</Badge></td>
                  <td data-label="Team / customer"><Owner vk={vk} /></td>
                  <td class="wrap" data-label="Providers and models"><Providers vk={vk} /></td>
                  <td data-label="Usage"><LimitBars limits={vk} owner={vk.name} parts={vk.provider_configs.map((pc) => ({ scope: pc.provider, limits: pc }))} /></td>
                  <td data-label="Expires">{vk.expires_at ? <time dateTime={vk.expires_at} title={fmtTime(vk.expires_at)}>{fmtRelative(vk.expires_at)}</time> : <span class="muted">never</span>}</td>
                  <td class="gov-actions-cell">
                    <div class="actions gov-row-actions">
                      <Button aria-label={`Edit ${vk.name}`} onClick={() => setEditing(vk)}>Edit</Button>
                      <Button
                        aria-label={`${vk.is_active ? "Deactivate" : "Activate"} ${vk.name}`}
                        busy={busy === `toggle:${vk.id}`}
                        onClick={() => act(vk.id, "toggle", () => api.put(`${BASE}/${enc(vk.id)}`, { is_active: !vk.is_active }), `${vk.name} ${vk.is_active ? "deactivated" : "activated"}`)}
                      >
                        {vk.is_active ? "Deactivate" : "Activate"}
                      </Button>
                      <Button
                        variant="danger"
                        aria-label={`Delete ${vk.name}`}
                        busy={busy === `delete:${vk.id}`}
                        onClick={() => {
                          if (confirmAction(`Delete the virtual key "${vk.name}"? Requests that present it will be refused.`)) void act(vk.id, "delete", () => api.del(`${BASE}/${enc(vk.id)}`), `${vk.name} deleted`);
                        }}
                      >
                        Delete
                      </Button>
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      )}
      {editing ? (
        <VirtualKeyEditor
          existing={editing === "new" ? null : editing}
          dir={props.dir}
          providers={props.providers}
          onClose={() => setEditing(null)}
          onSaved={async (value, name) => {
            setEditing(null);
            if (value) setCreated({ value, name });
            else toast(`${name} saved`);
            await props.reload();
          }}
        />
      ) : null}
      <Modal open={created !== null} title="Virtual key created" onClose={() => setCreated(null)} footer={<Button variant="primary" onClick={() => setCreated(null)}>Done</Button>}>
        {created ? (
          <>
            <SecretOnce value={created.value} label={`The value of "${created.name}"`} />
            <p class="muted">
              Send it with each request as <code>Authorization: Bearer &lt;key&gt;</code> or in the <code>x-bf-vk</code> header. The gateway keeps only its hash.
            </p>
          </>
        ) : null}
      </Modal>
    </section>
  );
}

function ProviderRowFields(props: { row: ProviderRow; index: number; providers: string[]; errors: VirtualKeyErrors; onChange: (r: ProviderRow) => void; onRemove: () => void }) {
  const r = props.row;
  return (
    <fieldset class="gov-fieldset">
      <legend>Provider config {props.index + 1}</legend>
      <div class="gov-form-grid">
        <Field label="Provider" error={props.errors[`provider.${props.index}`] ?? null}>
          {(id) => <input id={id} list="gov-providers" autoComplete="off" value={r.provider} onInput={(e) => props.onChange({ ...r, provider: e.currentTarget.value })} />}
        </Field>
        <Field label="Weight" error={props.errors[`weight.${props.index}`] ?? null} hint="Share of requests that name no provider.">
          {(id) => <input id={id} type="number" min="0" step="any" value={r.weight} onInput={(e) => props.onChange({ ...r, weight: e.currentTarget.value })} />}
        </Field>
      </div>
      <Field label="Allowed models" hint='Comma separated; "*" for all, "regex:<pattern>" for a pattern; empty allows none.'>
        {(id) => <input id={id} autoComplete="off" spellcheck={false} value={r.allowed_models} onInput={(e) => props.onChange({ ...r, allowed_models: e.currentTarget.value })} />}
      </Field>
      {r.original && (r.original.budgets.length || r.original.rate_limit) ? <p class="muted">Its own budget and rate limit are kept.</p> : null}
      <Button variant="ghost" aria-label={`Remove provider config ${props.index + 1}`} onClick={props.onRemove}>Remove</Button>
    </fieldset>
  );
}

function VirtualKeyEditor(props: { existing: VirtualKeyView | null; dir: Directory; providers: string[]; onClose: () => void; onSaved: (value: string | null, name: string) => Promise<void> }) {
  const [form, setForm] = useState<VirtualKeyForm>(() => virtualKeyFormOf(props.existing));
  const [errors, setErrors] = useState<VirtualKeyErrors>({});
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof VirtualKeyForm>(k: K, v: VirtualKeyForm[K]) => setForm({ ...form, [k]: v });
  const formId = "gov-vk-form";

  const submit = async (e: Event) => {
    e.preventDefault();
    const built = virtualKeyBody(form, props.existing);
    if (!built.ok) return setErrors(built.errors);
    setErrors({});
    setError(null);
    setBusy(true);
    try {
      if (props.existing) {
        await api.put(`${BASE}/${enc(props.existing.id)}`, built.body);
        await props.onSaved(null, form.name.trim());
      } else {
        const r = await api.post<{ virtual_key: VirtualKeyView }>(BASE, built.body);
        await props.onSaved(r.virtual_key.value, r.virtual_key.name);
      }
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      wide
      title={props.existing ? `Edit ${props.existing.name}` : "Create virtual key"}
      onClose={props.onClose}
      footer={
        <>
          <Button onClick={props.onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy} form={formId}>{props.existing ? "Save" : "Create"}</Button>
        </>
      }
    >
      <form id={formId} aria-label={props.existing ? "Edit virtual key" : "Create virtual key"} onSubmit={submit}>
        {props.existing?.config_source === "config" ? <div class="note warn">This key is declared in config.json: the file's version comes back at the next start.</div> : null}
        <datalist id="gov-providers">
          {props.providers.map((p) => <option value={p} />)}
        </datalist>
        <div class="gov-form-grid">
          <Field label="Name" error={errors.name ?? null}>{(id) => <input id={id} required autoComplete="off" value={form.name} onInput={(e) => set("name", e.currentTarget.value)} />}</Field>
          <Field label="Team or customer">
            {(id) => (
              <select id={id} value={form.owner} onChange={(e) => set("owner", e.currentTarget.value)}>
                <option value="">None</option>
                {props.dir.teams.length ? <optgroup label="Teams">{props.dir.teams.map((t) => <option value={`team:${t.id}`}>{t.name}</option>)}</optgroup> : null}
                {props.dir.customers.length ? <optgroup label="Customers">{props.dir.customers.map((c) => <option value={`customer:${c.id}`}>{c.name}</option>)}</optgroup> : null}
              </select>
            )}
          </Field>
        </div>
        <Field label="Description">{(id) => <input id={id} autoComplete="off" value={form.description} onInput={(e) => set("description", e.currentTarget.value)} />}</Field>
        <div class="gov-form-grid">
          <Field label="Expires" error={errors.expires_at ?? null} hint="Empty: never.">
            {(id) => <input id={id} type="datetime-local" value={form.expires_at} onInput={(e) => set("expires_at", e.currentTarget.value)} />}
          </Field>
          <div class="field">
            <label class="check">
              <input type="checkbox" checked={form.allow_all_providers} onChange={(e) => set("allow_all_providers", e.currentTarget.checked)} />
              Allow any provider without a config below (all its models)
            </label>
          </div>
        </div>
        <h3>Providers</h3>
        {form.providers.map((row, i) => (
          <ProviderRowFields
            key={i}
            row={row}
            index={i}
            providers={props.providers}
            errors={errors}
            onChange={(r) => set("providers", form.providers.map((x, j) => (j === i ? r : x)))}
            onRemove={() => set("providers", form.providers.filter((_, j) => j !== i))}
          />
        ))}
        <Button onClick={() => set("providers", [...form.providers, newProviderRow()])}>Add provider</Button>
        <h3 class="gov-gap">Limits of this key</h3>
        <LimitFields value={form.limits} onChange={(l) => set("limits", l)} errors={errors} />
        <ErrorNote error={error} />
      </form>
    </Modal>
  );
}
