/**
 * Counters in Redis, shared by every gateway process that points at it: reserve is one Lua script
 * (check every key, then take them all), so two replicas enforce one limit together. Keys are
 * `<prefix><limit id>:<window key>`, expiring when their window ends. Any failure (Redis down,
 * unreachable, slow) rejects with an Error naming Redis within about a second; the plugin turns it
 * into governance.on_store_error.
 */
import { RedisConnection } from "bifrost/plugin";
import type { CounterStore, Limit, ReservationToken, ReserveItem, ReserveResult } from "./counters-types.ts";
import { settle, windowAt } from "./counters-window.ts";

export interface RedisCounterStoreOptions {
  /** Default redis://127.0.0.1:6379. */
  url?: string;
  /** Default "bifrost:gov:". */
  keyPrefix?: string;
  /** How long a connect may take before the command fails (ms, default 1000). */
  connectTimeoutMs?: number;
  /** How long a command may take before it fails (ms, default 1000). */
  commandTimeoutMs?: number;
  /** The clock commit/release and the defaults of reserve/usage/reset read (default Date.now). */
  clock?: () => number;
}

/** A failed Redis call; the message starts with "Redis counter store:". */
export class RedisCounterStoreError extends Error {
  override name = "RedisCounterStoreError";
}

/**
 * KEYS: one per item. ARGV: amount, max, expire-at (epoch ms or "") per item.
 * Returns {0} when all were taken, else {index (1-based) of the first that did not fit, its use}.
 * Amounts sum with 15 significant digits (as the memory store) so 50 × 0.02 fits a 1.00 limit.
 */
const RESERVE = `
local pending = {}
for i = 1, #KEYS do
  local k = KEYS[i]
  local cur = pending[k]
  if cur == nil then cur = tonumber(redis.call('GET', k) or '0') end
  local nxt = tonumber(string.format('%.15g', cur + tonumber(ARGV[3 * i - 2])))
  if nxt > tonumber(ARGV[3 * i - 1]) then
    return {i, string.format('%.15g', cur)}
  end
  pending[k] = nxt
end
for i = 1, #KEYS do
  redis.call('INCRBYFLOAT', KEYS[i], ARGV[3 * i - 2])
  local at = ARGV[3 * i]
  if at ~= '' then redis.call('PEXPIREAT', KEYS[i], at) end
end
return {0}
`;

/** KEYS: one per item. ARGV: delta, expire-at (epoch ms or "") per item. Never leaves a key below 0. */
const ADJUST = `
for i = 1, #KEYS do
  local v = tonumber(redis.call('INCRBYFLOAT', KEYS[i], ARGV[2 * i - 1]))
  if v < 0 then redis.call('SET', KEYS[i], '0', 'KEEPTTL') end
  local at = ARGV[2 * i]
  if at ~= '' then redis.call('PEXPIREAT', KEYS[i], at) end
end
return 0
`;

/** Lua's tonumber cannot read "Infinity". */
const num = (x: number) => (Number.isFinite(x) ? String(x) : x > 0 ? "1e308" : "-1e308");

export class RedisCounterStore implements CounterStore {
  readonly kind = "redis" as const;
  private readonly redis: RedisConnection;
  private readonly prefix: string;
  private readonly clock: () => number;

  constructor(options: RedisCounterStoreOptions = {}) {
    this.prefix = options.keyPrefix ?? "bifrost:gov:";
    this.clock = options.clock ?? Date.now;
    this.redis = new RedisConnection({
      url: options.url,
      connectTimeoutMs: options.connectTimeoutMs,
      commandTimeoutMs: options.commandTimeoutMs,
      fail: (message, cause) => new RedisCounterStoreError(`Redis counter store: ${message}`, { cause }),
    });
  }

  key(limitId: string, windowKey: string): string {
    return `${this.prefix}${limitId}:${windowKey}`;
  }

  async reserve(items: ReserveItem[], now = this.clock()): Promise<ReserveResult> {
    const keys: string[] = [];
    const args: string[] = [];
    const token: ReservationToken = { items: [] };
    const resets: Array<number | null> = [];
    for (const { limit, amount } of items) {
      const win = windowAt(limit.window, now);
      keys.push(this.key(limit.id, win.windowKey));
      args.push(num(amount), num(limit.max), win.resetAt === null ? "" : String(win.resetAt));
      token.items.push({ limitId: limit.id, windowKey: win.windowKey, amount, expiresAt: win.resetAt });
      resets.push(win.resetAt);
    }
    if (keys.length === 0) return { ok: true, token };
    const reply = (await this.redis.script(RESERVE, keys, args)) as [number, string?];
    const index = Number(reply[0]);
    if (index === 0) return { ok: true, token };
    return { ok: false, limit: items[index - 1]!.limit, used: Number(reply[1]), resetAt: resets[index - 1]! };
  }

  async commit(token: ReservationToken, actual: number[]): Promise<void> {
    await this.adjust(token, (i, amount) => settle((actual[i] ?? amount) - amount));
  }

  async release(token: ReservationToken): Promise<void> {
    await this.adjust(token, (_i, amount) => -amount);
  }

  async add(items: ReserveItem[], now = this.clock()): Promise<void> {
    const keys: string[] = [];
    const args: string[] = [];
    for (const { limit, amount } of items) {
      if (amount === 0) continue;
      const win = windowAt(limit.window, now);
      keys.push(this.key(limit.id, win.windowKey));
      args.push(num(amount), win.resetAt === null ? "" : String(win.resetAt));
    }
    if (keys.length > 0) await this.redis.script(ADJUST, keys, args);
  }

  async usage(limit: Limit, now = this.clock()): Promise<{ used: number; resetAt: number | null }> {
    const win = windowAt(limit.window, now);
    const value = await this.redis.send("GET", [this.key(limit.id, win.windowKey)]);
    return { used: value == null ? 0 : Number(value), resetAt: win.resetAt };
  }

  async reset(limit: Limit, now = this.clock()): Promise<void> {
    await this.redis.send("DEL", [this.key(limit.id, windowAt(limit.window, now).windowKey)]);
  }

  async close(): Promise<void> {
    this.redis.close();
  }

  private async adjust(token: ReservationToken, delta: (i: number, amount: number) => number): Promise<void> {
    const now = this.clock();
    const keys: string[] = [];
    const args: string[] = [];
    token.items.forEach((it, i) => {
      // The reservation's window has ended (its key expired): nothing left to adjust.
      if (it.expiresAt !== null && it.expiresAt <= now) return;
      const d = delta(i, it.amount);
      if (d === 0) return;
      keys.push(this.key(it.limitId, it.windowKey));
      args.push(num(d), it.expiresAt === null ? "" : String(it.expiresAt));
    });
    if (keys.length > 0) await this.redis.script(ADJUST, keys, args);
  }
}
