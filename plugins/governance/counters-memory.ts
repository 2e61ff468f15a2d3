/**
 * Counters in this process's memory: exact under any concurrency here because reserve runs to the
 * end without awaiting. Optionally persisted to SQLite (flushed every interval and on close,
 * loaded at start) so usage survives a restart; a flush failure goes to onError, never to a request.
 */
import { openPrivateSqlite } from "bifrost/plugin";
import { Database } from "bun:sqlite";
import type { CounterStore, Limit, ReservationToken, ReserveItem, ReserveResult } from "./counters-types.ts";
import { settle, windowAt } from "./counters-window.ts";

export interface MemoryCounterStoreOptions {
  /** SQLite file to persist usage in (table governance_counters); none: memory only. */
  sqlitePath?: string;
  /** How often usage is written to SQLite and expired windows dropped (ms, default 5000). */
  flushIntervalMs?: number;
  /** Where a failed flush is reported (default: console.warn). */
  onError?: (err: Error) => void;
  /** The clock commit/release and the defaults of reserve/usage/reset read (default Date.now). */
  clock?: () => number;
}

interface Entry {
  limitId: string;
  windowKey: string;
  used: number;
  /** Epoch ms the window ends; null: never. */
  expiresAt: number | null;
}

const entryKey = (limitId: string, windowKey: string) => `${limitId}\u0000${windowKey}`;

export class MemoryCounterStore implements CounterStore {
  readonly kind = "memory" as const;
  private readonly entries = new Map<string, Entry>();
  /** Keys changed (or deleted) since the last flush. */
  private readonly dirty = new Set<string>();
  private readonly db: Database | null = null;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly clock: () => number;
  private readonly onError: (err: Error) => void;
  private closed = false;

  constructor(options: MemoryCounterStoreOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.onError = options.onError ?? ((err) => console.warn(`governance counters: ${err.message}`));
    if (options.sqlitePath) {
      this.db = openDatabase(options.sqlitePath);
      this.load();
    }
    this.timer = setInterval(() => this.flush(), options.flushIntervalMs ?? 5000);
    this.timer.unref?.();
  }

  async reserve(items: ReserveItem[], now = this.clock()): Promise<ReserveResult> {
    // Take item by item and roll back on the first that does not fit: one synchronous run, so no
    // other reserve interleaves, and a limit listed twice is checked against its own first take.
    const taken: Entry[] = [];
    const token: ReservationToken = { items: [] };
    for (const { limit, amount } of items) {
      const win = windowAt(limit.window, now);
      const entry = this.current(limit.id, win.windowKey, win.resetAt, now);
      const next = settle(entry.used + amount);
      if (next > limit.max) {
        const used = entry.used;
        for (let i = taken.length - 1; i >= 0; i--) {
          taken[i]!.used = settle(taken[i]!.used - token.items[i]!.amount);
        }
        return { ok: false, limit, used, resetAt: win.resetAt };
      }
      entry.used = next;
      taken.push(entry);
      token.items.push({ limitId: limit.id, windowKey: win.windowKey, amount, expiresAt: win.resetAt });
    }
    for (const it of token.items) this.dirty.add(entryKey(it.limitId, it.windowKey));
    return { ok: true, token };
  }

  async commit(token: ReservationToken, actual: number[]): Promise<void> {
    this.apply(token, (i, amount) => settle((actual[i] ?? amount) - amount));
  }

  async release(token: ReservationToken): Promise<void> {
    this.apply(token, (_i, amount) => -amount);
  }

  async add(items: ReserveItem[], now = this.clock()): Promise<void> {
    for (const { limit, amount } of items) {
      if (amount === 0) continue;
      const win = windowAt(limit.window, now);
      const entry = this.current(limit.id, win.windowKey, win.resetAt, now);
      entry.used = Math.max(0, settle(entry.used + amount));
      this.dirty.add(entryKey(limit.id, win.windowKey));
    }
  }

  async usage(limit: Limit, now = this.clock()): Promise<{ used: number; resetAt: number | null }> {
    const win = windowAt(limit.window, now);
    const entry = this.entries.get(entryKey(limit.id, win.windowKey));
    return { used: entry && !expired(entry, now) ? entry.used : 0, resetAt: win.resetAt };
  }

  async reset(limit: Limit, now = this.clock()): Promise<void> {
    const key = entryKey(limit.id, windowAt(limit.window, now).windowKey);
    this.entries.delete(key);
    this.dirty.add(key);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.flush();
    this.db?.close();
  }

  /** Writes changed windows to SQLite and drops expired ones (from memory and the table). */
  flush(): void {
    const now = this.clock();
    for (const [key, entry] of this.entries) {
      if (expired(entry, now)) {
        this.entries.delete(key);
        this.dirty.add(key);
      }
    }
    if (!this.db) {
      this.dirty.clear();
      return;
    }
    const keys = [...this.dirty];
    this.dirty.clear();
    try {
      const upsert = this.db.query(
        `INSERT INTO governance_counters (limit_id, window_key, used, expires_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (limit_id, window_key) DO UPDATE SET used = excluded.used, expires_at = excluded.expires_at`,
      );
      const remove = this.db.query(`DELETE FROM governance_counters WHERE limit_id = ?1 AND window_key = ?2`);
      this.db.transaction(() => {
        for (const key of keys) {
          const entry = this.entries.get(key);
          if (entry) upsert.run(entry.limitId, entry.windowKey, entry.used, entry.expiresAt);
          else {
            const [limitId, windowKey] = key.split("\u0000") as [string, string];
            remove.run(limitId, windowKey);
          }
        }
        this.db!.query(`DELETE FROM governance_counters WHERE expires_at IS NOT NULL AND expires_at <= ?1`).run(now);
      })();
    } catch (err) {
      // Keep them dirty so the next flush retries.
      for (const key of keys) this.dirty.add(key);
      this.onError(new Error(`could not persist usage to SQLite: ${(err as Error).message}`, { cause: err }));
    }
  }

  private load(): void {
    const rows = this.db!.query(
      `SELECT limit_id, window_key, used, expires_at FROM governance_counters WHERE expires_at IS NULL OR expires_at > ?1`,
    ).all(this.clock()) as Array<{ limit_id: string; window_key: string; used: number; expires_at: number | null }>;
    for (const r of rows) {
      this.entries.set(entryKey(r.limit_id, r.window_key), {
        limitId: r.limit_id,
        windowKey: r.window_key,
        used: r.used,
        expiresAt: r.expires_at,
      });
    }
  }

  /** The live entry of a window, created (or replaced when expired) on first use. */
  private current(limitId: string, windowKey: string, expiresAt: number | null, now: number): Entry {
    const key = entryKey(limitId, windowKey);
    let entry = this.entries.get(key);
    if (!entry || expired(entry, now)) {
      entry = { limitId, windowKey, used: 0, expiresAt };
      this.entries.set(key, entry);
    }
    return entry;
  }

  private apply(token: ReservationToken, delta: (i: number, amount: number) => number): void {
    const now = this.clock();
    token.items.forEach((it, i) => {
      // The window the reservation was taken in has ended: its usage is gone, nothing to adjust.
      if (it.expiresAt !== null && it.expiresAt <= now) return;
      const d = delta(i, it.amount);
      if (d === 0) return;
      const entry = this.current(it.limitId, it.windowKey, it.expiresAt, now);
      entry.used = Math.max(0, settle(entry.used + d));
      this.dirty.add(entryKey(it.limitId, it.windowKey));
    });
  }
}

function expired(entry: Entry, now: number): boolean {
  return entry.expiresAt !== null && entry.expiresAt <= now;
}

function openDatabase(path: string): Database {
  const db = openPrivateSqlite(path);
  db.exec(`CREATE TABLE IF NOT EXISTS governance_counters (
    limit_id TEXT NOT NULL,
    window_key TEXT NOT NULL,
    used REAL NOT NULL,
    expires_at INTEGER,
    PRIMARY KEY (limit_id, window_key)
  )`);
  return db;
}
