/**
 * The governance definitions (virtual keys, teams, customers with their budgets and rate limits):
 * all in memory for the request path, written through to SQLite or PostgreSQL
 * (definitions-backend.ts). Config-file entries are upserted by id on every start; entries created
 * through the API stay. A virtual key's value is shown once, at creation: the store keeps its
 * SHA-256 (the lookup key, O(1) through a Map) and a short visible prefix, never the value.
 */
import { PostgresDefinitionBackend, SqliteDefinitionBackend, type DefinitionBackend, type Kind, type Row } from "./definitions-backend";
import type { Directory } from "./decide";
import {
  fail,
  GovernanceInputError,
  isObject,
  randomIds,
  readCustomerFields,
  readObject,
  readTeamFields,
  readVirtualKeyFields,
  sha256Hex,
  VIRTUAL_KEY_PREFIX,
  visiblePrefix,
  type Budget,
  type Customer,
  type GovernanceDefinitions,
  type RateLimit,
  type Team,
  type VirtualKey,
} from "./model";

export { GovernanceInputError };

/** Where a budget or rate limit hangs, for GET /api/governance/budgets and /rate-limits. */
export interface OwnerRef {
  level: "provider_config" | "virtual_key" | "team" | "customer";
  /** The owner's id (a provider config's: its virtual key's id). */
  id: string;
  /** The provider of a provider config. */
  provider?: string;
  calendarAligned: boolean;
}

type Listener = () => void;

/** A fresh virtual key value: sk-bf- and 43 url-safe characters (32 random bytes). */
export function generateVirtualKeyValue(): string {
  return VIRTUAL_KEY_PREFIX + Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
}

export type StoreOptions = { type: "sqlite"; path: string } | { type: "postgres"; url: string };

export class DefinitionStore implements Directory {
  private vks = new Map<string, VirtualKey>();
  private byHash = new Map<string, VirtualKey>();
  private teamMap = new Map<string, Team>();
  private customerMap = new Map<string, Customer>();
  private listeners = new Set<Listener>();
  /** Writes one at a time, so memory and the database agree. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private backend: DefinitionBackend) {}

  /** Opens the store, loads what it holds, then upserts the config file's entries. */
  static async open(options: StoreOptions, seed?: GovernanceDefinitions): Promise<DefinitionStore> {
    const backend = options.type === "sqlite" ? new SqliteDefinitionBackend(options.path) : await PostgresDefinitionBackend.open(options.url);
    const store = new DefinitionStore(backend);
    await store.reload();
    if (seed) await store.seed(seed);
    return store;
  }

  get backendKind(): "sqlite" | "postgres" {
    return this.backend.kind;
  }

  /** Re-reads every definition (another replica may have written); listeners are told. */
  async reload(): Promise<void> {
    const rows = await this.backend.load();
    this.vks.clear();
    this.teamMap.clear();
    this.customerMap.clear();
    for (const r of rows) {
      const doc = JSON.parse(r.doc);
      if (r.kind === "virtual_keys") this.vks.set(r.id, doc);
      else if (r.kind === "teams") this.teamMap.set(r.id, doc);
      else this.customerMap.set(r.id, doc);
    }
    this.reindex();
  }

  /** Upserts config entries by id (their values hashed); API-made entries are left alone. */
  async seed(defs: GovernanceDefinitions): Promise<void> {
    await this.serial(async () => {
      const rows: Row[] = [];
      for (const c of defs.customers) rows.push(this.row("customers", { ...c, created_at: this.customerMap.get(c.id)?.created_at ?? c.created_at, from_config: true }));
      for (const t of defs.teams) rows.push(this.row("teams", { ...t, created_at: this.teamMap.get(t.id)?.created_at ?? t.created_at, from_config: true }));
      for (const seedVk of defs.virtual_keys) {
        const { value: _value, ...vk } = seedVk;
        rows.push(this.row("virtual_keys", { ...vk, created_at: this.vks.get(vk.id)?.created_at ?? vk.created_at, from_config: true }));
      }
      await this.backend.put(rows);
      for (const r of rows) this.remember(r.kind, JSON.parse(r.doc));
    });
  }

  // ── reads (memory) ────────────────────────────────────────────────────────

  /** The key a request presented, by its value: one SHA-256 and one Map lookup. */
  byValue(presented: string): VirtualKey | undefined {
    return this.byHash.get(sha256Hex(presented));
  }

  virtualKey(id: string): VirtualKey | undefined {
    return this.vks.get(id);
  }
  virtualKeys(): VirtualKey[] {
    return [...this.vks.values()].sort(byCreation);
  }
  team(id: string): Team | undefined {
    return this.teamMap.get(id);
  }
  teams(): Team[] {
    return [...this.teamMap.values()].sort(byCreation);
  }
  customer(id: string): Customer | undefined {
    return this.customerMap.get(id);
  }
  customers(): Customer[] {
    return [...this.customerMap.values()].sort(byCreation);
  }

  /** Every budget with its owner (a shared budget: its first owner). */
  budgets(): Array<{ budget: Budget; owner: OwnerRef }> {
    const out: Array<{ budget: Budget; owner: OwnerRef }> = [];
    const seen = new Set<string>();
    this.eachOwner((owner, budgets) => {
      for (const b of budgets) if (!seen.has(b.id)) (seen.add(b.id), out.push({ budget: b, owner }));
    });
    return out;
  }

  /** Every rate limit with its owner. */
  rateLimits(): Array<{ rateLimit: RateLimit; owner: OwnerRef }> {
    const out: Array<{ rateLimit: RateLimit; owner: OwnerRef }> = [];
    const seen = new Set<string>();
    this.eachOwner((owner, _b, rl) => {
      if (rl && !seen.has(rl.id)) (seen.add(rl.id), out.push({ rateLimit: rl, owner }));
    });
    return out;
  }

  private eachOwner(visit: (owner: OwnerRef, budgets: Budget[], rl: RateLimit | null) => void): void {
    for (const vk of this.virtualKeys()) {
      for (const pc of vk.provider_configs) visit({ level: "provider_config", id: vk.id, provider: pc.provider, calendarAligned: vk.calendar_aligned }, pc.budgets, pc.rate_limit);
      visit({ level: "virtual_key", id: vk.id, calendarAligned: vk.calendar_aligned }, vk.budgets, vk.rate_limit);
    }
    for (const t of this.teams()) visit({ level: "team", id: t.id, calendarAligned: t.calendar_aligned }, t.budgets, t.rate_limit);
    for (const c of this.customers()) visit({ level: "customer", id: c.id, calendarAligned: c.calendar_aligned }, c.budgets, c.rate_limit);
  }

  /** Calls `listener` after every change (API write, seed, reload); returns the unsubscribe. */
  changed(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ── writes (admin API) ─────────────────────────────────────────────────────

  /** Creates a key from Go's CreateVirtualKeyRequest; `value` is returned here and never again. */
  createVirtualKey(body: unknown): Promise<{ virtualKey: VirtualKey; value: string }> {
    return this.serial(async () => {
      const o = readObject(body, "body");
      if (o.value !== undefined) fail("body.value", "is generated by the gateway and cannot be set");
      const fields = readVirtualKeyFields(o, "body", randomIds, null);
      this.checkVirtualKey(fields, null);
      const value = generateVirtualKeyValue();
      const now = new Date().toISOString();
      const vk: VirtualKey = { id: randomIds.newId(""), ...fields, value_hash: sha256Hex(value), value_prefix: visiblePrefix(value), created_at: now, updated_at: now };
      await this.write("virtual_keys", vk);
      return { virtualKey: vk, value };
    });
  }

  /** Go's UpdateVirtualKeyRequest: fields absent stay; null clears; lists given replace. undefined: no such key. */
  updateVirtualKey(id: string, body: unknown): Promise<VirtualKey | undefined> {
    return this.serial(async () => {
      const old = this.vks.get(id);
      if (!old) return undefined;
      const o = readObject(body, "body");
      if (o.value !== undefined) fail("body.value", "cannot be changed (create a new key)");
      const merged: Record<string, unknown> = { ...editable(old, VK_EDITABLE), ...o };
      // Go: attaching to a team detaches from the customer, and the other way round.
      if (o.team_id != null && o.customer_id === undefined) merged.customer_id = null;
      if (o.customer_id != null && o.team_id === undefined) merged.team_id = null;
      const fields = readVirtualKeyFields(merged, "body", randomIds, null);
      this.checkVirtualKey(fields, id);
      const vk: VirtualKey = { ...old, ...fields, updated_at: new Date().toISOString() };
      await this.write("virtual_keys", vk);
      return vk;
    });
  }

  deleteVirtualKey(id: string): Promise<boolean> {
    return this.serial(async () => {
      if (!this.vks.has(id)) return false;
      await this.backend.remove("virtual_keys", id);
      this.vks.delete(id);
      this.reindex();
      return true;
    });
  }

  createTeam(body: unknown): Promise<Team> {
    return this.serial(async () => {
      const fields = readTeamFields(readObject(body, "body"), "body", randomIds, null);
      this.checkTeam(fields, null);
      const now = new Date().toISOString();
      const team: Team = { id: randomIds.newId(""), ...fields, created_at: now, updated_at: now };
      await this.write("teams", team);
      return team;
    });
  }

  updateTeam(id: string, body: unknown): Promise<Team | undefined> {
    return this.serial(async () => {
      const old = this.teamMap.get(id);
      if (!old) return undefined;
      const o = readObject(body, "body");
      const merged = { ...editable(old, TEAM_EDITABLE), ...replacingBudgets(o) };
      const fields = readTeamFields(merged, "body", randomIds, null);
      this.checkTeam(fields, id);
      const team: Team = { ...old, ...fields, updated_at: new Date().toISOString() };
      await this.write("teams", team);
      return team;
    });
  }

  /** Its virtual keys are detached (team_id cleared), not deleted. */
  deleteTeam(id: string): Promise<boolean> {
    return this.serial(async () => {
      if (!this.teamMap.has(id)) return false;
      const detached = [...this.vks.values()].filter((vk) => vk.team_id === id).map((vk) => ({ ...vk, team_id: null, updated_at: new Date().toISOString() }));
      if (detached.length) await this.backend.put(detached.map((vk) => this.row("virtual_keys", vk)));
      await this.backend.remove("teams", id);
      for (const vk of detached) this.vks.set(vk.id, vk);
      this.teamMap.delete(id);
      this.reindex();
      return true;
    });
  }

  createCustomer(body: unknown): Promise<Customer> {
    return this.serial(async () => {
      const fields = readCustomerFields(readObject(body, "body"), "body", randomIds, null);
      this.checkName(this.customerMap, fields.name, null, "customer");
      const now = new Date().toISOString();
      const customer: Customer = { id: randomIds.newId(""), ...fields, created_at: now, updated_at: now };
      await this.write("customers", customer);
      return customer;
    });
  }

  updateCustomer(id: string, body: unknown): Promise<Customer | undefined> {
    return this.serial(async () => {
      const old = this.customerMap.get(id);
      if (!old) return undefined;
      const merged = { ...editable(old, CUSTOMER_EDITABLE), ...replacingBudgets(readObject(body, "body")) };
      const fields = readCustomerFields(merged, "body", randomIds, null);
      this.checkName(this.customerMap, fields.name, id, "customer");
      const customer: Customer = { ...old, ...fields, updated_at: new Date().toISOString() };
      await this.write("customers", customer);
      return customer;
    });
  }

  /** Its teams and virtual keys are detached (customer_id cleared), not deleted. */
  deleteCustomer(id: string): Promise<boolean> {
    return this.serial(async () => {
      if (!this.customerMap.has(id)) return false;
      const now = new Date().toISOString();
      const teams = [...this.teamMap.values()].filter((t) => t.customer_id === id).map((t) => ({ ...t, customer_id: null, updated_at: now }));
      const vks = [...this.vks.values()].filter((v) => v.customer_id === id).map((v) => ({ ...v, customer_id: null, updated_at: now }));
      const rows = [...teams.map((t) => this.row("teams", t)), ...vks.map((v) => this.row("virtual_keys", v))];
      if (rows.length) await this.backend.put(rows);
      await this.backend.remove("customers", id);
      for (const t of teams) this.teamMap.set(t.id, t);
      for (const v of vks) this.vks.set(v.id, v);
      this.customerMap.delete(id);
      this.reindex();
      return true;
    });
  }

  async close(): Promise<void> {
    await this.queue.catch(() => {});
    await this.backend.close();
  }

  // ── internals ──────────────────────────────────────────────────────────────

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => {});
    return run;
  }

  private checkVirtualKey(fields: { name: string; team_id: string | null; customer_id: string | null }, id: string | null): void {
    if (fields.team_id && !this.teamMap.has(fields.team_id)) fail("body.team_id", `unknown team "${fields.team_id}"`);
    if (fields.customer_id && !this.customerMap.has(fields.customer_id)) fail("body.customer_id", `unknown customer "${fields.customer_id}"`);
    this.checkName(this.vks, fields.name, id, "virtual key");
  }

  private checkTeam(fields: { name: string; customer_id: string | null }, id: string | null): void {
    if (fields.customer_id && !this.customerMap.has(fields.customer_id)) fail("body.customer_id", `unknown customer "${fields.customer_id}"`);
    this.checkName(this.teamMap, fields.name, id, "team");
  }

  /** Names are unique per kind (Go's unique index). */
  private checkName(map: Map<string, { id: string; name: string }>, name: string, id: string | null, what: string): void {
    for (const e of map.values()) if (e.name === name && e.id !== id) fail("body.name", `a ${what} named "${name}" already exists`);
  }

  private row(kind: Kind, entity: VirtualKey | Team | Customer): Row {
    return { kind, id: entity.id, name: entity.name, valueHash: kind === "virtual_keys" ? (entity as VirtualKey).value_hash : null, doc: JSON.stringify(entity), fromConfig: entity.from_config === true };
  }

  private async write(kind: Kind, entity: VirtualKey | Team | Customer): Promise<void> {
    await this.backend.put([this.row(kind, entity)]);
    this.remember(kind, entity);
  }

  private remember(kind: Kind, entity: VirtualKey | Team | Customer): void {
    if (kind === "virtual_keys") this.vks.set(entity.id, entity as VirtualKey);
    else if (kind === "teams") this.teamMap.set(entity.id, entity as Team);
    else this.customerMap.set(entity.id, entity as Customer);
    this.reindex();
  }

  private reindex(): void {
    this.byHash = new Map([...this.vks.values()].map((vk) => [vk.value_hash, vk]));
    for (const l of this.listeners) {
      try {
        l();
      } catch {
        // A listener's failure is its own; the store stays consistent.
      }
    }
  }
}

const VK_EDITABLE = ["name", "description", "is_active", "expires_at", "team_id", "customer_id", "allow_all_providers", "provider_configs", "budgets", "rate_limit", "calendar_aligned"] as const;
const TEAM_EDITABLE = ["name", "customer_id", "budgets", "rate_limit", "calendar_aligned"] as const;
const CUSTOMER_EDITABLE = ["name", "budgets", "rate_limit", "calendar_aligned"] as const;

function editable(entity: object, keys: readonly string[]): Record<string, unknown> {
  const e = entity as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of keys) if (e[k] !== undefined) out[k] = k === "provider_configs" ? (e[k] as object[]).map((pc) => ({ ...pc, id: undefined })) : e[k];
  return out;
}

/** Go's team/customer updates carry one `budget`: it replaces the budgets. */
function replacingBudgets(o: Record<string, unknown>): Record<string, unknown> {
  if (o.budget === undefined) return o;
  const { budget, ...rest } = o;
  return { ...rest, budgets: budget === null || (isObject(budget) && Object.keys(budget).length === 0) ? [] : [budget] };
}

function byCreation(a: { created_at: string; id: string }, b: { created_at: string; id: string }): number {
  return a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : 1;
}
