/** The file and batch stores' contract, run against SQLite and PostgreSQL alike. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pgReachable, throwawayDatabase } from "../../tests/support/postgres";
import { SqlBatchStore } from "./batch-store";
import { CHUNK_BYTES, SqlFileStore } from "./file-store";
import { newBatchId, newFileId } from "./ids";
import { openBatchDb, type BatchDb } from "./sql";
import type { BatchRecord, FileMeta } from "./types";
import { batchRecord } from "../../tests/support/batch-doubles/batch-record";

async function* pieces(total: number, size: number, fill = (i: number) => i % 251): AsyncIterable<Uint8Array> {
  for (let at = 0; at < total; at += size) {
    const n = Math.min(size, total - at);
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = fill(at + i);
    yield b;
  }
}

async function collect(it: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of it) parts.push(p);
  return Buffer.concat(parts);
}

const meta = (over: Partial<FileMeta> = {}): Omit<FileMeta, "bytes"> => ({
  id: newFileId(),
  owner: "vk:a",
  provider: "openai",
  filename: "in.jsonl",
  purpose: "batch",
  createdAt: Date.now(),
  expiresAt: Date.now() + 3600_000,
  generated: false,
  ...over,
});

const batch = (over: Partial<BatchRecord> = {}): BatchRecord =>
  batchRecord({
    id: newBatchId(),
    owner: "vk:a",
    inputFileId: "file-x",
    metadata: { job: "eval" },
    status: "in_progress",
    mode: "gateway",
    counts: { total: 3, completed: 0, failed: 0 },
    inProgressAt: Date.now(),
    expiresAt: Date.now() + 86400_000,
    ...over,
  });


function contract(name: string, open: () => Promise<BatchDb>, ready: () => boolean | Promise<boolean> = () => true) {
  describe(name, () => {
    let db: BatchDb;
    let files: SqlFileStore;
    let batches: SqlBatchStore;
    let run = true;
    beforeAll(async () => {
      run = await ready();
      if (!run) return;
      db = await open();
      files = await SqlFileStore.open(db);
      batches = await SqlBatchStore.open(db);
    });
    afterAll(async () => {
      if (run) await db.close();
    });

    test("a file goes in by pieces and comes back the same, in chunks of at most 1 MiB", async () => {
      if (!run) return;
      const total = 2 * CHUNK_BYTES + 12345;
      const m = await files.put(meta(), pieces(total, 65_537), 10 * CHUNK_BYTES);
      expect(m.bytes).toBe(total);
      const chunks: number[] = [];
      for await (const c of files.read(m.id)) chunks.push(c.byteLength);
      expect(chunks).toEqual([CHUNK_BYTES, CHUNK_BYTES, 12345]);
      const back = await collect(files.read(m.id));
      expect(Buffer.compare(back, await collect(pieces(total, 65_537)))).toBe(0);
      expect(await files.get(m.id)).toEqual(m);
    });

    test("past the limit: a 413, and nothing of the file is left", async () => {
      if (!run) return;
      const m = meta();
      const err = await files.put(m, pieces(3 * CHUNK_BYTES, 100_000), CHUNK_BYTES + 5).catch((e) => e);
      expect(err.status).toBe(413);
      expect(err.code).toBe("file_too_large");
      expect(await files.get(m.id)).toBeNull();
      expect(await db.all("SELECT COUNT(*) AS n FROM bf_file_chunks WHERE file_id = $1", [m.id])).toEqual([{ n: db.kind === "postgres" ? "0" : 0 }]);
    });

    test("a failing body removes what was written", async () => {
      if (!run) return;
      const m = meta();
      async function* broken() {
        yield new Uint8Array(CHUNK_BYTES + 1);
        throw new Error("client left");
      }
      await expect(files.put(m, broken(), 10 * CHUNK_BYTES)).rejects.toThrow("client left");
      expect(await db.all("SELECT id FROM bf_files WHERE id = $1", [m.id])).toEqual([]);
    });

    test("list: scoped by owner, filtered by purpose and provider, paged with after, both orders", async () => {
      if (!run) return;
      const owner = `vk:${crypto.randomUUID()}`;
      const t0 = Date.now();
      const made: FileMeta[] = [];
      for (let i = 0; i < 5; i++) made.push(await files.put(meta({ owner, createdAt: t0 + i, purpose: i === 4 ? "fine-tune" : "batch" }), pieces(10, 10), 100));
      await files.put(meta({ owner: "vk:someone-else" }), pieces(10, 10), 100);
      const ids = (l: FileMeta[]) => l.map((f) => f.id);
      expect(ids(await files.list({ owner, limit: 10, order: "asc" }))).toEqual(ids(made));
      expect(ids(await files.list({ owner, limit: 10, order: "desc" }))).toEqual(ids(made).reverse());
      expect(ids(await files.list({ owner, limit: 10, order: "asc", purpose: "fine-tune" }))).toEqual([made[4]!.id]);
      expect(await files.list({ owner, limit: 10, order: "asc", provider: "anthropic" })).toEqual([]);
      const page1 = await files.list({ owner, limit: 2, order: "asc" });
      const page2 = await files.list({ owner, limit: 2, order: "asc", after: page1[1]!.id });
      expect(ids(page2)).toEqual([made[2]!.id, made[3]!.id]);
      const back = await files.list({ owner, limit: 2, order: "desc", after: made[3]!.id });
      expect(ids(back)).toEqual([made[2]!.id, made[1]!.id]);
      const all = await files.list({ limit: 1000, order: "asc" });
      expect(all.some((f) => f.owner === "vk:someone-else")).toBe(true);
    });

    test("update changes what a file is; delete removes it and its content", async () => {
      if (!run) return;
      const m = await files.put(meta({ purpose: "" }), pieces(10, 10), 100);
      expect((await files.update(m.id, { purpose: "batch", provider: "groq", expiresAt: null }))!).toMatchObject({ purpose: "batch", provider: "groq", expiresAt: null });
      expect(await files.delete(m.id)).toBe(true);
      expect(await files.delete(m.id)).toBe(false);
      expect(await files.get(m.id)).toBeNull();
      expect(await collect(files.read(m.id))).toHaveLength(0);
    });

    test("the retention sweep deletes what expired, and nothing else", async () => {
      if (!run) return;
      const now = Date.now();
      const old = await files.put(meta({ expiresAt: now - 1 }), pieces(10, 10), 100);
      const kept = await files.put(meta({ expiresAt: now + 60_000 }), pieces(10, 10), 100);
      const forever = await files.put(meta({ expiresAt: null }), pieces(10, 10), 100);
      expect(await files.deleteExpired(now)).toBeGreaterThanOrEqual(1);
      expect(await files.get(old.id)).toBeNull();
      expect(await files.get(kept.id)).not.toBeNull();
      expect(await files.get(forever.id)).not.toBeNull();
      expect(await files.list({ limit: 1000, order: "asc" }).then((l) => l.some((f) => f.id === old.id))).toBe(false);
    });

    test("a batch round-trips; an update writes only the fields it names", async () => {
      if (!run) return;
      const b = batch({ upstreamState: { file: "f-1", n: 2 } });
      await batches.create(b);
      expect(await batches.get(b.id)).toEqual({ ...b, keyName: null });
      await batches.update(b.id, { counts: { total: 3, completed: 1, failed: 0 } });
      const after = await batches.update(b.id, { status: "cancelling", cancellingAt: 123 });
      expect(after.counts.completed).toBe(1);
      expect(after.status).toBe("cancelling");
      expect(after.metadata).toEqual({ job: "eval" });
      expect(await batches.get("batch_nope")).toBeNull();
    });

    test("list is newest first, scoped, paged; unfinished lists what a restart resumes", async () => {
      if (!run) return;
      const owner = `vk:${crypto.randomUUID()}`;
      const t0 = Date.now();
      const made: BatchRecord[] = [];
      for (let i = 0; i < 4; i++) {
        const b = batch({ owner, createdAt: t0 + i, status: i === 0 ? "completed" : "in_progress" });
        await batches.create(b);
        made.push(b);
      }
      const page = await batches.list({ owner, limit: 2 });
      expect(page.map((b) => b.id)).toEqual([made[3]!.id, made[2]!.id]);
      expect((await batches.list({ owner, limit: 5, after: made[2]!.id })).map((b) => b.id)).toEqual([made[1]!.id, made[0]!.id]);
      const unfinished = new Set((await batches.unfinished()).map((b) => b.id));
      expect(unfinished.has(made[0]!.id)).toBe(false);
      expect(unfinished.has(made[3]!.id)).toBe(true);
    });

    test("lines: the first record of an index wins (and says so); done, counts and outputs in line order", async () => {
      if (!run) return;
      const b = batch();
      await batches.create(b);
      await batches.recordLine(b.id, 2, true, '{"n":2}', 0.5);
      await batches.recordLine(b.id, 0, false, '{"n":0}', null);
      expect(await batches.recordLine(b.id, 1, true, '{"n":1}', 0.25)).toBe(true);
      expect(await batches.recordLine(b.id, 1, false, '{"n":"again"}', 9)).toBe(false);
      expect([...(await batches.doneLines(b.id))].sort()).toEqual([0, 1, 2]);
      expect(await batches.lineCounts(b.id)).toEqual({ completed: 2, failed: 1, cost: 0.75 });
      const out = async (ok?: boolean) => {
        const l: string[] = [];
        for await (const s of batches.lineOutputs(b.id, ok)) l.push(s);
        return l;
      };
      expect(await out(true)).toEqual(['{"n":1}', '{"n":2}']);
      expect(await out(false)).toEqual(['{"n":0}']);
      expect(await out()).toEqual(['{"n":0}', '{"n":1}', '{"n":2}']);
    });

    test("a lease: one holder at a time until it expires or is released", async () => {
      if (!run) return;
      const b = batch();
      await batches.create(b);
      const now = Date.now();
      expect(await batches.claim(b.id, "a", now + 1000, now)).toBe(true);
      expect(await batches.claim(b.id, "b", now + 1000, now)).toBe(false);
      expect(await batches.claim(b.id, "a", now + 2000, now)).toBe(true);
      expect(await batches.claim(b.id, "b", now + 5000, now + 2001)).toBe(true);
      await batches.release(b.id, "b");
      expect(await batches.claim(b.id, "c", now + 1000, now)).toBe(true);
    });

    test("ended batches past retention are deleted with their lines", async () => {
      if (!run) return;
      const old = batch({ createdAt: 1000, status: "completed" });
      const running = batch({ createdAt: 1000, status: "in_progress" });
      await batches.create(old);
      await batches.create(running);
      await batches.recordLine(old.id, 0, true, "{}", null);
      expect(await batches.deleteEndedBefore(2000)).toBeGreaterThanOrEqual(1);
      expect(await batches.get(old.id)).toBeNull();
      expect(await batches.get(running.id)).not.toBeNull();
      expect((await batches.doneLines(old.id)).size).toBe(0);
    });
  });
}

contract("SQLite store", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "bf-batches-")), "batches.db");
  const db = openBatchDb({ type: "sqlite", path });
  await db.all("SELECT 1");
  expect(statSync(path).mode & 0o777).toBe(0o600);
  return db;
});

test("SQLite: a gateway that stores nothing leaves no file (background rounds make none)", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "bf-batches-")), "batches.db");
  const db = openBatchDb({ type: "sqlite", path });
  const files = await SqlFileStore.open(db);
  const batches = await SqlBatchStore.open(db);
  expect(await batches.unfinished()).toEqual([]);
  expect(await files.deleteExpired(Date.now())).toBe(0);
  expect(await batches.deleteEndedBefore(Date.now())).toBe(0);
  expect(existsSync(path)).toBe(false);
  expect(await files.get("file-x")).toBeNull();
  expect(existsSync(path)).toBe(true);
  await db.close();
});

const pg = throwawayDatabase("bf_batches");
let pgUp = false;
contract(
  "PostgreSQL store",
  async () => openBatchDb({ type: "postgres", url: pg.url }),
  async () => {
    pgUp = await pgReachable("batch store PostgreSQL tests");
    if (pgUp) await pg.create();
    return pgUp;
  },
);
afterAll(async () => {
  if (pgUp) await pg.drop();
});
