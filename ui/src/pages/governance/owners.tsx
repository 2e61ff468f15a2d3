/** The Teams and Customers tabs: each with its budget and rate limit usage; create, edit, delete. */
import { useState } from "preact/hooks";
import { api, enc } from "../../api";
import { Badge, Button, confirmAction, Empty, ErrorNote, Field, Modal, Table, toast } from "../../components";
import { limitFormOf, ownerBody, type FormErrors, type LimitForm, type OwnerForm } from "./forms";
import { LimitFields } from "./limit-fields";
import { LimitBars } from "./limit-view";
import type { CustomerView, Directory, TeamView } from "./types";

type Kind = "team" | "customer";
const SPEC = {
  team: { base: "/api/governance/teams", label: "team", title: "Team", plural: "Teams" },
  customer: { base: "/api/governance/customers", label: "customer", title: "Customer", plural: "Customers" },
} as const;

type Entity = TeamView | CustomerView;

export function OwnersTab(props: { kind: Kind; dir: Directory; reload: () => Promise<void> }) {
  const spec = SPEC[props.kind];
  const list: Entity[] = props.kind === "team" ? props.dir.teams : props.dir.customers;
  const [editing, setEditing] = useState<Entity | "new" | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const remove = async (e: Entity) => {
    const detached = props.kind === "team" ? "Its virtual keys stay, without a team." : "Its teams and virtual keys stay, without a customer.";
    if (!confirmAction(`Delete the ${spec.label} "${e.name}"? ${detached}`)) return;
    setBusy(e.id);
    try {
      await api.del(`${spec.base}/${enc(e.id)}`);
      toast(`${e.name} deleted`);
      await props.reload();
    } catch (err) {
      toast((err as Error).message, "bad");
    } finally {
      setBusy(null);
    }
  };

  return (
    <section aria-label={spec.plural}>
      <div class="filters">
        <Button variant="primary" onClick={() => setEditing("new")}>Create {spec.label}</Button>
      </div>
      {!list.length ? (
        <Empty>
          No {spec.label}s yet. {props.kind === "team" ? "A team groups virtual keys under one budget." : "A customer groups teams and virtual keys under one budget."}
        </Empty>
      ) : (
        <Table label={spec.plural} class="gov-stack">
          <thead>
            <tr>
              <th>Name</th>
              {props.kind === "team" ? <th>Customer</th> : <th>Teams</th>}
              <th class="num">Virtual keys</th>
              <th>Usage</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.map((e) => (
              <tr key={e.id}>
                <td class="wrap" data-label="Name">
                  <strong>{e.name}</strong>
                  {e.config_source === "config" ? <> <Badge tone="info" title="Declared in config.json">config</Badge></> : null}
                </td>
                {"teams" in e ? (
                  <td class="wrap" data-label="Teams">{e.teams.length ? e.teams.map((t) => t.name).join(", ") : <span class="muted">—</span>}</td>
                ) : (
                  <td data-label="Customer">{e.customer ? e.customer.name : <span class="muted">—</span>}</td>
                )}
                <td class="num" data-label="Virtual keys">{e.virtual_key_count}</td>
                <td data-label="Usage"><LimitBars limits={e} owner={e.name} /></td>
                <td class="gov-actions-cell">
                  <div class="actions gov-row-actions">
                    <Button aria-label={`Edit ${e.name}`} onClick={() => setEditing(e)}>Edit</Button>
                    <Button variant="danger" aria-label={`Delete ${e.name}`} busy={busy === e.id} onClick={() => remove(e)}>Delete</Button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {editing ? (
        <OwnerEditor
          kind={props.kind}
          existing={editing === "new" ? null : editing}
          dir={props.dir}
          onClose={() => setEditing(null)}
          onSaved={async (name) => {
            setEditing(null);
            toast(`${name} saved`);
            await props.reload();
          }}
        />
      ) : null}
    </section>
  );
}

function OwnerEditor(props: { kind: Kind; existing: Entity | null; dir: Directory; onClose: () => void; onSaved: (name: string) => Promise<void> }) {
  const spec = SPEC[props.kind];
  const [form, setForm] = useState<OwnerForm>(() => ({
    name: props.existing?.name ?? "",
    customer_id: props.existing && "customer_id" in props.existing ? (props.existing.customer_id ?? "") : "",
    limits: limitFormOf(props.existing),
  }));
  const [errors, setErrors] = useState<FormErrors<keyof LimitForm | "name">>({});
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const formId = `gov-${props.kind}-form`;

  const submit = async (ev: Event) => {
    ev.preventDefault();
    const built = ownerBody(form, props.existing, props.kind === "team");
    if (!built.ok) return setErrors(built.errors);
    setErrors({});
    setError(null);
    setBusy(true);
    try {
      if (props.existing) await api.put(`${spec.base}/${enc(props.existing.id)}`, built.body);
      else await api.post(spec.base, built.body);
      await props.onSaved(form.name.trim());
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={props.existing ? `Edit ${props.existing.name}` : `Create ${spec.label}`}
      onClose={props.onClose}
      footer={
        <>
          <Button onClick={props.onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy} form={formId}>{props.existing ? "Save" : "Create"}</Button>
        </>
      }
    >
      <form id={formId} aria-label={props.existing ? `Edit ${spec.label}` : `Create ${spec.label}`} onSubmit={submit}>
        {props.existing?.config_source === "config" ? <div class="note warn">This {spec.label} is declared in config.json: the file's version comes back at the next start.</div> : null}
        <Field label={`${spec.title} name`} error={errors.name ?? null}>
          {(id) => <input id={id} required autoComplete="off" value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />}
        </Field>
        {props.kind === "team" ? (
          <Field label="Customer">
            {(id) => (
              <select id={id} value={form.customer_id} onChange={(e) => setForm({ ...form, customer_id: e.currentTarget.value })}>
                <option value="">None</option>
                {props.dir.customers.map((c) => <option value={c.id}>{c.name}</option>)}
              </select>
            )}
          </Field>
        ) : null}
        <LimitFields value={form.limits} onChange={(l) => setForm({ ...form, limits: l })} errors={errors} />
        <ErrorNote error={error} />
      </form>
    </Modal>
  );
}
