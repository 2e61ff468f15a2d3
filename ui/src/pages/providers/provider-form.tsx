/**
 * Adding a provider (built-in by its type, or custom: any name over a base type, e.g. an
 * OpenAI-compatible server) with its first key, and editing a provider's network settings.
 */
import { useState } from "preact/hooks";
import { api, enc } from "../../api";
import { Button, ErrorNote, Field, Modal, toast } from "../../components";
import { numberOf, parseModels, PROVIDER_TYPES, type Provider } from "./types";

interface NetworkFields {
  baseUrl: string;
  timeout: string;
  retries: string;
  concurrency: string;
  buffer: string;
}

const str = (n: number | undefined) => (n === undefined || n === null ? "" : String(n));

function networkOf(p: Provider | null): NetworkFields {
  return {
    baseUrl: p?.network_config.base_url ?? "",
    timeout: str(p?.network_config.default_request_timeout_in_seconds),
    retries: str(p?.network_config.max_retries),
    concurrency: str(p?.concurrency_and_buffer_size.concurrency),
    buffer: str(p?.concurrency_and_buffer_size.buffer_size),
  };
}

/** The network fields as API fields, or the first problem. */
function networkBody(f: NetworkFields, base: Provider | null): { body: Record<string, unknown> } | { problem: string } {
  const timeout = numberOf(f.timeout);
  const retries = numberOf(f.retries);
  const concurrency = numberOf(f.concurrency);
  const buffer = numberOf(f.buffer);
  if (timeout !== undefined && !(timeout > 0)) return { problem: "Timeout: a number of seconds above 0" };
  if (retries !== undefined && !(Number.isInteger(retries) && retries >= 0)) return { problem: "Max retries: a whole number, 0 or more" };
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) return { problem: "Concurrency: a whole number, 1 or more" };
  if (buffer !== undefined && !(Number.isInteger(buffer) && buffer >= 1)) return { problem: "Buffer size: a whole number, 1 or more" };
  // PUT replaces network_config whole: start from it as read (masked values sent back keep the stored ones).
  const nc: Record<string, unknown> = { ...(base?.network_config ?? {}) };
  const set = (k: string, v: unknown) => (v === undefined || v === "" ? delete nc[k] : (nc[k] = v));
  set("base_url", f.baseUrl.trim());
  set("default_request_timeout_in_seconds", timeout);
  set("max_retries", retries);
  const cb: Record<string, number> = {};
  if (concurrency !== undefined) cb.concurrency = concurrency;
  if (buffer !== undefined) cb.buffer_size = buffer;
  return { body: { network_config: nc, concurrency_and_buffer_size: cb } };
}

function NetworkInputs(props: { f: NetworkFields; set: (f: NetworkFields) => void; baseUrlRequired?: boolean }) {
  const { f, set } = props;
  return (
    <>
      <Field label="Base URL" hint={props.baseUrlRequired ? "The server's origin, e.g. http://10.0.0.5:8000" : "Empty: the provider's default. The gateway appends the API path (/v1/chat/completions)."}>
        {(id) => <input id={id} inputMode="url" autoComplete="off" required={props.baseUrlRequired} placeholder="https://…" value={f.baseUrl} onInput={(e) => set({ ...f, baseUrl: e.currentTarget.value })} />}
      </Field>
      <div class="pv-fields">
        <Field label="Timeout (seconds)">{(id) => <input id={id} inputMode="decimal" placeholder="30" value={f.timeout} onInput={(e) => set({ ...f, timeout: e.currentTarget.value })} />}</Field>
        <Field label="Max retries">{(id) => <input id={id} inputMode="numeric" placeholder="0" value={f.retries} onInput={(e) => set({ ...f, retries: e.currentTarget.value })} />}</Field>
        <Field label="Concurrency" hint="Upstream calls at once">{(id) => <input id={id} inputMode="numeric" placeholder="1000" value={f.concurrency} onInput={(e) => set({ ...f, concurrency: e.currentTarget.value })} />}</Field>
        <Field label="Buffer size" hint="Requests that may wait">{(id) => <input id={id} inputMode="numeric" placeholder="5000" value={f.buffer} onInput={(e) => set({ ...f, buffer: e.currentTarget.value })} />}</Field>
      </div>
    </>
  );
}

/** POST /api/providers: a built-in type (its name is the type) or a custom one over a base type. */
export function AddProvider(props: { existing: string[]; onClose: () => void; onSaved: (name: string) => void }) {
  const [kind, setKind] = useState<"builtin" | "custom">("builtin");
  const firstFree = PROVIDER_TYPES.find((t) => !props.existing.includes(t.id))?.id ?? "openai";
  const [type, setType] = useState(firstFree);
  const [name, setName] = useState("");
  const [baseType, setBaseType] = useState("openai");
  const [keyless, setKeyless] = useState(false);
  const [net, setNet] = useState<NetworkFields>(networkOf(null));
  const [keyLabel, setKeyLabel] = useState("key-1");
  const [keyValue, setKeyValue] = useState("");
  const [models, setModels] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const typeInfo = PROVIDER_TYPES.find((t) => t.id === (kind === "builtin" ? type : baseType));
  const needsKey = !(kind === "custom" ? keyless : typeInfo?.keyless);
  const finalName = kind === "builtin" ? type : name.trim();

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    if (!finalName) return setError(new Error("Name: required"));
    if (props.existing.includes(finalName)) return setError(new Error(`A provider named ${finalName} exists already: edit it instead`));
    const n = networkBody(net, null);
    if ("problem" in n) return setError(new Error(n.problem));
    if (needsKey && !keyValue) return setError(new Error("Key value: required (this provider needs an API key)"));
    const keys = keyValue ? [{ name: keyLabel.trim() || "key-1", value: keyValue, models: parseModels(models), weight: 1 }] : [];
    const body: Record<string, unknown> = { provider: finalName, keys, ...n.body };
    if (kind === "custom") body.custom_provider_config = { base_provider_type: baseType, ...(keyless ? { is_key_less: true } : {}) };
    setBusy(true);
    try {
      await api.post("/api/providers", body);
      toast(`Provider ${finalName} added`);
      props.onSaved(finalName);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal open title="Add provider" onClose={props.onClose}>
      <form aria-label="Add provider" onSubmit={submit}>
        <fieldset class="pv-kind">
          <legend>Kind</legend>
          <label class="check"><input type="radio" name="kind" checked={kind === "builtin"} onChange={() => setKind("builtin")} /> Built-in provider</label>
          <label class="check"><input type="radio" name="kind" checked={kind === "custom"} onChange={() => setKind("custom")} /> Custom provider</label>
        </fieldset>
        {kind === "builtin" ? (
          <Field label="Type" hint="A built-in provider is named as its type; models are addressed as type/model.">
            {(id) => (
              <select id={id} value={type} onChange={(e) => setType(e.currentTarget.value)}>
                {PROVIDER_TYPES.map((t) => (
                  <option value={t.id} disabled={props.existing.includes(t.id)}>{t.id} — {t.label}{props.existing.includes(t.id) ? " (added)" : ""}</option>
                ))}
              </select>
            )}
          </Field>
        ) : (
          <>
            <Field label="Name" hint={<>Models are addressed as <code>{name.trim() || "name"}/model</code>.</>}>
              {(id) => <input id={id} required pattern="[A-Za-z0-9._\-]+" title="Letters, digits, dot, dash and underscore" autoComplete="off" value={name} onInput={(e) => setName(e.currentTarget.value)} />}
            </Field>
            <Field label="API it speaks" hint="custom_provider_config.base_provider_type: openai for any OpenAI-compatible server (vLLM, LiteLLM, a proxy…).">
              {(id) => (
                <select id={id} value={baseType} onChange={(e) => setBaseType(e.currentTarget.value)}>
                  {PROVIDER_TYPES.map((t) => <option value={t.id}>{t.id === "openai" ? "openai — OpenAI-compatible" : `${t.id} — ${t.label}`}</option>)}
                </select>
              )}
            </Field>
            <label class="check pv-check"><input type="checkbox" checked={keyless} onChange={(e) => setKeyless(e.currentTarget.checked)} /> No API key needed (is_key_less)</label>
          </>
        )}
        <NetworkInputs f={net} set={setNet} baseUrlRequired={kind === "custom"} />
        <h3>{needsKey ? "First key" : "Key (optional)"}</h3>
        <div class="pv-fields">
          <Field label="Key name">{(id) => <input id={id} autoComplete="off" value={keyLabel} onInput={(e) => setKeyLabel(e.currentTarget.value)} />}</Field>
          <Field label="Key value" hint="Write-only: never shown again after saving. env.NAME reads an environment variable.">
            {(id) => <input id={id} type="password" autoComplete="new-password" required={needsKey} value={keyValue} onInput={(e) => setKeyValue(e.currentTarget.value)} />}
          </Field>
        </div>
        <Field label="Key models" hint="Comma-separated allow-list; empty = every model.">
          {(id) => <input id={id} autoComplete="off" placeholder="gpt-4o-mini, gpt-4o" value={models} onInput={(e) => setModels(e.currentTarget.value)} />}
        </Field>
        <ErrorNote error={error} />
        <div class="actions pv-footer">
          <Button onClick={props.onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy}>Add provider</Button>
        </div>
      </form>
    </Modal>
  );
}

/** PUT /api/providers/:name with the network settings (the rest of the provider as it was). */
export function EditProvider(props: { provider: Provider; onClose: () => void; onSaved: () => void }) {
  const p = props.provider;
  const [net, setNet] = useState<NetworkFields>(networkOf(p));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const n = networkBody(net, p);
    if ("problem" in n) return setError(new Error(n.problem));
    setBusy(true);
    try {
      await api.put(`/api/providers/${enc(p.name)}`, n.body);
      toast(`Provider ${p.name} saved`);
      props.onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const masked = (p.network_config.base_url ?? "").includes("***@");
  return (
    <Modal open title={`Edit ${p.name}`} onClose={props.onClose}>
      <form aria-label={`Edit ${p.name}`} onSubmit={submit}>
        <p class="muted">
          Type <code>{p.type}</code>
          {p.custom_provider_config ? <> (custom, over {p.custom_provider_config.base_provider_type})</> : null}. Changes apply to the next request.
        </p>
        <NetworkInputs f={net} set={setNet} baseUrlRequired={!!p.custom_provider_config} />
        {masked ? <p class="muted">The URL's credentials read as <code>***</code>: left so, they keep their stored value.</p> : null}
        <ErrorNote error={error} />
        <div class="actions pv-footer">
          <Button onClick={props.onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy}>Save</Button>
        </div>
      </form>
    </Modal>
  );
}
