/**
 * One small chat request through the gateway (POST /v1/chat/completions, model provider/model), to
 * the provider or pinned to one of its keys (x-bf-api-key-id): its latency and reply, or the
 * gateway's error message.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError } from "../../api";
import { Badge, Button, Field, Modal } from "../../components";
import { fmtMs } from "../../format";
import { keyName, PROVIDER_TYPES, type Provider } from "./types";

type Outcome = { ok: true; ms: number; reply: string; model: string } | { ok: false; ms: number; message: string; status: number };

/** Models to offer: the key's (or every key's) allow-list, then what /v1/models lists for the provider. */
function keyModels(p: Provider, index: number | null): string[] {
  const keys = index === null ? p.keys : [p.keys[index]!];
  return [...new Set(keys.flatMap((k) => (k?.models ?? []).filter((m) => m !== "*")))];
}

export function TestDialog(props: { provider: Provider; index: number | null; onClose: () => void; onDone: () => void }) {
  const p = props.provider;
  const key = props.index === null ? null : keyName(p, p.keys[props.index]!, props.index);
  const own = keyModels(p, props.index);
  const fallback = PROVIDER_TYPES.find((t) => t.id === p.type)?.model ?? "";
  const [model, setModel] = useState(own[0] ?? fallback);
  const touched = useRef(false);
  const [listed, setListed] = useState<string[]>([]);
  const [prompt, setPrompt] = useState("Reply with the word OK.");
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  // A key serving every model: ask /v1/models what the provider has (the field stays editable meanwhile).
  useEffect(() => {
    if (own.length) return;
    const ac = new AbortController();
    api
      .get<{ data: Array<{ id: string }> }>("/v1/models", { signal: ac.signal })
      .then((list) => {
        const prefix = `${p.name}/`;
        const ids = list.data.map((m) => m.id).filter((id) => id.startsWith(prefix)).map((id) => id.slice(prefix.length));
        setListed(ids);
        if (ids.length && !touched.current && !ids.includes(fallback)) setModel(ids[0]!);
      })
      .catch(() => undefined); // suggestions only: the model can be typed
    return () => ac.abort();
  }, []);

  const run = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setOutcome(null);
    const t0 = performance.now();
    try {
      const res = await api.post<any>(
        "/v1/chat/completions",
        { model: `${p.name}/${model.trim()}`, messages: [{ role: "user", content: prompt }], max_tokens: 16 },
        { headers: key ? { "x-bf-api-key-id": key } : {} },
      );
      const ms = performance.now() - t0;
      const reply = res?.choices?.[0]?.message?.content;
      setOutcome({ ok: true, ms, reply: typeof reply === "string" ? reply : JSON.stringify(reply ?? ""), model: String(res?.model ?? model) });
    } catch (err) {
      const ms = performance.now() - t0;
      setOutcome({ ok: false, ms, message: (err as Error).message, status: err instanceof ApiError ? err.status : 0 });
    } finally {
      setBusy(false);
      props.onDone();
    }
  };

  const options = [...new Set([...own, ...listed])];
  const title = key ? `Test key ${key}` : `Test ${p.name}`;
  return (
    <Modal open title={title} onClose={props.onClose}>
      <form aria-label={title} onSubmit={run}>
        <p class="muted">
          Sends one chat request through the gateway to <code>{p.name}</code>
          {key ? <> with key <code>{key}</code> only</> : <>, on whichever key the gateway picks</>}.
        </p>
        <Field label="Model" hint={<>Sent as <code>{p.name}/{model.trim() || "model"}</code>.</>}>
          {(id) => (
            <>
              <input id={id} required list={`${id}-models`} autoComplete="off" value={model} onInput={(e) => ((touched.current = true), setModel(e.currentTarget.value))} />
              <datalist id={`${id}-models`}>{options.map((m) => <option value={m} />)}</datalist>
            </>
          )}
        </Field>
        <Field label="Message">{(id) => <input id={id} required value={prompt} onInput={(e) => setPrompt(e.currentTarget.value)} />}</Field>
        {outcome ? (
          outcome.ok ? (
            <div class="note ok" role="status" data-testid="test-outcome">
              <span>
                <Badge tone="ok">Success</Badge> in {fmtMs(outcome.ms)} from <code>{outcome.model}</code>
                {outcome.reply ? <> — “{outcome.reply.slice(0, 200)}”</> : null}
              </span>
            </div>
          ) : (
            <div class="note bad" role="alert" data-testid="test-outcome">
              <span>
                <Badge tone="bad">Failed{outcome.status ? ` · ${outcome.status}` : ""}</Badge> after {fmtMs(outcome.ms)}: {outcome.message}
              </span>
            </div>
          )
        ) : null}
        <div class="actions pv-footer">
          <Button onClick={props.onClose}>Close</Button>
          <Button type="submit" variant="primary" busy={busy}>Send test request</Button>
        </div>
      </form>
    </Modal>
  );
}
