/**
 * Governance's entities with Go Bifrost's JSON field names (framework/configstore/tables:
 * TableVirtualKey, TableVirtualKeyProviderConfig, TableTeam, TableCustomer, TableBudget,
 * TableRateLimit), the validation shared by the config file and the admin API, and the conversion
 * of budgets and rate limits into counter Limits (so the counters know nothing of entities).
 *
 * Ownership is nested, as Go's API answers show it: an owner carries its `budgets[]` and
 * `rate_limit`. The config file may also declare top-level `budgets[]` / `rate_limits[]` with ids
 * and reference them (`budget_id`, `budget_ids`, `rate_limit_id`), as Go's config.json does; a
 * budget id referenced by two owners is one budget (one counter) shared by both.
 */
import { assertSafeRegex } from "bifrost/plugin";
import type { Limit, WindowSpec } from "./counters-types";
import { durationMs, parseDuration } from "./counters-window";

export interface Budget {
  id: string;
  /** USD per window. */
  max_limit: number;
  /** "30s", "5m", "1h", "1d", "1w", "1M", "1Q", "1Y". */
  reset_duration: string;
  /** Deprecated in Go on the budget (set it on the owner); honoured on either. */
  calendar_aligned?: boolean;
}

export interface RateLimit {
  id: string;
  token_max_limit?: number | null;
  token_reset_duration?: string | null;
  request_max_limit?: number | null;
  request_reset_duration?: string | null;
}

export interface ProviderConfig {
  /** Go's uint id; ours is the position in the key's list, from 1. */
  id: number;
  provider: string;
  /** Share of unprefixed traffic; null counts as 1, 0 only as a fallback. */
  weight: number | null;
  /** ["*"] all, [] none (Go's deny-by-default), names or "regex:<pattern>". */
  allowed_models: string[];
  /** Wins over allowed_models. */
  blacklisted_models: string[];
  /** Provider key names this key may use; ["*"] all. */
  key_ids: string[];
  budgets: Budget[];
  rate_limit: RateLimit | null;
}

export interface VirtualKey extends Customer {
  description: string;
  /** SHA-256 (hex) of the key's value: the value itself is never stored. */
  value_hash: string;
  /** The value's first characters ("sk-bf-ab12"), for listings. */
  value_prefix: string;
  is_active: boolean;
  /** ISO 8601, or null for never. */
  expires_at: string | null;
  team_id: string | null;
  customer_id: string | null;
  /** A provider without a provider config is allowed, with every model. */
  allow_all_providers: boolean;
  provider_configs: ProviderConfig[];
  /** The MCP clients (and their tools) this key may use; empty: every tool the gateway offers. */
  mcp_configs?: McpConfig[];
}

/** What a customer is, and a team and a virtual key besides their own fields: an owner of budgets and a rate limit. */
export interface Customer {
  id: string;
  name: string;
  budgets: Budget[];
  rate_limit: RateLimit | null;
  /** Every budget and rate limit under this owner resets at calendar boundaries. */
  calendar_aligned: boolean;
  created_at: string;
  updated_at: string;
  /** Seeded from config.json (upserted on every start) rather than created through the API. */
  from_config?: boolean;
}

/** Go Bifrost's per-key MCP access: a client and the tools of it the key may use (["*"] all). */
export interface McpConfig {
  mcp_client_name: string;
  tools_to_execute: string[];
}

export interface Team extends Customer {
  customer_id: string | null;
}

/** A virtual key as the config file declares it: its value in clear (hashed when stored). */
export type VirtualKeySeed = VirtualKey & { value: string };

export interface GovernanceDefinitions {
  virtual_keys: VirtualKeySeed[];
  teams: Team[];
  customers: Customer[];
}

/** Bad config or a bad admin API body; the message names the JSON path. */
export class GovernanceInputError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`${path}: ${message}`);
    this.name = "GovernanceInputError";
  }
}

const DURATION = /^([1-9][0-9]*)(s|m|h|d|w|M|Q|Y)$/;

export function isDuration(s: unknown): s is string {
  return typeof s === "string" && DURATION.test(s);
}

// ── conversions to counter limits ─────────────────────────────────────────────

export function budgetLimit(b: Budget, ownerCalendarAligned = false): Limit {
  return { id: `budget:${b.id}`, max: b.max_limit, window: windowOf(b.reset_duration, ownerCalendarAligned || b.calendar_aligned === true) };
}

/** The request and token limits of a rate limit (those it sets). */
export function rateLimits(r: RateLimit, ownerCalendarAligned = false): Array<Limit & { metric: "requests" | "tokens" }> {
  const out: Array<Limit & { metric: "requests" | "tokens" }> = [];
  if (r.request_max_limit != null)
    out.push({ id: `rl:${r.id}:requests`, metric: "requests", max: r.request_max_limit, window: windowOf(r.request_reset_duration ?? null, ownerCalendarAligned) });
  if (r.token_max_limit != null)
    out.push({ id: `rl:${r.id}:tokens`, metric: "tokens", max: r.token_max_limit, window: windowOf(r.token_reset_duration ?? null, ownerCalendarAligned) });
  return out;
}

function windowOf(duration: string | null, calendarAligned: boolean): WindowSpec | null {
  if (!duration) return null;
  return calendarAligned ? { duration, calendarAligned: true } : { duration };
}

/** When the window that ends at `resetAt` began (Go's last_reset), for answers: calendar months back when aligned, else the counters' fixed span (1M = 30 days). */
export function windowStart(resetAt: number, window: WindowSpec): number {
  const { count, unit } = parseDuration(window.duration);
  if (!window.calendarAligned || (unit !== "M" && unit !== "Q" && unit !== "Y")) return resetAt - durationMs(window.duration);
  const d = new Date(resetAt);
  d.setUTCMonth(d.getUTCMonth() - count * (unit === "M" ? 1 : unit === "Q" ? 3 : 12));
  return d.getTime();
}

// ── validation (config file and admin API share it) ───────────────────────────

type Raw = Record<string, unknown>;

export function isObject(v: unknown): v is Raw {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function fail(path: string, message: string): never {
  throw new GovernanceInputError(message, path);
}

export function readObject(v: unknown, at: string): Raw {
  if (!isObject(v)) fail(at, "must be an object");
  return v;
}

export function checkKeys(o: Raw, at: string, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) fail(`${at}.${k}`, `unknown field (known: ${allowed.join(", ")})`);
}

export function readString(o: Raw, key: string, at: string, opts: { required?: boolean; nonEmpty?: boolean } = {}): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) {
    if (opts.required) fail(`${at}.${key}`, "is required");
    return undefined;
  }
  if (typeof v !== "string") fail(`${at}.${key}`, "must be a string");
  if ((opts.required || opts.nonEmpty) && v.trim() === "") fail(`${at}.${key}`, "must not be empty");
  return v;
}

function readBool(o: Raw, key: string, at: string): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") fail(`${at}.${key}`, "must be true or false");
  return v;
}

function readNumber(o: Raw, key: string, at: string, opts: { integer?: boolean; positive?: boolean; min?: number } = {}): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) fail(`${at}.${key}`, "must be a number");
  if (opts.integer && !Number.isInteger(v)) fail(`${at}.${key}`, "must be an integer");
  if (opts.positive && v <= 0) fail(`${at}.${key}`, "must be greater than 0");
  if (opts.min !== undefined && v < opts.min) fail(`${at}.${key}`, `must be at least ${opts.min}`);
  return v;
}

function readDuration(o: Raw, key: string, at: string, required: boolean): string | undefined {
  const v = readString(o, key, at, { required });
  if (v !== undefined && !isDuration(v)) fail(`${at}.${key}`, `"${v}" is not a duration (a positive count and one of s m h d w M Q Y, e.g. "1h", "1d", "1M")`);
  return v;
}

/** A list of model names or "regex:" patterns (each pattern checked for catastrophic backtracking). */
function readModelList(o: Raw, key: string, at: string, fallback: string[]): string[] {
  const v = o[key];
  if (v === undefined || v === null) return fallback;
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string" || x === "")) fail(`${at}.${key}`, 'must be a list of model names ("*" for all, "regex:<pattern>" for a pattern)');
  (v as string[]).forEach((m, i) => {
    if (!m.startsWith("regex:")) return;
    const source = m.slice("regex:".length);
    // assertSafeRegex throws a plain Error: rethrown as an input error so the admin API answers 400, not 500.
    try {
      assertSafeRegex(source);
    } catch (e) {
      fail(`${at}.${key}[${i}]`, (e as Error).message);
    }
    try {
      new RegExp(source);
    } catch (e) {
      fail(`${at}.${key}[${i}]`, `invalid regex: ${(e as Error).message}`);
    }
  });
  return [...(v as string[])];
}

export interface IdSource {
  /** A fresh id for a budget or rate limit the body did not name. */
  newId(at: string): string;
}

/** Time-ordered (UUIDv7): entities created in the same millisecond still list in creation order. */
export const randomIds: IdSource = { newId: () => Bun.randomUUIDv7() };

export function readBudget(raw: unknown, at: string, ids: IdSource): Budget {
  const o = readObject(raw, at);
  checkKeys(o, at, ["id", "max_limit", "reset_duration", "calendar_aligned", "current_usage", "last_reset"]);
  const max = readNumber(o, "max_limit", at, { min: 0 });
  if (max === undefined) fail(`${at}.max_limit`, "is required (USD per window)");
  const b: Budget = { id: readString(o, "id", at, { nonEmpty: true }) ?? ids.newId(at), max_limit: max, reset_duration: readDuration(o, "reset_duration", at, true)! };
  const aligned = readBool(o, "calendar_aligned", at);
  if (aligned) b.calendar_aligned = true;
  return b;
}

export function readRateLimit(raw: unknown, at: string, ids: IdSource): RateLimit {
  const o = readObject(raw, at);
  checkKeys(o, at, ["id", "token_max_limit", "token_reset_duration", "request_max_limit", "request_reset_duration", "calendar_aligned", "token_current_usage", "request_current_usage", "token_last_reset", "request_last_reset"]);
  const r: RateLimit = {
    id: readString(o, "id", at, { nonEmpty: true }) ?? ids.newId(at),
    token_max_limit: readNumber(o, "token_max_limit", at, { integer: true, positive: true }) ?? null,
    token_reset_duration: readDuration(o, "token_reset_duration", at, false) ?? null,
    request_max_limit: readNumber(o, "request_max_limit", at, { integer: true, positive: true }) ?? null,
    request_reset_duration: readDuration(o, "request_reset_duration", at, false) ?? null,
  };
  // Go's TableRateLimit.BeforeSave: a max needs its reset duration.
  if (r.token_max_limit != null && !r.token_reset_duration) fail(`${at}.token_reset_duration`, "is required when token_max_limit is set");
  if (r.request_max_limit != null && !r.request_reset_duration) fail(`${at}.request_reset_duration`, "is required when request_max_limit is set");
  if (r.token_max_limit == null && r.request_max_limit == null) fail(at, "sets neither token_max_limit nor request_max_limit");
  return r;
}

/** Resolves `budget_id` / `budget_ids` / `budgets` and `rate_limit_id` / `rate_limit` of an owner. */
export interface Refs {
  budgets: Map<string, Budget>;
  rateLimits: Map<string, RateLimit>;
}

const OWNER_LIMIT_KEYS = ["budgets", "budget", "budget_id", "budget_ids", "rate_limit", "rate_limit_id", "calendar_aligned"] as const;

function readOwnerLimits(o: Raw, at: string, ids: IdSource, refs: Refs | null): { budgets: Budget[]; rate_limit: RateLimit | null } {
  const budgets: Budget[] = [];
  if (o.budgets !== undefined && o.budgets !== null) {
    if (!Array.isArray(o.budgets)) fail(`${at}.budgets`, "must be a list of budgets");
    o.budgets.forEach((b, i) => budgets.push(readBudget(b, `${at}.budgets[${i}]`, ids)));
  }
  // Go's team and customer requests carry one `budget`.
  if (o.budget !== undefined && o.budget !== null) budgets.push(readBudget(o.budget, `${at}.budget`, ids));
  const referenced: string[] = [];
  const one = readString(o, "budget_id", at, { nonEmpty: true });
  if (one !== undefined) referenced.push(one);
  if (o.budget_ids !== undefined && o.budget_ids !== null) {
    if (!Array.isArray(o.budget_ids) || o.budget_ids.some((x) => typeof x !== "string")) fail(`${at}.budget_ids`, "must be a list of budget ids");
    referenced.push(...(o.budget_ids as string[]));
  }
  for (const id of referenced) {
    const b = refs?.budgets.get(id);
    if (!b) fail(`${at}.budget_id`, `unknown budget "${id}"${refs ? " (declare it in governance.budgets)" : ""}`);
    budgets.push(b);
  }
  const seen = new Set<string>();
  for (const b of budgets) {
    if (seen.has(b.id)) fail(`${at}.budgets`, `budget "${b.id}" is listed twice`);
    seen.add(b.id);
  }
  let rate_limit: RateLimit | null = o.rate_limit === undefined || o.rate_limit === null ? null : readRateLimit(o.rate_limit, `${at}.rate_limit`, ids);
  const rlId = readString(o, "rate_limit_id", at, { nonEmpty: true });
  if (rlId !== undefined) {
    if (rate_limit) fail(`${at}.rate_limit_id`, "set either rate_limit or rate_limit_id, not both");
    rate_limit = refs?.rateLimits.get(rlId) ?? fail(`${at}.rate_limit_id`, `unknown rate limit "${rlId}"${refs ? " (declare it in governance.rate_limits)" : ""}`);
  }
  return { budgets, rate_limit };
}

export function readProviderConfig(raw: unknown, at: string, index: number, ids: IdSource, refs: Refs | null): ProviderConfig {
  const o = readObject(raw, at);
  checkKeys(o, at, ["id", "provider", "weight", "allowed_models", "blacklisted_models", "key_ids", "allow_all_keys", "virtual_key_id", "keys", ...OWNER_LIMIT_KEYS]);
  const provider = readString(o, "provider", at, { required: true })!;
  const keyIds = o.key_ids === undefined || o.key_ids === null ? ["*"] : o.key_ids;
  if (!Array.isArray(keyIds) || keyIds.some((x) => typeof x !== "string")) fail(`${at}.key_ids`, 'must be a list of key names ("*" for all)');
  return {
    id: index + 1,
    provider,
    weight: readNumber(o, "weight", at, { min: 0 }) ?? null,
    allowed_models: readModelList(o, "allowed_models", at, []),
    blacklisted_models: readModelList(o, "blacklisted_models", at, []),
    key_ids: [...(keyIds as string[])],
    ...readOwnerLimits(o, at, ids, refs),
  };
}

function readTimestamp(o: Raw, key: string, at: string): string | null {
  const v = readString(o, key, at);
  if (v === undefined || v === "") return null;
  const t = Date.parse(v);
  if (Number.isNaN(t)) fail(`${at}.${key}`, `"${v}" is not a date (ISO 8601, e.g. "2027-01-01T00:00:00Z")`);
  return new Date(t).toISOString();
}

export const VIRTUAL_KEY_FIELDS = [
  "id", "name", "description", "value", "is_active", "expires_at", "team_id", "customer_id", "allow_all_providers", "provider_configs",
  "mcp_configs", "config_hash", "created_at", "updated_at", "team", "customer", ...OWNER_LIMIT_KEYS,
] as const;

/** The fields a virtual key declaration may set (config entry, API create body), without id/value/timestamps. */
export function readVirtualKeyFields(o: Raw, at: string, ids: IdSource, refs: Refs | null) {
  checkKeys(o, at, VIRTUAL_KEY_FIELDS);
  const team_id = readString(o, "team_id", at, { nonEmpty: true }) ?? null;
  const customer_id = readString(o, "customer_id", at, { nonEmpty: true }) ?? null;
  if (team_id && customer_id) fail(at, "set team_id or customer_id, not both (a virtual key belongs to one team or one customer)");
  let provider_configs: ProviderConfig[] = [];
  if (o.provider_configs !== undefined && o.provider_configs !== null) {
    if (!Array.isArray(o.provider_configs)) fail(`${at}.provider_configs`, "must be a list");
    provider_configs = o.provider_configs.map((pc, i) => readProviderConfig(pc, `${at}.provider_configs[${i}]`, i, ids, refs));
    const seen = new Set<string>();
    provider_configs.forEach((pc, i) => {
      if (seen.has(pc.provider)) fail(`${at}.provider_configs[${i}].provider`, `"${pc.provider}" has two provider configs`);
      seen.add(pc.provider);
    });
  }
  return {
    name: readString(o, "name", at, { required: true })!,
    description: readString(o, "description", at) ?? "",
    is_active: readBool(o, "is_active", at) ?? true,
    expires_at: readTimestamp(o, "expires_at", at),
    team_id,
    customer_id,
    allow_all_providers: readBool(o, "allow_all_providers", at) ?? false,
    provider_configs,
    mcp_configs: readMcpConfigs(o, at),
    calendar_aligned: readBool(o, "calendar_aligned", at) ?? false,
    ...readOwnerLimits(o, at, ids, refs),
  };
}

/** mcp_configs: [{mcp_client_name, tools_to_execute}] (Go's field names). */
function readMcpConfigs(o: Raw, at: string): McpConfig[] {
  const v = o.mcp_configs;
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(`${at}.mcp_configs`, "must be a list");
  return v.map((raw, i) => {
    const p = `${at}.mcp_configs[${i}]`;
    const c = readObject(raw, p);
    checkKeys(c, p, ["mcp_client_name", "mcp_client_id", "tools_to_execute", "id", "virtual_key_id"]);
    const name = readString(c, "mcp_client_name", p) ?? readString(c, "mcp_client_id", p);
    if (!name) fail(`${p}.mcp_client_name`, "is required");
    const tools = c.tools_to_execute ?? ["*"];
    if (!Array.isArray(tools) || !tools.every((t) => typeof t === "string")) fail(`${p}.tools_to_execute`, "must be a list of tool names (or [\"*\"])");
    return { mcp_client_name: name, tools_to_execute: tools as string[] };
  });
}

export function readTeamFields(o: Raw, at: string, ids: IdSource, refs: Refs | null) {
  checkKeys(o, at, ["id", "name", "customer_id", "virtual_keys", "customer", "config_hash", "created_at", "updated_at", "profile", "config", "claims", ...OWNER_LIMIT_KEYS]);
  return {
    name: readString(o, "name", at, { required: true })!,
    customer_id: readString(o, "customer_id", at, { nonEmpty: true }) ?? null,
    calendar_aligned: readBool(o, "calendar_aligned", at) ?? false,
    ...readOwnerLimits(o, at, ids, refs),
  };
}

export function readCustomerFields(o: Raw, at: string, ids: IdSource, refs: Refs | null) {
  checkKeys(o, at, ["id", "name", "teams", "virtual_keys", "config_hash", "created_at", "updated_at", ...OWNER_LIMIT_KEYS]);
  return {
    name: readString(o, "name", at, { required: true })!,
    calendar_aligned: readBool(o, "calendar_aligned", at) ?? false,
    ...readOwnerLimits(o, at, ids, refs),
  };
}

export const VIRTUAL_KEY_PREFIX = "sk-bf-";

export function sha256Hex(value: string): string {
  return new Bun.CryptoHasher("sha256").update(value).digest("hex");
}

/** What listings show of a key's value: its prefix and 4 more characters. */
export function visiblePrefix(value: string): string {
  return value.slice(0, VIRTUAL_KEY_PREFIX.length + 4);
}

// ── the config file's `governance` section ───────────────────────────────────

const SECTION_KEYS = ["virtual_keys", "teams", "customers", "budgets", "rate_limits", "auth_config", "model_configs", "providers", "routing_rules", "pricing_overrides"];

function readList(o: Raw, key: string, at: string): unknown[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(`${at}.${key}`, "must be a list");
  return v;
}

function readId(o: Raw, at: string, seen: Set<string>, what: string): string {
  const id = readString(o, "id", at, { required: true })!;
  if (seen.has(id)) fail(`${at}.id`, `${what} "${id}" is declared twice`);
  seen.add(id);
  return id;
}

/**
 * Validates config.json's `governance` section (Go's shape) into definitions to seed the store.
 * Other governance fields (auth_config, …) belong to other parts of the gateway and are not read here.
 */
export function parseGovernanceConfig(raw: unknown, at = "governance", env: Record<string, string | undefined> = process.env): GovernanceDefinitions {
  if (raw === undefined || raw === null) return { virtual_keys: [], teams: [], customers: [] };
  const o = readObject(raw, at);
  for (const k of Object.keys(o)) if (!SECTION_KEYS.includes(k) && !k.startsWith("$")) fail(`${at}.${k}`, `unknown field (known: ${SECTION_KEYS.join(", ")})`);
  // In the config file every budget and rate limit needs an id: counters are keyed by it, so usage survives a restart.
  const needId = (what: string, _owner?: string): IdSource => ({ newId: (path) => fail(`${path}.id`, `is required (a ${what} in the config file needs a stable id)`) });
  const refs: Refs = { budgets: new Map(), rateLimits: new Map() };
  readList(o, "budgets", at).forEach((b, i) => {
    const p = `${at}.budgets[${i}]`;
    const budget = readBudget(b, p, needId("budget", p));
    if (refs.budgets.has(budget.id)) fail(`${p}.id`, `budget "${budget.id}" is declared twice`);
    refs.budgets.set(budget.id, budget);
  });
  readList(o, "rate_limits", at).forEach((r, i) => {
    const p = `${at}.rate_limits[${i}]`;
    const rl = readRateLimit(r, p, needId("rate limit", p));
    if (refs.rateLimits.has(rl.id)) fail(`${p}.id`, `rate limit "${rl.id}" is declared twice`);
    refs.rateLimits.set(rl.id, rl);
  });
  const now = new Date().toISOString();
  const stamps = { created_at: now, updated_at: now, from_config: true };

  const customerIds = new Set<string>();
  const customers: Customer[] = readList(o, "customers", at).map((c, i) => {
    const p = `${at}.customers[${i}]`;
    const co = readObject(c, p);
    const id = readId(co, p, customerIds, "customer");
    return { id, ...readCustomerFields(co, p, needId("budget or rate limit", p), refs), ...stamps };
  });
  const teamIds = new Set<string>();
  const teams: Team[] = readList(o, "teams", at).map((t, i) => {
    const p = `${at}.teams[${i}]`;
    const to = readObject(t, p);
    const id = readId(to, p, teamIds, "team");
    const team = { id, ...readTeamFields(to, p, needId("budget or rate limit", p), refs), ...stamps };
    if (team.customer_id && !customerIds.has(team.customer_id)) fail(`${p}.customer_id`, `unknown customer "${team.customer_id}"`);
    return team;
  });
  const vkIds = new Set<string>();
  const values = new Set<string>();
  const virtual_keys: VirtualKeySeed[] = readList(o, "virtual_keys", at).map((v, i) => {
    const p = `${at}.virtual_keys[${i}]`;
    const vo = readObject(v, p);
    const id = readId(vo, p, vkIds, "virtual key");
    // "env.VAR", as every secret in config.json may be: the key's value from the environment.
    const written = readString(vo, "value", p, { required: true })!;
    const value = written.startsWith("env.") ? (env[written.slice(4)] ?? "") : written;
    if (!value) fail(`${p}.value`, `environment variable ${written.slice(4)} is not set`);
    if (values.has(value)) fail(`${p}.value`, "the same value is given to two virtual keys");
    values.add(value);
    const fields = readVirtualKeyFields(vo, p, needId("budget or rate limit", p), refs);
    if (fields.team_id && !teamIds.has(fields.team_id)) fail(`${p}.team_id`, `unknown team "${fields.team_id}"`);
    if (fields.customer_id && !customerIds.has(fields.customer_id)) fail(`${p}.customer_id`, `unknown customer "${fields.customer_id}"`);
    return { id, value, value_hash: sha256Hex(value), value_prefix: visiblePrefix(value), ...fields, ...stamps };
  });
  return { virtual_keys, teams, customers };
}
