/** Label values from a RequestSummary: bounded per label, custom ones from x-bf-dim-* headers. */
import type { AttemptRecord, RequestSummary } from "bifrost/plugin";

/** Go's defaultBifrostLabelNames, less the ones this gateway has nothing for yet (routing rules, business units, projects). */
export const BIFROST_LABELS = [
  "provider",
  "model",
  "alias",
  "method",
  "virtual_key_id",
  "virtual_key_name",
  "selected_key_id",
  "selected_key_name",
  "fallback_index",
  "team_id",
  "team_name",
  "customer_id",
  "customer_name",
] as const;
export type BifrostLabel = (typeof BIFROST_LABELS)[number];
/** Where each BIFROST_LABELS value sits in a label-value tuple. */
export const AT = Object.fromEntries(BIFROST_LABELS.map((l, i) => [l, i])) as Record<BifrostLabel, number>;
/** Joins a label-value tuple into its series key (header values and model names carry no control characters). */
export const SEP = "\u0001";

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

/** A custom label's value: the first of its headers (dimensionHeaders) the request carries, else "". */
export function headerDimension(headers: Headers | Readonly<Record<string, string>>, names: readonly string[]): string {
  const web = headers instanceof Headers;
  for (const name of names) {
    const v = web ? headers.get(name) : (headers as Readonly<Record<string, string>>)[name];
    if (v != null) return v;
  }
  return "";
}

/** The custom labels' values from `headers`, each bounded under its first header's name (unique per label). */
export function customValues(into: string[], headers: Headers | Readonly<Record<string, string>>, dimensions: readonly (readonly string[])[], cap: LabelCap): string[] {
  for (const names of dimensions) into.push(cap.keep(names[0]!, headerDimension(headers, names)));
  return into;
}

/**
 * The request's label values in BIFROST_LABELS order, then the custom labels' (from `dimensions`, their
 * headers): the final attempt's provider, model and key, every value bounded by `cap`.
 */
export function requestValues(s: RequestSummary, method: string, dimensions: readonly (readonly string[])[], cap: LabelCap): string[] {
  const gov = s.values.get("governance") as GovernanceNote | undefined;
  // A native batch's line passed no hook: the key it ran for is its principal ("vk:<id>"), known by id only.
  const owner = !gov && s.principal?.startsWith("vk:") ? s.principal.slice(3) : "";
  // alias: the name the client used when it is not the model that answered (Go: the requested name behind a resolved one)
  const alias = s.fallbackIndex === 0 && s.requestedModel !== s.model && s.requestedModel !== `${s.provider}/${s.model}` ? s.requestedModel : "";
  const values = [
    cap.keep("provider", s.provider),
    cap.keep("model", s.model),
    cap.keep("alias", alias),
    method,
    gov ? cap.keep("virtual_key_id", str(gov.virtual_key_id)) : owner ? cap.keep("virtual_key_id", owner) : "",
    gov ? cap.keep("virtual_key_name", str(gov.virtual_key_name)) : "",
    "",
    cap.keep("selected_key_name", s.keyName ?? ""),
    String(s.fallbackIndex),
    gov ? cap.keep("team_id", str(gov.team_id)) : "",
    gov ? cap.keep("team_name", str(gov.team_name)) : "",
    gov ? cap.keep("customer_id", str(gov.customer_id)) : "",
    gov ? cap.keep("customer_name", str(gov.customer_name)) : "",
  ];
  // s.headers is built on first read: only when custom labels need it.
  return dimensions.length ? customValues(values, s.headers, dimensions, cap) : values;
}

/** The request's label values as one attempt saw them; the same array when the attempt is the final one. */
export function attemptValues(base: readonly string[], a: AttemptRecord, cap: LabelCap): readonly string[] {
  const key = a.keyName ?? "";
  const fallback = String(a.fallbackIndex);
  if (base[AT.provider] === a.provider && base[AT.model] === a.model && base[AT.selected_key_name] === key && base[AT.fallback_index] === fallback) return base;
  const values = base.slice();
  values[AT.provider] = cap.keep("provider", a.provider);
  values[AT.model] = cap.keep("model", a.model);
  values[AT.alias] = "";
  values[AT.selected_key_name] = cap.keep("selected_key_name", key);
  values[AT.fallback_index] = fallback;
  return values;
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
