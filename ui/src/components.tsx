/**
 * The dashboard's building blocks. Pages compose these instead of styling their own: one look,
 * keyboard reachable (native buttons, links, inputs and <dialog>), readable at phone width.
 */
import type { ComponentChildren, JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";

export function PageHeader(props: { title: string; subtitle?: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <header class="page-header">
      <div>
        <h1>{props.title}</h1>
        {props.subtitle ? <p class="muted">{props.subtitle}</p> : null}
      </div>
      {props.actions ? <div class="actions">{props.actions}</div> : null}
    </header>
  );
}

type ButtonProps = Omit<JSX.IntrinsicElements["button"], "type"> & { variant?: "primary" | "danger" | "ghost"; busy?: boolean; type?: "button" | "submit" };

export function Button({ variant, busy, class: cls, children, disabled, type = "button", ...rest }: ButtonProps) {
  return (
    <button {...rest} type={type} class={`btn ${variant ?? ""} ${cls ?? ""}`} disabled={disabled || busy} aria-busy={busy ? "true" : undefined}>
      {busy ? <span class="spinner" aria-hidden="true" /> : null}
      {children}
    </button>
  );
}

/** A labelled form control: the label is tied to the control by id. */
export function Field(props: { label: string; hint?: ComponentChildren; error?: string | null; children: (id: string) => ComponentChildren }) {
  const id = useRef(`f${Math.random().toString(36).slice(2, 9)}`).current;
  return (
    <div class={`field ${props.error ? "invalid" : ""}`}>
      <label for={id}>{props.label}</label>
      {props.children(id)}
      {props.hint ? <small class="muted">{props.hint}</small> : null}
      {props.error ? <small class="error-text" role="alert">{props.error}</small> : null}
    </div>
  );
}

export function Badge(props: { tone?: "ok" | "warn" | "bad" | "info" | "muted"; children: ComponentChildren; title?: string }) {
  return <span class={`badge ${props.tone ?? "muted"}`} title={props.title}>{props.children}</span>;
}

/** The tone of a request status ("success", "error", "cancelled", "processing") or an HTTP code. */
export function statusTone(status: string | number | undefined): "ok" | "warn" | "bad" | "info" | "muted" {
  if (typeof status === "number") return status < 400 ? "ok" : status < 500 ? "warn" : "bad";
  if (status === "success" || status === "connected" || status === "closed" || status === "active") return "ok";
  if (status === "error" || status === "open" || status === "disconnected") return "bad";
  if (status === "cancelled" || status === "half_open") return "warn";
  if (status === "processing") return "info";
  return "muted";
}

export function ErrorNote(props: { error: unknown; onRetry?: () => void }) {
  if (!props.error) return null;
  const msg = props.error instanceof Error ? props.error.message : String(props.error);
  return (
    <div class="note bad" role="alert">
      <span>{msg}</span>
      {props.onRetry ? <Button variant="ghost" onClick={props.onRetry}>Retry</Button> : null}
    </div>
  );
}

export function Empty(props: { children: ComponentChildren }) {
  return <div class="empty muted">{props.children}</div>;
}

export function Loading() {
  return (
    <div class="empty muted" aria-live="polite">
      <span class="spinner" aria-hidden="true" /> Loading…
    </div>
  );
}

/** A table that scrolls sideways on a narrow screen instead of breaking the page. */
export function Table(props: { children: ComponentChildren; label: string; class?: string }) {
  return (
    <div class={`table-wrap ${props.class ?? ""}`} role="region" aria-label={props.label} tabIndex={0}>
      <table>{props.children}</table>
    </div>
  );
}

/** A modal on the native <dialog>: focus moves in, Escape closes, focus returns where it was. */
export function Modal(props: { open: boolean; title: string; onClose: () => void; children: ComponentChildren; wide?: boolean; footer?: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog ref={ref} class={`modal ${props.wide ? "wide" : ""}`} onClose={props.onClose} aria-label={props.title}>
      {props.open ? (
        <>
          <header>
            <h2>{props.title}</h2>
            <button type="button" class="btn ghost icon" aria-label="Close" onClick={props.onClose}>✕</button>
          </header>
          <div class="modal-body">{props.children}</div>
          {props.footer ? <footer>{props.footer}</footer> : null}
        </>
      ) : null}
    </dialog>
  );
}

/** A usage bar: value of max, turning amber past 80% and red at 100%. */
export function UsageBar(props: { value: number; max: number; label: string; format?: (n: number) => string }) {
  const ratio = props.max > 0 ? Math.min(props.value / props.max, 1) : 0;
  const f = props.format ?? ((n: number) => String(n));
  const tone = ratio >= 1 ? "bad" : ratio >= 0.8 ? "warn" : "ok";
  return (
    <div class="usage">
      <div class="usage-bar" role="progressbar" aria-label={props.label} aria-valuemin={0} aria-valuemax={props.max} aria-valuenow={props.value} aria-valuetext={`${f(props.value)} of ${f(props.max)}`}>
        <span class={tone} style={{ width: `${(ratio * 100).toFixed(1)}%` }} />
      </div>
      <small class="muted">{f(props.value)} / {f(props.max)}</small>
    </div>
  );
}

export function Json(props: { value: unknown; label?: string }) {
  const text = typeof props.value === "string" ? props.value : JSON.stringify(props.value, null, 2);
  return <pre class="json" aria-label={props.label} tabIndex={0}>{text}</pre>;
}

/** Tabs as a row of buttons (aria tablist); the caller renders the selected panel. */
export function Tabs<T extends string>(props: { tabs: Array<{ id: T; label: string }>; value: T; onChange: (v: T) => void; label: string }) {
  return (
    <div class="tabs" role="tablist" aria-label={props.label}>
      {props.tabs.map((t) => (
        <button type="button" role="tab" aria-selected={props.value === t.id} class={props.value === t.id ? "active" : ""} onClick={() => props.onChange(t.id)}>
          {t.label}
        </button>
      ))}
    </div>
  );
}

// ── toasts: short confirmations and failures, announced to screen readers ──

type Toast = { id: number; text: string; tone: "ok" | "bad" };
let toastSeq = 0;
const toastListeners = new Set<(t: Toast[]) => void>();
let toasts: Toast[] = [];

export function toast(text: string, tone: "ok" | "bad" = "ok") {
  const t = { id: ++toastSeq, text, tone };
  toasts = [...toasts, t];
  toastListeners.forEach((fn) => fn(toasts));
  setTimeout(() => {
    toasts = toasts.filter((x) => x.id !== t.id);
    toastListeners.forEach((fn) => fn(toasts));
  }, tone === "bad" ? 8000 : 4000);
}

export function Toasts() {
  const [list, setList] = useState<Toast[]>(toasts);
  useEffect(() => {
    toastListeners.add(setList);
    return () => void toastListeners.delete(setList);
  }, []);
  return (
    <div class="toasts" aria-live="polite">
      {list.map((t) => (
        <div key={t.id} class={`toast ${t.tone}`} role={t.tone === "bad" ? "alert" : "status"}>{t.text}</div>
      ))}
    </div>
  );
}

/** Asks before a destructive action. */
export function confirmAction(message: string): boolean {
  return window.confirm(message);
}

/** A value shown once (a new virtual key): selectable, with a copy button. */
export function SecretOnce(props: { value: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="secret-once">
      <p><strong>{props.label}</strong> — copy it now: it will not be shown again.</p>
      <div class="row">
        <code class="secret" data-testid="secret-value">{props.value}</code>
        <Button
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(props.value);
              setCopied(true);
            } catch {
              setCopied(false);
            }
          }}
        >
          {copied ? "Copied" : "Copy"}
        </Button>
      </div>
    </div>
  );
}
