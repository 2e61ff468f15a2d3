/** Label values from a RequestSummary: bounded per label, custom ones from x-bf-dim-* headers. */
import type { AttemptRecord, RequestSummary } from "bifrost/plugin";

/** What a label reports once it has seen `max_label_values` distinct values. */
export const OVERFLOW = "__overflow__";

/** Keeps at most `max` distinct values per label; later new values become OVERFLOW, so random model names cannot grow memory. */
export class LabelCap {
  private readonly seen = new Map<string, Set<string>>();
  constructor(private readonly max: number) {}

  keep(label: string, value: string): string {
    if (value === "") return value;
    let values = this.seen.get(label);
    if (!values) this.seen.set(label, (values = new Set()));
    if (values.has(value)) return value;
    if (values.size >= this.max) return OVERFLOW;
    values.add(value);
    return value;
  }
}

/** The governance plugin's note on a request (summary.values "governance"), when there is one. */
interface GovernanceNote {
  virtual_key_id?: unknown;
  virtual_key_name?: unknown;
  team_id?: unknown;
  team_name?: unknown;
  customer_id?: unknown;
  customer_name?: unknown;
}
const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** A custom label's value: `x-bf-dim-<label>` wins over the legacy `x-bf-prom-<label>` (Go's order); "-" may stand for "_". */
export function headerDimension(headers: Readonly<Record<string, string>>, label: string): string {
  const name = label.toLowerCase();
  const dashed = name.replaceAll("_", "-");
  return headers[`x-bf-dim-${name}`] ?? headers[`x-bf-dim-${dashed}`] ?? headers[`x-bf-prom-${name}`] ?? headers[`x-bf-prom-${dashed}`] ?? "";
}

export type Labels = Record<string, string>;

/** The request's labels (the final attempt's provider, model and key), custom labels included, every value bounded. */
export function requestLabels(s: RequestSummary, method: string, custom: readonly string[], cap: LabelCap): Labels {
  const gov = (s.values.get("governance") ?? {}) as GovernanceNote;
  // alias: the name the client used when it is not the model that answered (Go: the requested name behind a resolved one)
  const alias = s.fallbackIndex === 0 && s.requestedModel !== s.model && s.requestedModel !== `${s.provider}/${s.model}` ? s.requestedModel : "";
  const labels: Labels = {
    provider: cap.keep("provider", s.provider),
    model: cap.keep("model", s.model),
    alias: cap.keep("alias", alias),
    method,
    virtual_key_id: cap.keep("virtual_key_id", str(gov.virtual_key_id)),
    virtual_key_name: cap.keep("virtual_key_name", str(gov.virtual_key_name)),
    selected_key_id: "",
    selected_key_name: cap.keep("selected_key_name", s.keyName ?? ""),
    fallback_index: String(s.fallbackIndex),
    team_id: cap.keep("team_id", str(gov.team_id)),
    team_name: cap.keep("team_name", str(gov.team_name)),
    customer_id: cap.keep("customer_id", str(gov.customer_id)),
    customer_name: cap.keep("customer_name", str(gov.customer_name)),
  };
  for (const label of custom) labels[label] = cap.keep(label, headerDimension(s.headers, label));
  return labels;
}

/** The request's labels as one attempt saw them; the same object when the attempt is the final one. */
export function attemptLabels(base: Labels, a: AttemptRecord, cap: LabelCap): Labels {
  const key = a.keyName ?? "";
  const fallback = String(a.fallbackIndex);
  if (base.provider === a.provider && base.model === a.model && base.selected_key_name === key && base.fallback_index === fallback) return base;
  return {
    ...base,
    provider: cap.keep("provider", a.provider),
    model: cap.keep("model", a.model),
    alias: "",
    selected_key_name: cap.keep("selected_key_name", key),
    fallback_index: fallback,
  };
}

/** A failure's normalized kind, from its status (a small fixed set, so it adds few series). */
export function errorType(status: number, type: string | undefined): string {
  if (status === 499) return "cancelled";
  if (status === 429) return "rate_limit";
  if (status === 401 || status === 403) return "authentication";
  if (status === 408 || status === 504 || type === "timeout") return "timeout";
  if (status >= 500) return "server_error";
  if (status >= 400) return "invalid_request";
  return "unknown";
}
