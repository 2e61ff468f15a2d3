import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { counterStoreContract } from "./counters-contract.ts";
import { MemoryCounterStore } from "./counters-memory.ts";
import type { Limit } from "./counters-types.ts";

const dir = mkdtempSync(join(tmpdir(), "gov-counters-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("MemoryCounterStore", () => {
  // One process holds one store: the concurrency case's two "replicas" are the same store.
  const shared = new MemoryCounterStore();
  afterAll(() => shared.close());
  counterStoreContract(() => shared);
});

describe("MemoryCounterStore persisted to SQLite", () => {
  const budget: Limit = { id: "budget:b1", max: 10, window: { duration: "1M", calendarAligned: true } };
  const rpm: Limit = { id: "rl:r1:requests", max: 100, window: null };

  test("usage survives a restart: close, open a new store on the same file, usage is back", async () => {
    const path = join(dir, "restart", "counters.db");
    const first = new MemoryCounterStore({ sqlitePath: path, flushIntervalMs: 60_000 });
    const r = await first.reserve([
      { limit: budget, amount: 0.75 },
      { limit: rpm, amount: 1 },
    ]);
    if (!r.ok) throw new Error("refused");
    await first.commit(r.token, [0.5, 1]);
    await first.close();

    const second = new MemoryCounterStore({ sqlitePath: path });
    expect((await second.usage(budget)).used).toBe(0.5);
    expect((await second.usage(rpm)).used).toBe(1);
    await second.close();
  });

  test("the file is 0600 in a 0700 directory, in WAL mode", async () => {
    const path = join(dir, "modes", "counters.db");
    const s = new MemoryCounterStore({ sqlitePath: path });
    await s.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "modes")).mode & 0o777).toBe(0o700);
    const db = new Database(path, { readonly: true });
    expect(db.query("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    db.close();
  });

  test("expired windows are not loaded and are dropped from the table on flush", async () => {
    const path = join(dir, "expiry", "counters.db");
    let now = Date.UTC(2030, 4, 10, 8, 15);
    const hourly: Limit = { id: "rl:h:requests", max: 5, window: { duration: "1h", calendarAligned: true } };
    const first = new MemoryCounterStore({ sqlitePath: path, clock: () => now });
    expect((await first.reserve([{ limit: hourly, amount: 3 }])).ok).toBe(true);
    await first.close();

    now += 3_600_000;
    const second = new MemoryCounterStore({ sqlitePath: path, clock: () => now });
    expect((await second.usage(hourly, now - 3_600_000)).used).toBe(0);
    second.flush();
    const db = new Database(path, { readonly: true });
    expect(db.query("SELECT count(*) AS n FROM governance_counters").get()).toEqual({ n: 0 });
    db.close();
    await second.close();
  });

  test("an admin reset is persisted too (the row goes)", async () => {
    const path = join(dir, "reset", "counters.db");
    const first = new MemoryCounterStore({ sqlitePath: path });
    expect((await first.reserve([{ limit: rpm, amount: 7 }])).ok).toBe(true);
    first.flush();
    await first.reset(rpm);
    await first.close();
    const second = new MemoryCounterStore({ sqlitePath: path });
    expect((await second.usage(rpm)).used).toBe(0);
    await second.close();
  });

  test("a failed write goes to onError, never into a request, and is retried on the next flush", async () => {
    const path = join(dir, "failing", "counters.db");
    const errors: string[] = [];
    const s = new MemoryCounterStore({ sqlitePath: path, onError: (e) => errors.push(e.message) });
    const other = new Database(path);
    other.exec("DROP TABLE governance_counters");
    expect((await s.reserve([{ limit: rpm, amount: 2 }])).ok).toBe(true);
    s.flush();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("could not persist usage to SQLite");
    expect((await s.reserve([{ limit: rpm, amount: 2 }])).ok).toBe(true);

    other.exec(
      "CREATE TABLE governance_counters (limit_id TEXT NOT NULL, window_key TEXT NOT NULL, used REAL NOT NULL, expires_at INTEGER, PRIMARY KEY (limit_id, window_key))",
    );
    s.flush();
    expect(other.query("SELECT used FROM governance_counters").get()).toEqual({ used: 4 });
    other.close();
    await s.close();
  });
});
