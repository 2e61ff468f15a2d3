/** The in-memory key-value store handed to plugins (ctx.stores.kv). */
import type { KvStore } from "./types";

export class MemoryKv implements KvStore {
  private readonly map = new Map<string, { v: unknown; exp: number }>();

  get<T = unknown>(key: string): T | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (e.exp && e.exp <= Date.now()) {
      this.map.delete(key);
      return undefined;
    }
    return e.v as T;
  }

  set(key: string, value: unknown, ttlMs?: number): void {
    this.map.set(key, { v: value, exp: ttlMs ? Date.now() + ttlMs : 0 });
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  incr(key: string, by = 1): number {
    const n = (Number(this.get(key)) || 0) + by;
    const e = this.map.get(key);
    this.map.set(key, { v: n, exp: e?.exp ?? 0 });
    return n;
  }
}
