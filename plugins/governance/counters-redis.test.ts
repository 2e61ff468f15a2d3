import { afterAll, describe, expect, test } from "bun:test";
import { redisProxy } from "../../tests/support/redis-proxy";
import { RedisClient } from "bun";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { counterStoreContract } from "./counters-contract.ts";
import { RedisCounterStore } from "./counters-redis.ts";
import type { Limit } from "./counters-types.ts";

const REDIS = "redis://127.0.0.1:6379";
const prefix = `bifrost:test:gov:${process.pid}:${Date.now()}:`;
const opened: RedisCounterStore[] = [];
/** A "replica": its own connection, the run's shared prefix. */
const replica = (options: { keyPrefix?: string } = {}) => {
  const s = new RedisCounterStore({ url: REDIS, keyPrefix: prefix, ...options });
  opened.push(s);
  return s;
};

/** Forwards 127.0.0.1:port to the real Redis, buffering what arrives before the upstream is open. */

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  const admin = new RedisClient(REDIS);
  let cursor = "0";
  do {
    const [next, keys] = (await admin.send("SCAN", [cursor, "MATCH", `${prefix}*`, "COUNT", "1000"])) as [string, string[]];
    cursor = next;
    if (keys.length > 0) await admin.send("DEL", keys);
  } while (cursor !== "0");
  admin.close();
});

describe("RedisCounterStore", () => {
  counterStoreContract(() => replica());

  test("a 5/min request limit across two replicas admits exactly 5 of 20", async () => {
    const a = replica();
    const b = replica();
    const rpm: Limit = { id: `rl:${crypto.randomUUID()}:requests`, max: 5, window: { duration: "1m" } };
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).reserve([{ limit: rpm, amount: 1 }])),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    expect((await a.usage(rpm)).used).toBe(5);
  });

  test("keys are <prefix><limit id>:<window key> and expire when the window ends", async () => {
    const s = replica();
    const hourly: Limit = { id: `budget:${crypto.randomUUID()}`, max: 10, window: { duration: "1h", calendarAligned: true } };
    const now = Date.now();
    expect((await s.reserve([{ limit: hourly, amount: 1.5 }], now)).ok).toBe(true);
    const start = Math.floor(now / 3_600_000) * 3_600_000;
    const admin = new RedisClient(REDIS);
    const key = `${prefix}${hourly.id}:${start}`;
    expect(await admin.send("GET", [key])).toBe("1.5");
    expect(Number(await admin.send("PEXPIRETIME", [key]))).toBe(start + 3_600_000);
    admin.close();
  });

  test("an unreachable Redis rejects within about a second with an error naming Redis", async () => {
    // Port 1 on loopback: nothing listens there.
    const s = new RedisCounterStore({ url: "redis://127.0.0.1:1", keyPrefix: prefix });
    const rpm: Limit = { id: "rl:x:requests", max: 5, window: { duration: "1m" } };
    const started = performance.now();
    await expect(s.reserve([{ limit: rpm, amount: 1 }])).rejects.toThrow(/^Redis counter store: /);
    await expect(s.usage(rpm)).rejects.toThrow("Redis counter store: cannot connect to 127.0.0.1:1");
    // Generous bound for a loaded CI machine; without the timeouts this would hang.
    expect(performance.now() - started).toBeLessThan(5_000);
    await s.close();
  });

  test("a server that accepts but never answers fails by the timeout, and no password reaches the message", async () => {
    // Regression: without our own timeouts a silent peer left the request waiting forever.
    const silent = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const s = new RedisCounterStore({ url: `redis://:s3cret@127.0.0.1:${silent.port}`, connectTimeoutMs: 300 });
    try {
      const started = performance.now();
      const err = await s.usage({ id: "rl:y:requests", max: 1, window: null }).catch((e: Error) => e);
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toStartWith("Redis counter store: ");
      expect((err as Error).message).toContain(`connect to 127.0.0.1:${silent.port}`);
      expect((err as Error).message).not.toContain("s3cret");
    } finally {
      await s.close();
      silent.stop(true);
    }
  });

  test("after Redis was unreachable, the store connects again once it is back (and fails again when it goes)", async () => {
    // A loopback proxy to the real Redis stands for a Redis that goes away and comes back.
    const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const port = probe.port;
    probe.stop(true);
    const s = new RedisCounterStore({ url: `redis://127.0.0.1:${port}`, keyPrefix: prefix });
    const rpm: Limit = { id: `rl:${crypto.randomUUID()}:requests`, max: 5, window: null };
    await expect(s.reserve([{ limit: rpm, amount: 1 }])).rejects.toThrow("Redis counter store: cannot connect");
    const proxy = redisProxy(port);
    expect((await s.reserve([{ limit: rpm, amount: 1 }])).ok).toBe(true);
    proxy.stop(true);
    await expect(s.usage(rpm)).rejects.toThrow(/^Redis counter store: /);
    await s.close();
  });

  test("200 reserves of $0.02 against $1.00 from two separate processes: exactly 50 succeed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gov-redis-"));
    try {
      const script = join(dir, "reserve.ts");
      writeFileSync(
        script,
        `import { RedisCounterStore } from ${JSON.stringify(join(import.meta.dir, "counters-redis.ts"))};
const [prefix, id, n] = process.argv.slice(2);
const store = new RedisCounterStore({ url: ${JSON.stringify(REDIS)}, keyPrefix: prefix });
const limit = { id, max: 1, window: { duration: "1d", calendarAligned: true } };
const results = await Promise.all(Array.from({ length: Number(n) }, () => store.reserve([{ limit, amount: 0.02 }])));
await store.close();
console.log(JSON.stringify({ ok: results.filter((r) => r.ok).length }));
`,
      );
      const id = `budget:${crypto.randomUUID()}`;
      const run = () =>
        Bun.spawn([process.execPath, script, prefix, id, "100"], { stdout: "pipe", stderr: "inherit" });
      const procs = [run(), run()];
      const outputs = await Promise.all(procs.map(async (p) => JSON.parse(await new Response(p.stdout).text())));
      expect(await Promise.all(procs.map((p) => p.exited))).toEqual([0, 0]);
      expect(outputs[0].ok + outputs[1].ok).toBe(50);
      const check = replica();
      expect((await check.usage({ id, max: 1, window: { duration: "1d", calendarAligned: true } })).used).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
