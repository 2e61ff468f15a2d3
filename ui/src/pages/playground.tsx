/**
 * The playground: a conversation with any configured model through the gateway's own
 * POST /v1/chat/completions (so plugins, governance, retries, fallbacks, logs and cost all apply).
 * Streams are read as they arrive and can be stopped; each answer shows tokens, cost, latency, time
 * to first token, who answered and its request id (a link to its log).
 */
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { PageProps } from ".";
import { api } from "../api";
import { Badge, Button, Field, PageHeader } from "../components";
import { fmtCost, fmtInt, fmtMs } from "../format";
import { useLoad, useStored } from "../hooks";
import { href } from "../router";
import { answeredBy, type Answer } from "./playground/answer";
import { loadModelChoices } from "./playground/models";
import { chatBody, runChat, type ChatSettings, type RunResult } from "./playground/run";
import type { StreamError } from "./playground/sse";

type Role = "user" | "assistant";

interface Run {
  state: "running" | "done" | "stopped" | "error";
  stream: boolean;
  requestId: string | null;
  answer: Answer | null;
  ttftMs: number | null;
  latencyMs: number | null;
  error?: StreamError;
}

interface Message {
  id: number;
  role: Role;
  content: string;
  /** Set on an answer the model gave (not on one typed in). */
  run?: Run;
}

/** `model` null: none chosen yet, so the first listed one is shown (in the same render as the list, so nothing types over it). */
type Settings = Omit<ChatSettings, "model"> & { model: string | null };
const DEFAULTS: Settings = { model: null, system: "", temperature: "", maxTokens: "", topP: "", stream: true };
const VK_KEY = "bifrost.playground.vk";

/** The conversation outlives a visit to another page (not a reload): it is this tab's scratch pad. */
let kept: Message[] = [];
let nextId = 1;

function readVk(): string {
  try {
    return sessionStorage.getItem(VK_KEY) ?? "";
  } catch {
    return "";
  }
}

function storeVk(v: string) {
  try {
    if (v) sessionStorage.setItem(VK_KEY, v);
    else sessionStorage.removeItem(VK_KEY);
  } catch {
    /* storage off: the key lives in memory only */
  }
}

export function PlaygroundPage(_props: PageProps) {
  const [stored, setStored] = useStored<Settings>("playground.settings", DEFAULTS);
  const set = (patch: Partial<Settings>) => setStored({ ...DEFAULTS, ...stored, ...patch });
  const [vk, setVkState] = useState(readVk);
  const setVk = (v: string) => {
    setVkState(v);
    storeVk(v);
  };
  const [messages, setMessagesState] = useState<Message[]>(kept);
  // `kept` is the truth, so an answer that finishes after the page was left still lands in it.
  const setMessages = (fn: (m: Message[]) => Message[]) => {
    kept = fn(kept);
    setMessagesState(kept);
  };
  const [draft, setDraft] = useState("");
  const [draftRole, setDraftRole] = useState<Role>("user");
  const [editing, setEditing] = useState<{ id: number; text: string } | null>(null);
  const running = useRef<AbortController | null>(null);
  const [busy, setBusy] = useState(false);
  const logEnd = useRef<HTMLDivElement>(null);

  // The model list follows the key (governance narrows it), once typing has paused.
  const [listVk, setListVk] = useState(vk);
  useEffect(() => {
    const t = setTimeout(() => setListVk(vk.trim()), 400);
    return () => clearTimeout(t);
  }, [vk]);
  const models = useLoad((signal) => loadModelChoices(listVk, signal), [listVk]);
  const clientConfig = useLoad((signal) => api.get<{ client_config?: Record<string, unknown> }>("/api/config", { signal }), []);
  const vkRequired = !!(clientConfig.data?.client_config?.enforce_governance_header || clientConfig.data?.client_config?.enforce_auth_on_inference);

  const settings: ChatSettings = { ...DEFAULTS, ...stored, model: stored.model ?? pickDefault(models.data?.models ?? []) };
  // Leaving the page stops a running answer (the gateway cancels the upstream call).
  useEffect(() => () => running.current?.abort(), []);
  useEffect(() => logEnd.current?.scrollIntoView?.({ block: "nearest" }), [messages.length]);

  const last = messages[messages.length - 1];
  const canSend = !busy && !!settings.model.trim() && (draft.trim() !== "" || last?.role === "user");

  const update = (id: number, patch: (m: Message) => Message) => setMessages((ms) => ms.map((m) => (m.id === id ? patch(m) : m)));

  async function send() {
    if (!canSend) return;
    let turns = messages;
    if (draft.trim()) {
      turns = [...messages, { id: nextId++, role: "user", content: draft }];
      setDraft("");
    }
    const history = turns.filter((m) => m.content !== "" || !m.run).map((m) => ({ role: m.role, content: m.content }));
    const body = chatBody(settings, history);
    const id = nextId++;
    const run: Run = { state: "running", stream: settings.stream, requestId: null, answer: null, ttftMs: null, latencyMs: null };
    setMessages(() => [...turns, { id, role: "assistant", content: "", run }]);
    const ac = new AbortController();
    running.current = ac;
    setBusy(true);
    const result: RunResult = await runChat(body, {
      vk: vk.trim() || undefined,
      signal: ac.signal,
      onProgress: (p) => update(id, (m) => ({ ...m, content: p.answer.text, run: { ...m.run!, requestId: p.requestId, answer: p.answer, ttftMs: p.ttftMs } })),
    });
    update(id, (m) => ({
      ...m,
      content: result.answer.text,
      run: { ...m.run!, state: result.outcome, requestId: result.requestId, answer: result.answer, ttftMs: result.ttftMs, latencyMs: result.latencyMs, error: result.error },
    }));
    if (running.current === ac) running.current = null;
    setBusy(false);
  }

  function add() {
    if (!draft.trim()) return;
    setMessages((ms) => [...ms, { id: nextId++, role: draftRole, content: draft }]);
    setDraft("");
  }

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void send();
    }
  }

  return (
    <div onKeyDown={onKeyDown}>
      <PageHeader
        title="Playground"
        subtitle={<>Chat with any configured model through the gateway's own <code>POST /v1/chat/completions</code>: plugins, governance, logs and cost apply.</>}
        actions={
          <Button onClick={() => setMessages(() => [])} disabled={busy || messages.length === 0}>
            Clear conversation
          </Button>
        }
      />
      <div class="playground">
        <section class="card pg-controls" aria-label="Settings">
          <Field label="Model" hint={<ModelHint loading={models.loading} count={models.data?.models.length ?? 0} problems={models.data?.problems ?? (models.error ? [models.error.message] : [])} />}>
            {(id) => (
              <>
                <input id={id} list="pg-models" value={settings.model} placeholder="provider/model" autoComplete="off" spellcheck={false} onInput={(e) => set({ model: e.currentTarget.value })} />
                <datalist id="pg-models" data-testid="model-choices">
                  {(models.data?.models ?? []).map((m) => (
                    <option value={m} />
                  ))}
                </datalist>
              </>
            )}
          </Field>
          <Field
            label="Virtual key"
            hint={vkRequired ? "Required here: governance asks for a virtual key on inference. Sent as x-bf-vk; kept in this tab only." : "Optional. Sent as x-bf-vk; kept in this tab only, never shown."}
          >
            {(id) => (
              <div class="row pg-vk">
                <input id={id} type="password" autoComplete="off" spellcheck={false} placeholder={vkRequired ? "sk-bf-… (required)" : "sk-bf-…"} value={vk} onInput={(e) => setVk(e.currentTarget.value)} />
                {vk ? <Button variant="ghost" onClick={() => setVk("")}>Forget key</Button> : null}
              </div>
            )}
          </Field>
          <Field label="System prompt">
            {(id) => <textarea id={id} rows={3} value={settings.system} placeholder="You are a helpful assistant." onInput={(e) => set({ system: e.currentTarget.value })} />}
          </Field>
          <div class="pg-params">
            <Field label="Temperature">{(id) => <input id={id} type="number" inputMode="decimal" min={0} max={2} step={0.1} placeholder="default" value={settings.temperature} onInput={(e) => set({ temperature: e.currentTarget.value })} />}</Field>
            <Field label="Max tokens">{(id) => <input id={id} type="number" inputMode="numeric" min={1} step={1} placeholder="default" value={settings.maxTokens} onInput={(e) => set({ maxTokens: e.currentTarget.value })} />}</Field>
            <Field label="Top P">{(id) => <input id={id} type="number" inputMode="decimal" min={0} max={1} step={0.05} placeholder="default" value={settings.topP} onInput={(e) => set({ topP: e.currentTarget.value })} />}</Field>
          </div>
          <label class="switch">
            <input type="checkbox" checked={settings.stream} onChange={(e) => set({ stream: e.currentTarget.checked })} />
            Stream the answer
          </label>
        </section>

        <section class="pg-chat" aria-label="Chat">
          <div class="card pg-log" role="log" aria-label="Conversation" aria-busy={busy ? "true" : "false"}>
            {messages.length === 0 ? (
              <div class="empty muted">No messages yet. Write one below and press Send (Ctrl+Enter).</div>
            ) : (
              messages.map((m, i) => (
                <MessageView
                  key={m.id}
                  message={m}
                  n={i + 1}
                  editing={editing?.id === m.id ? editing.text : null}
                  locked={busy}
                  onEdit={() => setEditing({ id: m.id, text: m.content })}
                  onEditText={(text) => setEditing({ id: m.id, text })}
                  onSave={() => {
                    if (editing) update(m.id, (x) => ({ ...x, content: editing.text }));
                    setEditing(null);
                  }}
                  onCancel={() => setEditing(null)}
                  onDelete={() => setMessages((ms) => ms.filter((x) => x.id !== m.id))}
                />
              ))
            )}
            <div ref={logEnd} />
          </div>

          <form
            class="card pg-composer"
            aria-label="New message"
            onSubmit={(e) => {
              e.preventDefault();
              void send();
            }}
          >
            <Field label="Message" hint="Ctrl+Enter (⌘+Enter) sends. Send with an empty message answers the last user message again.">
              {(id) => <textarea id={id} rows={3} value={draft} placeholder="Ask something…" onInput={(e) => setDraft(e.currentTarget.value)} />}
            </Field>
            <div class="row pg-composer-actions">
              <label class="check">
                <span class="muted">Add as</span>
                <select aria-label="Role of the added message" value={draftRole} onChange={(e) => setDraftRole(e.currentTarget.value as Role)}>
                  <option value="user">user</option>
                  <option value="assistant">assistant</option>
                </select>
              </label>
              <Button onClick={add} disabled={busy || !draft.trim()}>Add to conversation</Button>
              <span class="pg-spacer" />
              <Button variant="danger" onClick={() => running.current?.abort()} disabled={!busy}>Stop</Button>
              <Button type="submit" variant="primary" disabled={!canSend}>Send</Button>
            </div>
          </form>
        </section>
      </div>
    </div>
  );
}

/** The first listed model that chats (an embedding or speech model would only answer with an error). */
function pickDefault(models: string[]): string {
  return models.find((m) => !/embed|whisper|tts|dall-e|image|rerank|moderation/i.test(m)) ?? models[0] ?? "";
}

function ModelHint(props: { loading: boolean; count: number; problems: string[] }) {
  return (
    <>
      {props.loading && !props.count ? "Loading the configured models… " : `${props.count} configured model${props.count === 1 ? "" : "s"} to pick from; any provider/model can be typed. `}
      {props.problems.map((p) => (
        <span class="error-text" role="status">{p} </span>
      ))}
    </>
  );
}

function MessageView(props: {
  message: Message;
  n: number;
  editing: string | null;
  locked: boolean;
  onEdit: () => void;
  onEditText: (t: string) => void;
  onSave: () => void;
  onCancel: () => void;
  onDelete: () => void;
}) {
  const m = props.message;
  const run = m.run;
  const who = m.role === "user" ? "User" : "Assistant";
  const pending = run?.state === "running";
  return (
    <article class={`pg-msg ${m.role} ${pending ? "pending" : ""}`} aria-label={`${who} message ${props.n}`}>
      <header>
        <strong>{who}</strong>
        {pending ? (
          <Badge tone="info">
            <span class="spinner" aria-hidden="true" /> {run.stream ? "streaming" : "waiting"}
          </Badge>
        ) : null}
        {run?.state === "stopped" ? <Badge tone="warn">stopped</Badge> : null}
        {run?.state === "error" ? <Badge tone="bad">error</Badge> : null}
        {run?.answer?.finishReason && run.answer.finishReason !== "stop" ? <Badge tone="warn" title="finish_reason">{run.answer.finishReason}</Badge> : null}
        <span class="actions">
          {props.editing === null ? (
            <>
              <Button variant="ghost" class="icon" aria-label={`Edit message ${props.n}`} disabled={props.locked} onClick={props.onEdit}>Edit</Button>
              <Button variant="ghost" class="icon" aria-label={`Delete message ${props.n}`} disabled={props.locked} onClick={props.onDelete}>Delete</Button>
            </>
          ) : null}
        </span>
      </header>
      {props.editing !== null ? (
        <div class="pg-edit">
          <textarea
            aria-label={`Text of message ${props.n}`}
            value={props.editing}
            onInput={(e) => props.onEditText(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                e.stopPropagation();
                props.onSave();
              } else if (e.key === "Escape") props.onCancel();
            }}
          />
          <div class="row">
            <Button variant="primary" onClick={props.onSave}>Save</Button>
            <Button onClick={props.onCancel}>Cancel</Button>
          </div>
        </div>
      ) : (
        <>
          {run?.answer?.reasoning ? (
            <details class="pg-reasoning">
              <summary>Reasoning</summary>
              <div class="pg-text">{run.answer.reasoning}</div>
            </details>
          ) : null}
          {m.content || !run ? <div class="pg-text" data-testid="message-text">{m.content}</div> : pending ? <div class="pg-text muted">…</div> : null}
        </>
      )}
      {run?.error ? (
        <div class="note bad" role="alert">
          <span>
            {run.error.message}
            {run.error.status ? <span class="muted"> ({run.error.status}{run.error.code ? ` ${run.error.code}` : ""})</span> : null}
          </span>
        </div>
      ) : null}
      {run && !pending ? <RunMeta run={run} /> : null}
    </article>
  );
}

/** What the answer cost and took, who gave it, and where its log is. */
function RunMeta(props: { run: Run }) {
  const { run } = props;
  const a = run.answer;
  const u = a?.usage;
  const by = a ? answeredBy(a) : null;
  return (
    <dl class="pg-meta" data-testid="answer-meta">
      {by ? <Item label="Model">{by}</Item> : null}
      {u ? (
        <Item label="Tokens">
          {fmtInt(u.prompt_tokens)} in · {fmtInt(u.completion_tokens)} out
        </Item>
      ) : null}
      {a?.cost !== null && a?.cost !== undefined ? <Item label="Cost">{fmtCost(a.cost)}</Item> : null}
      {run.latencyMs !== null ? <Item label="Latency">{fmtMs(run.latencyMs)}</Item> : null}
      {run.stream ? <Item label="First token">{fmtMs(run.ttftMs)}</Item> : null}
      {run.requestId ? (
        <Item label="Request">
          <a href={href("logs", run.requestId)} title="Open this request's log" aria-label={`Log of request ${run.requestId}`}>
            {run.requestId}
          </a>
        </Item>
      ) : null}
    </dl>
  );
}

function Item(props: { label: string; children: ComponentChildren }) {
  return (
    <div>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}
