/**
 * A provider key, added or edited: its value is write-only (the API reads it masked; sent back masked
 * it keeps the stored one), so the value field starts empty and replaces the value only when typed.
 * Keys are saved by PUT /api/providers/:name with the whole list, as read, with this one changed.
 */
import { useState } from "preact/hooks";
import { api, enc } from "../../api";
import { Button, ErrorNote, Field, Modal, toast } from "../../components";
import { keyName, MASKED, modelsText, numberOf, parseModels, type Provider, type ProviderKey } from "./types";

/** PUT the provider's keys. */
export function saveKeys(p: Provider, keys: ProviderKey[]): Promise<unknown> {
  return api.put(`/api/providers/${enc(p.name)}`, { keys });
}

export function KeyForm(props: { provider: Provider; index: number | null; onClose: () => void; onSaved: () => void }) {
  const p = props.provider;
  const editing = props.index === null ? null : p.keys[props.index] ?? null;
  const [name, setName] = useState(editing ? keyName(p, editing, props.index!) : "");
  const [value, setValue] = useState("");
  const [models, setModels] = useState(modelsText(editing?.models));
  const [weight, setWeight] = useState(String(editing?.weight ?? 1));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const keyless = !!p.custom_provider_config?.is_key_less || (editing ? editing.value === "" : false);
  const stored = editing?.value ?? "";

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const n = name.trim();
    const w = numberOf(weight);
    if (!n) return setError(new Error("Name: required"));
    if (p.keys.some((k, i) => i !== props.index && keyName(p, k, i) === n)) return setError(new Error(`Name: ${p.name} has a key named ${n} already`));
    if (w === undefined || !(w >= 0)) return setError(new Error("Weight: a number, 0 or more"));
    if (!editing && !value && !keyless) return setError(new Error("Value: required"));
    const changed: ProviderKey = { ...(editing ?? {}), name: n, models: parseModels(models), weight: w };
    // Untyped, the value goes back as it reads ("********" or env.X): the stored one stays.
    changed.value = value ? value : editing ? stored : "";
    const keys = editing ? p.keys.map((k, i) => (i === props.index ? changed : k)) : [...p.keys, changed];
    setBusy(true);
    try {
      await saveKeys(p, keys);
      toast(editing ? `Key ${n} saved` : `Key ${n} added to ${p.name}`);
      props.onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const title = editing ? `Edit key ${keyName(p, editing, props.index!)}` : `Add key to ${p.name}`;
  return (
    <Modal open title={title} onClose={props.onClose}>
      <form aria-label={title} onSubmit={submit}>
        <Field label="Name" hint="How logs, circuits and the x-bf-api-key-id header name it.">
          {(id) => <input id={id} required autoComplete="off" value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
        <Field
          label="Value"
          hint={
            editing
              ? stored.startsWith("env.")
                ? <>Now read from <code>{stored}</code>. Type a new value (or env.NAME) to replace it.</>
                : "Stored and never shown. Leave empty to keep it; type a new value to replace it."
              : "Write-only: never shown again after saving. env.NAME reads an environment variable."
          }
        >
          {(id) => (
            <input
              id={id}
              type="password"
              autoComplete="new-password"
              placeholder={editing && stored === MASKED ? "•••••••• (stored)" : ""}
              value={value}
              onInput={(e) => setValue(e.currentTarget.value)}
            />
          )}
        </Field>
        <Field label="Models" hint="Comma-separated allow-list; empty = every model.">
          {(id) => <input id={id} autoComplete="off" placeholder="gpt-4o-mini, gpt-4o" value={models} onInput={(e) => setModels(e.currentTarget.value)} />}
        </Field>
        <Field label="Weight" hint="Share of traffic among the keys that serve a model.">
          {(id) => <input id={id} inputMode="decimal" value={weight} onInput={(e) => setWeight(e.currentTarget.value)} />}
        </Field>
        <ErrorNote error={error} />
        <div class="actions pv-footer">
          <Button onClick={props.onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy}>{editing ? "Save key" : "Add key"}</Button>
        </div>
      </form>
    </Modal>
  );
}
