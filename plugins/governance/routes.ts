/**
 * Go Bifrost's /api/governance admin routes (transports/bifrost-http/handlers/governance.go) over
 * a DefinitionStore: virtual keys, teams and customers (list with limit/offset/search, create, get,
 * update, delete), and the budgets and rate limits. Every budget and rate limit in an answer carries
 * its current usage and window (current_usage / last_reset as Go names them, plus reset_at, the next
 * reset). The gateway mounts these behind its admin authentication.
 */
import type { PluginRoute } from "bifrost/plugin";
import type { Limit } from "./counters-types";
import type { DefinitionStore, OwnerRef } from "./definitions";
import { budgetLimit, GovernanceInputError, rateLimits, windowStart, type Budget, type Customer, type ProviderConfig, type RateLimit, type Team, type VirtualKey } from "./model";

export type UsageOf = (limit: Limit) => Promise<{ used: number; resetAt: number | null }>;

const json = (body: unknown, status = 200) => Response.json(body, { status });

function errorBody(status: number, message: string, param: string | null = null) {
  return {
    is_bifrost_error: status >= 500,
    status_code: status,
    error: { type: status === 404 ? "not_found_error" : status >= 500 ? "server_error" : "invalid_request_error", code: null, message, param },
    extra_fields: {},
  };
}
const failure = (status: number, message: string, param: string | null = null) => json(errorBody(status, message, param), status);

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const MAX_LIMIT = 1000;

function page(q: URLSearchParams): { limit: number | null; offset: number; search: string } {
  const num = (name: string): number | null => {
    const v = q.get(name);
    if (v === null || v === "") return null;
    if (!/^[0-9]+$/.test(v)) throw new GovernanceInputError("must be a non-negative integer", name);
    return Number(v);
  };
  const limit = num("limit");
  return { limit: limit === null ? null : Math.min(Math.max(limit, 1), MAX_LIMIT), offset: num("offset") ?? 0, search: (q.get("search") ?? "").trim().toLowerCase() };
}

export function governanceRoutes(store: DefinitionStore, usageOf: UsageOf): PluginRoute[] {
  const budgetAnswer = async (b: Budget, aligned: boolean) => {
    const limit = budgetLimit(b, aligned);
    const { used, resetAt } = await usageOf(limit);
    return {
      id: b.id,
      max_limit: b.max_limit,
      reset_duration: b.reset_duration,
      calendar_aligned: aligned || b.calendar_aligned === true,
      current_usage: used,
      last_reset: resetAt === null || !limit.window ? null : iso(windowStart(resetAt, limit.window)),
      reset_at: iso(resetAt),
    };
  };

  const rateLimitAnswer = async (r: RateLimit, aligned: boolean) => {
    const out: Record<string, unknown> = {
      id: r.id,
      token_max_limit: r.token_max_limit ?? null,
      token_reset_duration: r.token_reset_duration ?? null,
      token_current_usage: 0,
      token_last_reset: null,
      token_reset_at: null,
      request_max_limit: r.request_max_limit ?? null,
      request_reset_duration: r.request_reset_duration ?? null,
      request_current_usage: 0,
      request_last_reset: null,
      request_reset_at: null,
    };
    for (const l of rateLimits(r, aligned)) {
      const { used, resetAt } = await usageOf(l);
      const p = l.metric === "tokens" ? "token" : "request";
      out[`${p}_current_usage`] = used;
      out[`${p}_last_reset`] = resetAt === null || !l.window ? null : iso(windowStart(resetAt, l.window));
      out[`${p}_reset_at`] = iso(resetAt);
    }
    return out;
  };

  const limitsOf = async (o: { budgets: Budget[]; rate_limit: RateLimit | null }, aligned: boolean) => ({
    budgets: await Promise.all(o.budgets.map((b) => budgetAnswer(b, aligned))),
    rate_limit: o.rate_limit ? await rateLimitAnswer(o.rate_limit, aligned) : null,
    rate_limit_id: o.rate_limit?.id ?? null,
  });

  const customerSummary = (id: string | null) => {
    const c = id ? store.customer(id) : undefined;
    return c ? { id: c.id, name: c.name } : null;
  };

  const providerConfigAnswer = async (vk: VirtualKey, pc: ProviderConfig) => ({
    id: pc.id,
    virtual_key_id: vk.id,
    provider: pc.provider,
    weight: pc.weight,
    allowed_models: pc.allowed_models,
    blacklisted_models: pc.blacklisted_models,
    key_ids: pc.key_ids,
    allow_all_keys: pc.key_ids.includes("*"),
    ...(await limitsOf(pc, vk.calendar_aligned)),
  });

  /** Go's TableVirtualKey JSON; `value` is the visible prefix except in the creation answer. */
  const vkAnswer = async (vk: VirtualKey, value?: string) => {
    const team = vk.team_id ? store.team(vk.team_id) : undefined;
    return {
      id: vk.id,
      name: vk.name,
      description: vk.description,
      value: value ?? `${vk.value_prefix}…`,
      is_active: vk.is_active,
      expires_at: vk.expires_at,
      team_id: vk.team_id,
      customer_id: vk.customer_id,
      team: team ? { id: team.id, name: team.name, customer_id: team.customer_id } : null,
      customer: customerSummary(vk.customer_id),
      allow_all_providers: vk.allow_all_providers,
      calendar_aligned: vk.calendar_aligned,
      provider_configs: await Promise.all(vk.provider_configs.map((pc) => providerConfigAnswer(vk, pc))),
      ...(await limitsOf(vk, vk.calendar_aligned)),
      config_source: vk.from_config ? "config" : "api",
      created_at: vk.created_at,
      updated_at: vk.updated_at,
    };
  };

  const teamAnswer = async (t: Team) => ({
    id: t.id,
    name: t.name,
    customer_id: t.customer_id,
    customer: customerSummary(t.customer_id),
    calendar_aligned: t.calendar_aligned,
    ...(await limitsOf(t, t.calendar_aligned)),
    virtual_key_count: store.virtualKeys().filter((vk) => vk.team_id === t.id).length,
    config_source: t.from_config ? "config" : "api",
    created_at: t.created_at,
    updated_at: t.updated_at,
  });

  const customerAnswer = async (c: Customer) => ({
    id: c.id,
    name: c.name,
    calendar_aligned: c.calendar_aligned,
    ...(await limitsOf(c, c.calendar_aligned)),
    teams: store.teams().filter((t) => t.customer_id === c.id).map((t) => ({ id: t.id, name: t.name })),
    virtual_key_count: store.virtualKeys().filter((vk) => vk.customer_id === c.id).length,
    config_source: c.from_config ? "config" : "api",
    created_at: c.created_at,
    updated_at: c.updated_at,
  });

  /** Answers 400 for a bad body or query, 500 (without internals) when the store fails. */
  const guarded =
    (handle: (request: Request, params: Record<string, string>) => Promise<Response>) =>
    async (request: Request, params: Record<string, string>): Promise<Response> => {
      try {
        return await handle(request, params);
      } catch (e) {
        if (e instanceof GovernanceInputError) return failure(400, e.message, e.path);
        return failure(500, "governance store unavailable");
      }
    };

  const body = async (request: Request): Promise<unknown> => {
    try {
      return await request.json();
    } catch {
      throw new GovernanceInputError("must be a JSON object", "body");
    }
  };

  /** One entity family's five routes, in Go's shapes. */
  function crud<E extends { id: string; name: string }>(spec: {
    path: string;
    plural: string;
    singular: string;
    label: string;
    list: () => E[];
    get: (id: string) => E | undefined;
    answer: (e: E) => Promise<unknown>;
    create: (b: unknown) => Promise<{ entity: E; answer?: unknown }>;
    update: (id: string, b: unknown) => Promise<E | undefined>;
    remove: (id: string) => Promise<boolean>;
  }): PluginRoute[] {
    const notFound = () => failure(404, `${spec.label} not found`);
    return [
      {
        method: "GET",
        path: spec.path,
        handle: guarded(async (request) => {
          const { limit, offset, search } = page(new URL(request.url).searchParams);
          const all = spec.list().filter((e) => !search || e.name.toLowerCase().includes(search) || e.id.toLowerCase() === search);
          const slice = all.slice(offset, limit === null ? undefined : offset + limit);
          return json({ [spec.plural]: await Promise.all(slice.map(spec.answer)), count: slice.length, total_count: all.length, limit: limit ?? all.length, offset });
        }),
      },
      {
        method: "POST",
        path: spec.path,
        handle: guarded(async (request) => {
          const { entity, answer } = await spec.create(await body(request));
          return json({ message: `${spec.label} created successfully`, [spec.singular]: answer ?? (await spec.answer(entity)) });
        }),
      },
      {
        method: "GET",
        path: `${spec.path}/:id`,
        handle: guarded(async (_r, { id }) => {
          const e = spec.get(id!);
          return e ? json({ [spec.singular]: await spec.answer(e) }) : notFound();
        }),
      },
      {
        method: "PUT",
        path: `${spec.path}/:id`,
        handle: guarded(async (request, { id }) => {
          if (!spec.get(id!)) return notFound();
          const e = await spec.update(id!, await body(request));
          return e ? json({ message: `${spec.label} updated successfully`, [spec.singular]: await spec.answer(e) }) : notFound();
        }),
      },
      {
        method: "DELETE",
        path: `${spec.path}/:id`,
        handle: guarded(async (_r, { id }) => ((await spec.remove(id!)) ? json({ message: `${spec.label} deleted successfully` }) : notFound())),
      },
    ];
  }

  const ownerAnswer = (o: OwnerRef) => ({
    virtual_key_id: o.level === "virtual_key" || o.level === "provider_config" ? o.id : null,
    provider: o.provider ?? null,
    team_id: o.level === "team" ? o.id : null,
    customer_id: o.level === "customer" ? o.id : null,
  });

  return [
    ...crud<VirtualKey>({
      path: "/api/governance/virtual-keys",
      plural: "virtual_keys",
      singular: "virtual_key",
      label: "Virtual key",
      list: () => store.virtualKeys(),
      get: (id) => store.virtualKey(id),
      answer: (vk) => vkAnswer(vk),
      create: async (b) => {
        const { virtualKey, value } = await store.createVirtualKey(b);
        return { entity: virtualKey, answer: await vkAnswer(virtualKey, value) };
      },
      update: (id, b) => store.updateVirtualKey(id, b),
      remove: (id) => store.deleteVirtualKey(id),
    }),
    ...crud<Team>({
      path: "/api/governance/teams",
      plural: "teams",
      singular: "team",
      label: "Team",
      list: () => store.teams(),
      get: (id) => store.team(id),
      answer: teamAnswer,
      create: async (b) => ({ entity: await store.createTeam(b) }),
      update: (id, b) => store.updateTeam(id, b),
      remove: (id) => store.deleteTeam(id),
    }),
    ...crud<Customer>({
      path: "/api/governance/customers",
      plural: "customers",
      singular: "customer",
      label: "Customer",
      list: () => store.customers(),
      get: (id) => store.customer(id),
      answer: customerAnswer,
      create: async (b) => ({ entity: await store.createCustomer(b) }),
      update: (id, b) => store.updateCustomer(id, b),
      remove: (id) => store.deleteCustomer(id),
    }),
    {
      method: "GET",
      path: "/api/governance/budgets",
      handle: guarded(async () => {
        const budgets = await Promise.all(store.budgets().map(async ({ budget, owner }) => ({ ...(await budgetAnswer(budget, owner.calendarAligned)), ...ownerAnswer(owner) })));
        return json({ budgets, count: budgets.length });
      }),
    },
    {
      method: "GET",
      path: "/api/governance/rate-limits",
      handle: guarded(async () => {
        const list = await Promise.all(store.rateLimits().map(async ({ rateLimit, owner }) => ({ ...(await rateLimitAnswer(rateLimit, owner.calendarAligned)), ...ownerAnswer(owner) })));
        return json({ rate_limits: list, count: list.length });
      }),
    },
  ];
}
