/**
 * A slow or dead log store never delays a request: onRequestEnd returns at once (no promise), rows
 * beyond the queue or in a failed/overdue batch are dropped and counted (/api/logs/dropped,
 * metrics()), and logging resumes when the store is back.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SQL } from "bun";
import { testPlugin, testSummary, type PluginUnderTest } from "bifrost/plugin";
import { eventually } from "../../tests/support/wait";
import { PG_ADMIN_URL, pgReachable, throwawayDatabase } from "../../tests/support/postgres";
import logging from "./index";
import type { LogDraft, LogStore } from "./store";
import { LogWriter } from "./writer";

const dropped = async (p: PluginUnderTest) => ((await (await p.route("GET", "/api/logs/dropped")).json()) as { dropped_requests: number }).dropped_requests;

/** 1000 request ends, each of which must come back synchronously with nothing to await. */
function pushThousand(p: PluginUnderTest, prefix: string): void {
  for (let i = 0; i < 1000; i++) {
    const returned = p.plugin.onRequestEnd!(testSummary({ requestId: `${prefix}-${i}` }));
    expect(returned).toBeUndefined();
  }
}

const tuning = { batch_size: 50, max_queue: 200, flush_interval_ms: 20, write_timeout_ms: 100 };

test("SQLite locked by another writer: 1000 requests end at once, rows are dropped and counted, logging resumes on unlock", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bifrost-logging-down-"));
  const path = join(dir, "logs.db");
  const p = await testPlugin(logging, { config: { store: { type: "sqlite", config: { path } }, ...tuning } });
  const locker = new Database(path);
  try {
    locker.exec("BEGIN EXCLUSIVE");
    pushThousand(p, "locked");
    // 800 never fit the queue; the 200 queued fail to write, batch by batch.
    await eventually(async () => (await dropped(p)) === 1000);
    const metrics = await p.metrics();
    expect(metrics).toContain("bifrost_logs_dropped_total 1000");
    expect(metrics).toContain("bifrost_logs_written_total 0");

    locker.exec("COMMIT");
    await p.end(testSummary({ requestId: "after-unlock" }));
    await eventually(async () => (await p.route("GET", "/api/logs/after-unlock")).status === 200);
    expect(await p.metrics()).toContain("bifrost_logs_written_total 1");
  } finally {
    locker.close();
    await p.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});

describe("the writer with a store that hangs", () => {
  /** A store whose writes hang until `release()`; then they succeed. */
  function hangingStore() {
    const written: LogDraft[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let pending = 0;
    const store = {
      async insertBatch(rows: LogDraft[]) {
        pending++;
        await gate;
        pending--;
        written.push(...rows);
      },
    } as unknown as LogStore;
    return { store, written, release: () => release(), get pending() { return pending; }, };
  }

  test("a hanging write is counted as dropped after its budget, and at most one write is ever in flight", async () => {
    const s = hangingStore();
    const logger = { debug() {}, info() {}, warn() {}, error() {} } as never;
    const w = new LogWriter(s.store, { batchSize: 10, flushIntervalMs: 10, maxQueue: 50, writeTimeoutMs: 30, abandonAfterMs: 60_000, logger, onWritten: () => {} });
    try {
      for (let i = 0; i < 100; i++) w.push({ id: `r${i}` } as LogDraft);
      expect(w.dropped).toBe(50); // the queue holds 50
      await eventually(() => w.dropped >= 60); // the first batch outlived its budget
      await Bun.sleep(50); // several flush ticks: none may start a second write
      expect(s.pending).toBe(1);
      s.release();
      await eventually(() => w.written > 0);
      expect(w.written + w.dropped).toBeLessThanOrEqual(100);
    } finally {
      s.release();
      await w.close(1000);
    }
  });
});

const pgDb = throwawayDatabase("bifrost_logs_down");
const PG_DB = pgDb.name;
const pgUp = await pgReachable("PostgreSQL logging store-down tests");
describe.skipIf(!pgUp)("PostgreSQL", () => {
  beforeAll(() => pgDb.create());
  afterAll(() => pgDb.drop());

  test("the logs table locked (writes hang): 1000 requests end at once, overdue batches are dropped and counted, logging resumes on unlock", async () => {
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${PG_DB}`;
    const p = await testPlugin(logging, { config: { store: { type: "postgres", config: { url: url.href } }, ...tuning } });
    const locker = new SQL(url.href, { max: 1 });
    const conn = await locker.reserve();
    try {
      await conn.unsafe("BEGIN");
      await conn.unsafe("LOCK TABLE logs IN ACCESS EXCLUSIVE MODE");
      pushThousand(p, "hung");
      // 800 never fit the queue; then at least one batch outlives its write budget.
      await eventually(async () => (await dropped(p)) > 800);
      expect(await p.metrics()).toMatch(/bifrost_logs_dropped_total (8[0-9][0-9]|9[0-9][0-9]|1000)\n/);

      await conn.unsafe("COMMIT");
      await p.end(testSummary({ requestId: "after-unlock" }));
      await eventually(async () => (await p.route("GET", "/api/logs/after-unlock")).status === 200);
    } finally {
      conn.release();
      await locker.close();
      await p.cleanup();
    }
  });
});
