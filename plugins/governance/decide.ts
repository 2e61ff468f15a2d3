/**
 * Governance's decisions as pure functions: which virtual key a request presents, whether it is
 * admitted, where an unprefixed model goes, which limits apply, and the error a refused limit
 * becomes. Decisions, statuses and messages are Go Bifrost's (plugins/governance resolver.go and
 * main.go): the decision is the error's `type` (and our `code`); 403 for key/model/provider, 429 for
 * rate limits, 402 for budgets.
 */
import type { Limit } from "./counters-types";
import { budgetLimit, rateLimits, VIRTUAL_KEY_PREFIX, type Customer, type ProviderConfig, type Team, type VirtualKey } from "./model";

export type Decision =
  | "virtual_key_required"
  | "virtual_key_not_found"
  | "virtual_key_blocked"
  | "model_blocked"
  | "provider_blocked"
  | "rate_limited"
  | "token_limited"
  | "request_limited"
  | "budget_exceeded";

export interface GovernanceError {
  status: number;
  type: Decision;
  code: Decision;
  message: string;
  /** Lower-case header names (Retry-After, x-ratelimit-*), for 429s. */
  headers?: Record<string, string>;
}

const refuse = (status: number, decision: Decision, message: string): GovernanceError => ({ status, type: decision, code: decision, message });

/**
 * The virtual key a request carries: `x-bf-vk` (any value: Go's keys without the sk-bf- prefix
 * are read only from there), else `Authorization: Bearer sk-bf-…`, `x-api-key`, `x-goog-api-key`
 * or `api-key` when the value starts with `sk-bf-`. Other values of those headers are provider
 * keys passed through (Go's direct key bypass) and are not taken for virtual keys.
 */
export function presentedKey(header: (name: string) => string | undefined): string | null {
  const vk = header("x-bf-vk")?.trim();
  if (vk) return vk;
  const auth = header("authorization")?.trim();
  if (auth && /^bearer\s+/i.test(auth)) {
    const token = auth.replace(/^bearer\s+/i, "").trim();
    if (token.startsWith(VIRTUAL_KEY_PREFIX)) return token;
  }
  for (const name of ["x-api-key", "x-goog-api-key", "api-key"]) {
    const v = header(name)?.trim();
    if (v?.startsWith(VIRTUAL_KEY_PREFIX)) return v;
  }
  return null;
}

export type Admission = { ok: true; vk: VirtualKey | null } | { ok: false; error: GovernanceError };

/**
 * Whether a request goes on: `presented` is what presentedKey found, `vk` what it looked up to
 * (undefined when nothing matched). No key: admitted ungoverned unless one is `required` (401).
 */
export function admit(presented: string | null, vk: VirtualKey | undefined | null, now: number, required: boolean): Admission {
  if (presented === null) {
    if (required) return { ok: false, error: refuse(401, "virtual_key_required", "A virtual key is required: send it in the x-bf-vk header (or Authorization: Bearer sk-bf-…)") };
    return { ok: true, vk: null };
  }
  if (!vk) return { ok: false, error: refuse(403, "virtual_key_not_found", "Virtual key not found") };
  if (!vk.is_active) return { ok: false, error: refuse(403, "virtual_key_blocked", "Virtual key is inactive") };
  if (vk.expires_at !== null && Date.parse(vk.expires_at) <= now) return { ok: false, error: refuse(403, "virtual_key_blocked", "Virtual key has expired") };
  return { ok: true, vk };
}

// ── models and providers ───────────────────────────────────────────────────────

const compiled = new Map<string, RegExp>();

function patternOf(source: string): RegExp {
  let re = compiled.get(source);
  if (!re) {
    re = new RegExp(source);
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(source, re);
  }
  return re;
}

/** One entry of allowed_models / blacklisted_models against a model ("gpt-4o" or "openai/gpt-4o" both match "gpt-4o" under openai). */
function entryMatches(entry: string, provider: string, model: string): boolean {
  if (entry === "*") return true;
  if (entry.startsWith("regex:")) {
    const re = patternOf(entry.slice(6));
    return re.test(model) || re.test(`${provider}/${model}`);
  }
  return entry === model || entry === `${provider}/${model}`;
}

/** Go's WhiteList: ["*"] all, [] none; the blacklist wins. */
export function modelAllowed(pc: ProviderConfig, model: string): boolean {
  if (pc.blacklisted_models.some((e) => entryMatches(e, pc.provider, model))) return false;
  return pc.allowed_models.some((e) => entryMatches(e, pc.provider, model));
}

export function providerConfigFor(vk: VirtualKey, provider: string): ProviderConfig | undefined {
  return vk.provider_configs.find((pc) => pc.provider === provider);
}

/** Whether the key may call `model` at `provider` (for fallbacks and for filtering GET /v1/models). */
export function allowed(vk: VirtualKey, provider: string, model: string): boolean {
  const pc = providerConfigFor(vk, provider);
  return pc ? modelAllowed(pc, model) : vk.allow_all_providers;
}

/**
 * The MCP tools a key may use, as a tools filter (`<client>-<tool>`, `<client>-*`), from its
 * mcp_configs; null when it has none (every tool the gateway offers).
 */
export function mcpToolsFor(vk: VirtualKey): string[] | null {
  const configs = vk.mcp_configs ?? [];
  if (!configs.length) return null;
  return configs.flatMap((c) => (c.tools_to_execute.includes("*") ? [`${c.mcp_client_name}-*`] : c.tools_to_execute.map((t) => `${c.mcp_client_name}-${t}`)));
}

/** May the key run the MCP tool offered as `name` (`<client>-<tool>`)? */
export function mcpToolAllowed(vk: VirtualKey, name: string): boolean {
  const tools = mcpToolsFor(vk);
  if (tools === null) return true;
  const dash = name.indexOf("-");
  return tools.includes(name) || (dash > 0 && tools.includes(`${name.slice(0, dash)}-*`));
}

export type RouteDecision =
  | { ok: true; model: string; fallbacks: string[]; providerConfig: ProviderConfig | null }
  | { ok: false; error: GovernanceError };

/** Splits "provider/model" when the first segment is a configured provider; else the model is unprefixed. */
export function splitModel(requested: string, providers: readonly string[]): { provider: string | null; model: string } {
  const slash = requested.indexOf("/");
  if (slash > 0) {
    const provider = requested.slice(0, slash);
    if (providers.includes(provider)) return { provider, model: requested.slice(slash + 1) };
  }
  return { provider: null, model: requested };
}

/**
 * Where a request goes under a key. A prefixed model is checked (403 provider_blocked /
 * model_blocked). An unprefixed one is routed by the key's provider weights among the configured
 * providers whose config allows it (weighted random; weight null counts 1, 0 only as a fallback),
 * the others becoming fallbacks by weight. A key with no provider config that allows all providers
 * leaves an unprefixed model to the gateway's own routing.
 */
export function route(vk: VirtualKey, requestedModel: string, providers: readonly string[], random: () => number = Math.random): RouteDecision {
  const { provider, model } = splitModel(requestedModel, providers);
  if (provider !== null) {
    const pc = providerConfigFor(vk, provider);
    if (!pc) {
      if (vk.allow_all_providers) return { ok: true, model: requestedModel, fallbacks: [], providerConfig: null };
      return { ok: false, error: refuse(403, "provider_blocked", `Provider '${provider}' is not allowed for this virtual key`) };
    }
    if (!modelAllowed(pc, model)) return { ok: false, error: refuse(403, "model_blocked", `Model '${model}' is not allowed for provider '${provider}' on this virtual key`) };
    return { ok: true, model: requestedModel, fallbacks: [], providerConfig: pc };
  }
  const candidates = vk.provider_configs.filter((pc) => providers.includes(pc.provider) && modelAllowed(pc, model));
  if (candidates.length === 0) {
    if (vk.allow_all_providers && vk.provider_configs.length === 0) return { ok: true, model: requestedModel, fallbacks: [], providerConfig: null };
    return { ok: false, error: refuse(403, "model_blocked", `Model '${model}' is not allowed for this virtual key (no provider config allows it)`) };
  }
  const weightOf = (pc: ProviderConfig) => pc.weight ?? 1;
  const total = candidates.reduce((s, pc) => s + weightOf(pc), 0);
  let chosen = candidates[0]!;
  if (total > 0) {
    let r = random() * total;
    for (const pc of candidates) {
      r -= weightOf(pc);
      if (r < 0) {
        chosen = pc;
        break;
      }
    }
    if (weightOf(chosen) === 0) chosen = candidates.find((pc) => weightOf(pc) > 0)!;
  }
  const rest = candidates.filter((pc) => pc !== chosen).sort((a, b) => weightOf(b) - weightOf(a));
  return { ok: true, model: `${chosen.provider}/${model}`, fallbacks: rest.map((pc) => `${pc.provider}/${model}`), providerConfig: chosen };
}

// ── limits ──────────────────────────────────────────────────────────────────

export type Level = "provider_config" | "virtual_key" | "team" | "customer";

export interface TaggedLimit {
  limit: Limit;
  kind: "budget" | "requests" | "tokens";
  level: Level;
  /** The owner's id and name (a provider config's: the provider's name), for messages. */
  owner: { id: string; name: string };
  /** The budget or rate limit's own id. */
  sourceId: string;
}

/** How limitsFor finds a key's team and customer. */
export interface Directory {
  team(id: string): Team | undefined;
  customer(id: string): Customer | undefined;
}

/**
 * Every limit a request under `vk` (routed to `pc`) must fit: budgets up the chain (provider
 * config → key → team → the team's customer, or the key's own customer) and the rate limits of the
 * same owners (Go's tables give teams and customers a rate_limit too; a limit that is set is held).
 * A budget shared by two levels appears once (its first, lowest level).
 */
export function limitsFor(vk: VirtualKey, pc: ProviderConfig | null, dir: Directory): TaggedLimit[] {
  const out: TaggedLimit[] = [];
  const seen = new Set<string>();
  const add = (t: TaggedLimit) => {
    if (seen.has(t.limit.id)) return;
    seen.add(t.limit.id);
    out.push(t);
  };
  const owners: Array<{ level: Level; id: string; name: string; budgets: VirtualKey["budgets"]; rate_limit: VirtualKey["rate_limit"] | null; aligned: boolean }> = [];
  if (pc) owners.push({ level: "provider_config", id: `${vk.id}:${pc.provider}`, name: pc.provider, budgets: pc.budgets, rate_limit: pc.rate_limit, aligned: vk.calendar_aligned });
  owners.push({ level: "virtual_key", id: vk.id, name: vk.name, budgets: vk.budgets, rate_limit: vk.rate_limit, aligned: vk.calendar_aligned });
  const team = vk.team_id ? dir.team(vk.team_id) : undefined;
  if (team) owners.push({ level: "team", id: team.id, name: team.name, budgets: team.budgets, rate_limit: team.rate_limit, aligned: team.calendar_aligned });
  const customerId = team ? team.customer_id : vk.customer_id;
  const customer = customerId ? dir.customer(customerId) : undefined;
  if (customer) owners.push({ level: "customer", id: customer.id, name: customer.name, budgets: customer.budgets, rate_limit: customer.rate_limit, aligned: customer.calendar_aligned });
  for (const o of owners) {
    const owner = { id: o.id, name: o.name };
    for (const b of o.budgets) add({ limit: budgetLimit(b, o.aligned), kind: "budget", level: o.level, owner, sourceId: b.id });
    if (o.rate_limit)
      for (const l of rateLimits(o.rate_limit, o.aligned)) add({ limit: { id: l.id, max: l.max, window: l.window }, kind: l.metric, level: o.level, owner, sourceId: o.rate_limit.id });
  }
  return out;
}

const LEVEL_NAMES: Record<Level, string> = { provider_config: "provider config", virtual_key: "virtual key", team: "team", customer: "customer" };

function resetWords(resetAt: number | null, now: number): string {
  if (resetAt === null) return "it does not reset";
  return `resets in ${Math.max(1, Math.ceil((resetAt - now) / 1000))}s (${new Date(resetAt).toISOString()})`;
}

/**
 * The error a limit without room becomes: 402 budget_exceeded, or 429 request_limited /
 * token_limited with Retry-After and OpenAI's x-ratelimit-* headers (limit, remaining, reset).
 */
export function deniedError(t: TaggedLimit, used: number, resetAt: number | null, now: number): GovernanceError {
  const who = `${LEVEL_NAMES[t.level]} '${t.owner.name}'`;
  const when = resetWords(resetAt, now);
  if (t.kind === "budget")
    return refuse(402, "budget_exceeded", `Budget exceeded for ${who}: $${round(used)} of $${round(t.limit.max)} used; ${when}`);
  const metric = t.kind;
  const decision: Decision = metric === "tokens" ? "token_limited" : "request_limited";
  const err = refuse(429, decision, `Rate limit exceeded for ${who}: ${metric} limit reached (${Math.round(used)}/${t.limit.max}); ${when}`);
  const waitSeconds = resetAt === null ? null : Math.max(1, Math.ceil((resetAt - now) / 1000));
  err.headers = {
    [`x-ratelimit-limit-${metric}`]: String(t.limit.max),
    [`x-ratelimit-remaining-${metric}`]: String(Math.max(0, Math.floor(t.limit.max - used))),
  };
  if (waitSeconds !== null) {
    err.headers["retry-after"] = String(waitSeconds);
    err.headers[`x-ratelimit-reset-${metric}`] = `${waitSeconds}s`;
  }
  return err;
}

/**
 * The first of `tagged` with no room left at all, given each one's current use (same order); -1 when every one
 * has some. No room: a budget or token limit used up to its max, a request limit without room for one more
 * request — what every single request would be refused for, whatever its size. Used to admit a native batch,
 * whose cost is not reserved: a limit with any room admits it (the batch may then overrun, as a stream may).
 */
export function firstWithoutRoom(tagged: readonly TaggedLimit[], used: readonly number[]): number {
  return tagged.findIndex((t, i) => (t.kind === "requests" ? used[i]! + 1 > t.limit.max : used[i]! >= t.limit.max));
}

function round(usd: number): string {
  return (Math.round(usd * 1e6) / 1e6).toString();
}
