/**
 * The governance forms' state and the API bodies they become (Go Bifrost's create/update requests).
 * Editing keeps what the form does not show: a budget's or rate limit's id (so its usage carries on),
 * a key's other budgets, and each provider config's own limits, key ids and blocked models.
 */
import { isDuration } from "./reset";
import type { BudgetView, Limits, ProviderConfigView, RateLimitView, VirtualKeyView } from "./types";

export interface LimitForm {
  budget_max: string;
  budget_reset: string;
  token_max: string;
  token_reset: string;
  request_max: string;
  request_reset: string;
}

export type FormErrors<K extends string = string> = Partial<Record<K, string>>;

export interface BudgetInput {
  id?: string;
  max_limit: number;
  reset_duration: string;
  calendar_aligned?: boolean;
}

export interface RateLimitInput {
  id?: string;
  token_max_limit: number | null;
  token_reset_duration: string | null;
  request_max_limit: number | null;
  request_reset_duration: string | null;
}

const str = (n: number | null | undefined) => (n === null || n === undefined ? "" : String(n));

export function limitFormOf(l: Limits | null | undefined): LimitForm {
  const b = l?.budgets[0];
  const r = l?.rate_limit;
  return {
    budget_max: str(b?.max_limit),
    budget_reset: b?.reset_duration ?? "1M",
    token_max: str(r?.token_max_limit),
    token_reset: r?.token_reset_duration ?? "1h",
    request_max: str(r?.request_max_limit),
    request_reset: r?.request_reset_duration ?? "1m",
  };
}

/** A budget as the API takes it back (the answer's usage fields dropped; its own calendar flag kept). */
export function budgetInput(b: BudgetView, ownerAligned: boolean): BudgetInput {
  return { id: b.id, max_limit: b.max_limit, reset_duration: b.reset_duration, ...(b.calendar_aligned && !ownerAligned ? { calendar_aligned: true } : {}) };
}

export function rateLimitInput(r: RateLimitView): RateLimitInput {
  return { id: r.id, token_max_limit: r.token_max_limit, token_reset_duration: r.token_reset_duration, request_max_limit: r.request_max_limit, request_reset_duration: r.request_reset_duration };
}

const DURATION_HINT = 'a count and a unit: s m h d w M Q Y (e.g. "1h", "1d", "1M")';

function readMax(value: string, integer: boolean): number | string | null {
  const v = value.trim();
  if (!v) return null;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) return "must be a number, 0 or more";
  if (integer && (!Number.isInteger(n) || n === 0)) return "must be a whole number above 0";
  return n;
}

/**
 * The form's budget and rate limit as `budgets` and `rate_limit` for a create or update body; `existing`
 * (when editing) keeps the first budget's and the rate limit's ids and the other budgets.
 */
export function limitsBody(
  form: LimitForm,
  existing: (Limits & { calendar_aligned?: boolean }) | null,
): { ok: true; budgets: BudgetInput[]; rate_limit: RateLimitInput | null } | { ok: false; errors: FormErrors<keyof LimitForm> } {
  const errors: FormErrors<keyof LimitForm> = {};
  const aligned = existing?.calendar_aligned === true;
  const budgets: BudgetInput[] = [];
  const max = readMax(form.budget_max, false);
  if (typeof max === "string") errors.budget_max = max;
  else if (max !== null) {
    if (!isDuration(form.budget_reset.trim())) errors.budget_reset = DURATION_HINT;
    const first = existing?.budgets[0];
    budgets.push({ ...(first ? budgetInput(first, aligned) : {}), max_limit: max, reset_duration: form.budget_reset.trim() });
  }
  for (const b of existing?.budgets.slice(1) ?? []) budgets.push(budgetInput(b, aligned));

  const part = (maxField: "token_max" | "request_max", resetField: "token_reset" | "request_reset") => {
    const m = readMax(form[maxField], true);
    if (typeof m === "string") return void (errors[maxField] = m);
    if (m === null) return { max: null, reset: null };
    const reset = form[resetField].trim();
    if (!isDuration(reset)) errors[resetField] = DURATION_HINT;
    return { max: m, reset };
  };
  const tokens = part("token_max", "token_reset");
  const requests = part("request_max", "request_reset");
  if (Object.keys(errors).length) return { ok: false, errors };
  const rate_limit: RateLimitInput | null =
    tokens!.max === null && requests!.max === null
      ? null
      : {
          ...(existing?.rate_limit ? { id: existing.rate_limit.id } : {}),
          token_max_limit: tokens!.max,
          token_reset_duration: tokens!.reset,
          request_max_limit: requests!.max,
          request_reset_duration: requests!.reset,
        };
  return { ok: true, budgets, rate_limit };
}

// ── virtual keys ──

export interface ProviderRow {
  provider: string;
  weight: string;
  /** Comma- or space-separated: names, "*" for all, "regex:<pattern>". */
  allowed_models: string;
  /** The provider config this row edits (its own limits and key ids are kept). */
  original?: ProviderConfigView;
}

export interface VirtualKeyForm {
  name: string;
  description: string;
  /** "", "team:<id>" or "customer:<id>". */
  owner: string;
  /** A datetime-local value, "" for never. */
  expires_at: string;
  allow_all_providers: boolean;
  providers: ProviderRow[];
  limits: LimitForm;
}

export const newProviderRow = (provider = ""): ProviderRow => ({ provider, weight: "1", allowed_models: "*" });

export function virtualKeyFormOf(vk: VirtualKeyView | null): VirtualKeyForm {
  if (!vk) return { name: "", description: "", owner: "", expires_at: "", allow_all_providers: false, providers: [newProviderRow()], limits: limitFormOf(null) };
  return {
    name: vk.name,
    description: vk.description,
    owner: vk.team_id ? `team:${vk.team_id}` : vk.customer_id ? `customer:${vk.customer_id}` : "",
    expires_at: toLocalInput(vk.expires_at),
    allow_all_providers: vk.allow_all_providers,
    providers: vk.provider_configs.map((pc) => ({ provider: pc.provider, weight: str(pc.weight), allowed_models: pc.allowed_models.join(", "), original: pc })),
    limits: limitFormOf(vk),
  };
}

export function splitModels(s: string): string[] {
  return s.split(/[\s,]+/).map((m) => m.trim()).filter(Boolean);
}

export type VirtualKeyErrors = FormErrors<keyof LimitForm | "name" | "expires_at" | `provider.${number}` | `weight.${number}`>;

/** Go's CreateVirtualKeyRequest / UpdateVirtualKeyRequest from the form; `existing` when editing. */
export function virtualKeyBody(form: VirtualKeyForm, existing: VirtualKeyView | null): { ok: true; body: Record<string, unknown> } | { ok: false; errors: VirtualKeyErrors } {
  const errors: VirtualKeyErrors = {};
  if (!form.name.trim()) errors.name = "is required";
  let expires: string | null = null;
  if (form.expires_at) {
    expires = fromLocalInput(form.expires_at);
    if (expires === null) errors.expires_at = "is not a date";
  }
  const seen = new Set<string>();
  const provider_configs = form.providers.flatMap((row, i) => {
    const provider = row.provider.trim();
    if (!provider) {
      // The empty row a new form starts with is ignored; one with models chosen is a mistake.
      if (!["", "*"].includes(row.allowed_models.trim())) errors[`provider.${i}`] = "is required (or remove this provider config)";
      return [];
    }
    if (seen.has(provider)) errors[`provider.${i}`] = `${provider} is listed twice`;
    seen.add(provider);
    const w = row.weight.trim() === "" ? null : Number(row.weight);
    if (w !== null && (!Number.isFinite(w) || w < 0)) errors[`weight.${i}`] = "must be a number, 0 or more";
    const o = row.original?.provider === provider ? row.original : undefined;
    return [
      {
        provider,
        weight: w,
        allowed_models: splitModels(row.allowed_models),
        ...(o
          ? {
              blacklisted_models: o.blacklisted_models,
              key_ids: o.key_ids,
              budgets: o.budgets.map((b) => budgetInput(b, existing?.calendar_aligned === true)),
              rate_limit: o.rate_limit ? rateLimitInput(o.rate_limit) : null,
            }
          : {}),
      },
    ];
  });
  const limits = limitsBody(form.limits, existing);
  if (!limits.ok) Object.assign(errors, limits.errors);
  if (Object.keys(errors).length || !limits.ok) return { ok: false, errors };
  const [kind, id] = splitOwner(form.owner);
  return {
    ok: true,
    body: {
      name: form.name.trim(),
      description: form.description.trim(),
      team_id: kind === "team" ? id : null,
      customer_id: kind === "customer" ? id : null,
      expires_at: expires,
      allow_all_providers: form.allow_all_providers,
      provider_configs,
      budgets: limits.budgets,
      rate_limit: limits.rate_limit,
    },
  };
}

function splitOwner(owner: string): ["team" | "customer" | null, string | null] {
  const i = owner.indexOf(":");
  if (i < 0) return [null, null];
  const kind = owner.slice(0, i);
  return kind === "team" || kind === "customer" ? [kind, owner.slice(i + 1)] : [null, null];
}

// ── teams and customers ──

export interface OwnerForm {
  name: string;
  /** Teams only: the customer's id or "". */
  customer_id: string;
  limits: LimitForm;
}

export function ownerBody(form: OwnerForm, existing: (Limits & { calendar_aligned?: boolean }) | null, withCustomer: boolean): { ok: true; body: Record<string, unknown> } | { ok: false; errors: FormErrors<keyof LimitForm | "name"> } {
  const limits = limitsBody(form.limits, existing);
  const errors: FormErrors<keyof LimitForm | "name"> = limits.ok ? {} : { ...limits.errors };
  if (!form.name.trim()) errors.name = "is required";
  if (!limits.ok || Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    body: { name: form.name.trim(), ...(withCustomer ? { customer_id: form.customer_id || null } : {}), budgets: limits.budgets, rate_limit: limits.rate_limit },
  };
}

// ── dates ──

const pad = (n: number) => String(n).padStart(2, "0");

/** An ISO instant as a datetime-local input's value (local time, to the minute). */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value (local time) as an ISO instant; null when it is not a date. */
export function fromLocalInput(local: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
