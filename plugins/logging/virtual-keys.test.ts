/**
 * The virtual key on log rows (what governance admitted the request with), the virtual_key_ids filter,
 * GET /api/logs/filterdata, and the migration that adds the columns to a table made before them —
 * on SQLite (a temp file) and PostgreSQL (a throwaway database).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SQL } from "bun";
import { testPlugin, testSummary, type PluginUnderTest, type RequestSummary } from "bifrost/plugin";
import { eventually } from "../../tests/support/wait";
import { PG_ADMIN_URL, pgReachable, throwawayDatabase } from "../../tests/support/postgres";
import logging from "./index";
import { ADDED_COLUMNS } from "./migrate";
import { DDL } from "./sql";

const MINUTE = 60_000;
const T0 = Date.now() - 60 * MINUTE;

/** What governance leaves in rctx.values for a request it admitted. */
const governed = (id: string, name: string) => new Map<string, unknown>([["governance", { virtual_key_id: id, virtual_key_name: name, team_id: "", team_name: "", customer_id: "", customer_name: "" }]]);

function seed(): RequestSummary[] {
  return [
    testSummary({ requestId: "vk-a-1", startedAt: T0, values: governed("vk-a", "checkout"), keyName: "main" }),
    testSummary({ requestId: "vk-b-1", startedAt: T0 + MINUTE, provider: "anthropic", model: "claude-3-5-haiku", values: governed("vk-b", "search"), keyName: "backup" }),
    // The same key renamed since: the filter data shows the latest name.
    testSummary({ requestId: "vk-a-2", startedAt: T0 + 2 * MINUTE, values: governed("vk-a", "checkout-v2"), keyName: "main" }),
    testSummary({ requestId: "no-vk", startedAt: T0 + 3 * MINUTE, model: "gpt-4o" }),
    // Lines of a native batch: no hook ran, so the key is known by the batch owner's id only (its principal).
    testSummary({ requestId: "batch-b-1", startedAt: T0 + 4 * MINUTE, external: true, principal: "vk:vk-b", batchId: "batch_1", attempts: [] }),
    testSummary({ requestId: "batch-c-1", startedAt: T0 + 5 * MINUTE, external: true, principal: "vk:vk-c", batchId: "batch_1", attempts: [] }),
  ];
}

async function body(p: PluginUnderTest, url: string): Promise<any> {
  const r = await p.route("GET", url);
  expect(r.status).toBe(200);
  return r.json();
}
const ids = (b: any) => b.logs.map((l: any) => l.id);

/** The `logs` table as the first release made it, with one row in it. */
interface OldTable {
  /** Runs a statement on the store's database. */
  exec(sql: string): Promise<void>;
  columns(): Promise<string[]>;
}

function suite(storeName: string, storeConfig: () => object, oldTable: () => OldTable) {
  describe(`virtual keys on ${storeName}`, () => {
    let p: PluginUnderTest;

    beforeAll(async () => {
      const t = oldTable();
      for (const ddl of DDL) await t.exec(ddl);
      expect(await t.columns()).not.toContain(ADDED_COLUMNS[0].name);
      await t.exec(
        `INSERT INTO logs (id, timestamp_ms, object_type, provider, model, requested_model, status, latency, created_at_ms)
         VALUES ('old-row', ${T0 - MINUTE}, 'chat_completion', 'openai', 'gpt-4o-mini', 'openai/gpt-4o-mini', 'success', 12, ${T0 - MINUTE})`,
      );
      p = await testPlugin(logging, { config: { store: storeConfig(), flush_interval_ms: 20 } });
      for (const s of seed()) await p.end(s);
      await eventually(async () => (await body(p, "/api/logs")).pagination.total_count === 7);
    });
    afterAll(() => p?.cleanup());

    test("a table made before the columns gets them at start; its old rows read as before, without a virtual key", async () => {
      const old = await body(p, "/api/logs/old-row");
      expect(old).toMatchObject({ id: "old-row", provider: "openai", latency: 12, status: "success" });
      expect(old.virtual_key_id).toBeUndefined();
      expect(old.virtual_key_name).toBeUndefined();
      // Opening it again finds the columns there and changes nothing.
      const again = await testPlugin(logging, { config: { store: storeConfig(), flush_interval_ms: 20 } });
      await again.cleanup();
    });

    test("a governed request's row carries Go's virtual_key_id and virtual_key_name; an ungoverned one has neither", async () => {
      expect(await body(p, "/api/logs/vk-b-1")).toMatchObject({ virtual_key_id: "vk-b", virtual_key_name: "search", selected_key_name: "backup" });
      const plain = await body(p, "/api/logs/no-vk");
      expect("virtual_key_id" in plain).toBe(false);
      expect("virtual_key_name" in plain).toBe(false);
    });

    test("the live feed's rows carry the virtual key too", () => {
      const payload = (p.broadcasts as any[]).find((m) => m.payload.id === "vk-a-1")?.payload;
      expect(payload).toMatchObject({ virtual_key_id: "vk-a", virtual_key_name: "checkout" });
    });

    test("virtual_key_ids filters the list, the stats and the histogram (a comma list, as Go takes it)", async () => {
      expect(ids(await body(p, "/api/logs?virtual_key_ids=vk-a"))).toEqual(["vk-a-2", "vk-a-1"]);
      expect(ids(await body(p, "/api/logs?virtual_key_ids=vk-a,vk-b&order=asc"))).toEqual(["vk-a-1", "vk-b-1", "vk-a-2", "batch-b-1"]);
      expect(ids(await body(p, "/api/logs?virtual_key_ids=vk-b&status=success"))).toEqual(["batch-b-1", "vk-b-1"]);
      expect(ids(await body(p, "/api/logs?virtual_key_ids=nope"))).toEqual([]);
      expect((await body(p, "/api/logs/stats?virtual_key_ids=vk-a")).total_requests).toBe(2);
      const h = await body(p, "/api/logs/histogram?virtual_key_ids=vk-b");
      expect(h.buckets.reduce((n: number, b: any) => n + b.count, 0)).toBe(2);
    });

    test("a native batch's line: its key by id (its principal), no name; batch_id on the row, and batch_ids filters", async () => {
      const line = await body(p, "/api/logs/batch-b-1");
      expect(line).toMatchObject({ virtual_key_id: "vk-b", batch_id: "batch_1", object: "chat_completion" });
      expect("virtual_key_name" in line).toBe(false);
      expect("batch_id" in (await body(p, "/api/logs/vk-b-1"))).toBe(false);
      expect(ids(await body(p, "/api/logs?batch_ids=batch_1"))).toEqual(["batch-c-1", "batch-b-1"]);
      expect(ids(await body(p, "/api/logs?batch_ids=batch_1&virtual_key_ids=vk-c"))).toEqual(["batch-c-1"]);
    });

    test("GET /api/logs/filterdata: Go's models, selected_keys and virtual_keys (latest name), plus providers", async () => {
      expect(await body(p, "/api/logs/filterdata")).toEqual({
        models: ["claude-3-5-haiku", "gpt-4o", "gpt-4o-mini"],
        providers: ["anthropic", "openai"],
        selected_keys: [
          { id: "backup", name: "backup" },
          { id: "key-1", name: "key-1" },
          { id: "main", name: "main" },
        ],
        // vk-b's latest row (a batch line) knows no name: the latest name it was logged with stands; vk-c has only its id.
        virtual_keys: [
          { id: "vk-a", name: "checkout-v2" },
          { id: "vk-b", name: "search" },
          { id: "vk-c", name: "vk-c" },
        ],
      });
    });

    test("filterdata's dimensions picks what is answered; unknown dimensions are ignored, none known means all", async () => {
      expect(await body(p, "/api/logs/filterdata?dimensions=virtual_keys,models,aliases")).toEqual({
        virtual_keys: [
          { id: "vk-a", name: "checkout-v2" },
          { id: "vk-b", name: "search" },
          { id: "vk-c", name: "vk-c" },
        ],
        models: ["claude-3-5-haiku", "gpt-4o", "gpt-4o-mini"],
      });
      expect(Object.keys(await body(p, "/api/logs/filterdata?dimensions=aliases")).sort()).toEqual(["models", "providers", "selected_keys", "virtual_keys"]);
    });
  });
}

// SQLite: a file with the old table in it.
const dir = mkdtempSync(join(tmpdir(), "bifrost-logging-vk-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sqlitePath = join(dir, "logs.db");
suite(
  "SQLite",
  () => ({ type: "sqlite", config: { path: sqlitePath } }),
  () => ({
    async exec(sql) {
      const db = new Database(sqlitePath);
      db.exec(sql);
      db.close();
    },
    async columns() {
      const db = new Database(sqlitePath);
      const cols = (db.query("PRAGMA table_info(logs)").all() as Array<{ name: string }>).map((c) => c.name);
      db.close();
      return cols;
    },
  }),
);

// PostgreSQL: a throwaway database with the old table in it.
const pgDb = throwawayDatabase("bifrost_logs_vk");
const pgUp = await pgReachable("PostgreSQL virtual-key logging tests");
describe.skipIf(!pgUp)("PostgreSQL", () => {
  beforeAll(() => pgDb.create());
  afterAll(() => pgDb.drop());
  const u = new URL(PG_ADMIN_URL);
  suite(
    "PostgreSQL",
    () => ({ type: "postgres", config: { host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), db_name: pgDb.name, ssl_mode: "disable" } }),
    () => {
      const run = async <T>(fn: (sql: SQL) => Promise<T>) => {
        const sql = new SQL(pgDb.url, { max: 1 });
        try {
          return await fn(sql);
        } finally {
          await sql.close();
        }
      };
      return {
        exec: (statement) => run(async (sql) => void (await sql.unsafe(statement))),
        columns: () => run(async (sql) => ((await sql.unsafe("SELECT column_name FROM information_schema.columns WHERE table_name = 'logs'")) as Array<{ column_name: string }>).map((r) => r.column_name)),
      };
    },
  );
});
