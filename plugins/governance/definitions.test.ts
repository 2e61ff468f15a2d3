import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pgReachable, throwawayDatabase } from "../../tests/support/postgres";
import { DefinitionStore, type StoreOptions } from "./definitions";
import { parseGovernanceConfig } from "./model";

const seed = () =>
  parseGovernanceConfig({
    customers: [{ id: "c1", name: "Acme", budgets: [{ id: "bc", max_limit: 100, reset_duration: "1M" }] }],
    teams: [{ id: "t1", name: "Platform", customer_id: "c1" }],
    virtual_keys: [{ id: "vk-config", name: "from-config", value: "sk-bf-config-value", team_id: "t1", provider_configs: [{ provider: "openai", allowed_models: ["*"] }] }],
  });

/** The same behaviour against each backend. */
function storeSuite(name: string, options: () => StoreOptions, skip = () => false) {
  describe(name, () => {
    test("config entries seed the store and a key is found by its value (never stored in clear)", async () => {
      if (skip()) return;
      const store = await DefinitionStore.open(options(), seed());
      try {
        expect(store.byValue("sk-bf-config-value")?.id).toBe("vk-config");
        expect(store.byValue("sk-bf-wrong")).toBeUndefined();
        expect(JSON.stringify(store.virtualKeys())).not.toContain("sk-bf-config-value");
        expect(store.team("t1")?.customer_id).toBe("c1");
      } finally {
        await store.close();
      }
    });

    test("restart persistence: API-made entries stay, config entries are upserted by id", async () => {
      if (skip()) return;
      const first = await DefinitionStore.open(options(), seed());
      const { virtualKey, value } = await first.createVirtualKey({ name: "api-key", budgets: [{ max_limit: 2, reset_duration: "1d" }] });
      await first.close();
      const changed = parseGovernanceConfig({ virtual_keys: [{ id: "vk-config", name: "renamed", value: "sk-bf-config-value" }] });
      const second = await DefinitionStore.open(options(), changed);
      try {
        expect(second.virtualKey(virtualKey.id)?.budgets[0]?.max_limit).toBe(2);
        expect(second.byValue(value)?.id).toBe(virtualKey.id);
        expect(second.virtualKey("vk-config")?.name).toBe("renamed");
        expect(second.virtualKey("vk-config")?.from_config).toBe(true);
      } finally {
        await second.close();
      }
    });

    test("update and delete write through; listeners hear every change", async () => {
      if (skip()) return;
      const store = await DefinitionStore.open(options());
      let changes = 0;
      const off = store.changed(() => changes++);
      const { virtualKey, value } = await store.createVirtualKey({ name: "k-update" });
      const updated = await store.updateVirtualKey(virtualKey.id, { is_active: false });
      expect(updated?.is_active).toBe(false);
      expect(store.byValue(value)?.is_active).toBe(false);
      expect(await store.deleteVirtualKey(virtualKey.id)).toBe(true);
      expect(store.byValue(value)).toBeUndefined();
      expect(changes).toBe(3);
      off();
      await store.close();
      const again = await DefinitionStore.open(options());
      expect(again.virtualKey(virtualKey.id)).toBeUndefined();
      await again.close();
    });
  });
}

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "gov-defs-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeSuite("SQLite", () => ({ type: "sqlite", path: join(dir, "sqlite", "governance.db") }));

const pg = throwawayDatabase("gov_defs");
let pgUp = false;
beforeAll(async () => {
  pgUp = await pgReachable("governance definitions on PostgreSQL");
  if (pgUp) await pg.create();
});
afterAll(async () => {
  if (pgUp) await pg.drop();
});
storeSuite("PostgreSQL", () => ({ type: "postgres", url: pg.url }), () => !pgUp);

describe("DefinitionStore rules", () => {
  const open = () => DefinitionStore.open({ type: "sqlite", path: join(dir, `rules-${crypto.randomUUID()}`, "g.db") }, seed());

  test("the SQLite file is 0600 in a 0700 directory", async () => {
    const path = join(dir, "mode", "governance.db");
    const store = await DefinitionStore.open({ type: "sqlite", path });
    await store.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "mode")).mode & 0o777).toBe(0o700);
  });

  test("generated values are sk-bf- and 43 url-safe characters, each different", async () => {
    const store = await open();
    const a = await store.createVirtualKey({ name: "a" });
    const b = await store.createVirtualKey({ name: "b" });
    expect(a.value).toMatch(/^sk-bf-[A-Za-z0-9_-]{43}$/);
    expect(a.value).not.toBe(b.value);
    expect(a.virtualKey.value_prefix).toBe(a.value.slice(0, 10));
    await store.close();
  });

  test("references and names are checked: unknown team, both team and customer, a duplicate name", async () => {
    const store = await open();
    await expect(store.createVirtualKey({ name: "x", team_id: "nope" })).rejects.toThrow('body.team_id: unknown team "nope"');
    await expect(store.createVirtualKey({ name: "x", team_id: "t1", customer_id: "c1" })).rejects.toThrow("not both");
    await expect(store.createVirtualKey({ name: "from-config" })).rejects.toThrow('a virtual key named "from-config" already exists');
    await expect(store.createVirtualKey({ name: "x", value: "sk-bf-mine" })).rejects.toThrow("body.value");
    await store.close();
  });

  test("attaching a key to a customer detaches it from its team (Go's update)", async () => {
    const store = await open();
    const vk = await store.updateVirtualKey("vk-config", { customer_id: "c1" });
    expect(vk).toMatchObject({ team_id: null, customer_id: "c1" });
    await store.close();
  });

  test("an update keeps what it does not name, and the budget ids it was given", async () => {
    const store = await open();
    const { virtualKey } = await store.createVirtualKey({ name: "keep", description: "d", budgets: [{ max_limit: 1, reset_duration: "1d" }] });
    const budgetId = virtualKey.budgets[0]!.id;
    const vk = await store.updateVirtualKey(virtualKey.id, { name: "kept" });
    expect(vk).toMatchObject({ name: "kept", description: "d" });
    expect(vk!.budgets[0]!.id).toBe(budgetId);
    await store.close();
  });

  test("deleting a team detaches its keys; deleting a customer detaches its teams", async () => {
    const store = await open();
    expect(await store.deleteTeam("t1")).toBe(true);
    expect(store.virtualKey("vk-config")?.team_id).toBeNull();
    const team = await store.createTeam({ name: "T2", customer_id: "c1" });
    expect(await store.deleteCustomer("c1")).toBe(true);
    expect(store.team(team.id)?.customer_id).toBeNull();
    await store.close();
  });

  test("budgets() and rateLimits() list every one with its owner", async () => {
    const store = await open();
    await store.createVirtualKey({ name: "rl", rate_limit: { request_max_limit: 3, request_reset_duration: "1m" }, provider_configs: [{ provider: "openai", allowed_models: ["*"], budgets: [{ max_limit: 1, reset_duration: "1h" }] }] });
    expect(store.budgets().map((b) => b.owner.level).sort()).toEqual(["customer", "provider_config"]);
    expect(store.rateLimits().map((r) => [r.owner.level, r.rateLimit.request_max_limit])).toEqual([["virtual_key", 3]]);
    await store.close();
  });
});
