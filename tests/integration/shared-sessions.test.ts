/**
 * Admin sessions shared by the processes that share a database: two gateways on one SQLite config store
 * (and on one PostgreSQL store, when one is reachable), and `--cluster 2` without a store.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SQL } from "bun";
import { existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AuthGuard } from "../../src/auth/guard";
import { SESSION_CACHE_MS } from "../../src/auth/sessions";
import { createApp } from "../../src/http/app";
import { childEnv, makeSessionFile } from "../../src/supervisor";
import { openGateway, startGateway, type Gateway } from "../support/gateway";
import { PG_ADMIN_URL, pgReachable } from "../support/postgres";

const PW = "correct-horse-battery-staple";
const ENV = { ADMIN_PW: PW };
const auth = { is_enabled: true, admin_username: "admin", admin_password: "env.ADMIN_PW", session_ttl_seconds: 3600 };
type Fetch = Gateway["fetch"];

async function login(fetch: Fetch): Promise<string> {
  const r = await fetch("/api/session/login", { method: "POST", body: JSON.stringify({ username: "admin", password: PW }) });
  expect(r.status).toBe(200);
  return ((await r.json()) as any).token;
}
const bearer = (fetch: Fetch, token: string) => fetch("/api/plugins", { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
const cookie = (fetch: Fetch, token: string) => fetch("/api/plugins", { headers: { cookie: `token=${token}` } }).then((r) => r.status);
const logout = (fetch: Fetch, token: string) => fetch("/api/session/logout", { method: "POST", headers: { authorization: `Bearer ${token}` } });

/** Polls until `check` holds; a logout must reach the other process within the cache's bound (plus slack). */
async function withinCacheBound(check: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > SESSION_CACHE_MS + 1000) throw new Error(`not seen within ${SESSION_CACHE_MS + 1000} ms`);
    await Bun.sleep(25);
  }
  return Date.now() - start;
}

/** The same checks for any two gateways sharing a store. */
function sharedSessionTests(pair: () => { a: Gateway; b: Gateway }) {
  test("a token issued by one is accepted by the other (Bearer and cookie)", async () => {
    const { a, b } = pair();
    const token = await login(a.fetch);
    expect(await bearer(b.fetch, token)).toBe(200);
    expect(await cookie(b.fetch, token)).toBe(200);
    const check = (await (await b.fetch("/api/session/is-auth-enabled", { headers: { cookie: `token=${token}` } })).json()) as any;
    expect(check.has_valid_token).toBe(true);
  });

  test("a logout on one is refused at once there and within the cache bound on the other", async () => {
    const { a, b } = pair();
    const token = await login(a.fetch);
    expect(await bearer(a.fetch, token)).toBe(200);
    expect(await bearer(b.fetch, token)).toBe(200); // b now caches it
    expect((await logout(b.fetch, token)).status).toBe(200);
    expect(await bearer(b.fetch, token)).toBe(401);
    await withinCacheBound(async () => (await bearer(a.fetch, token)) === 401);
  });

  test("a token from neither is refused by both", async () => {
    const { a, b } = pair();
    expect(await bearer(a.fetch, "not-a-token")).toBe(401);
    expect(await bearer(b.fetch, "not-a-token")).toBe(401);
  });

  test("a session expires on both (the guards' clock moved)", async () => {
    const { a, b } = pair();
    let now = Date.now();
    const appOf = (gw: Gateway) => createApp(gw.bifrost, { guard: new AuthGuard(gw.bifrost.config.auth, { now: () => now, sessions: gw.bifrost.sessions! }) });
    const [appA, appB] = [appOf(a), appOf(b)];
    const fetchOf = (app: ReturnType<typeof createApp>): Fetch => (path, init) => app.handle(new Request(`http://127.0.0.1${path}`, init));
    const token = await login(fetchOf(appA));
    expect(await bearer(fetchOf(appB), token)).toBe(200);
    now += 3600_000 - 1;
    expect(await bearer(fetchOf(appA), token)).toBe(200);
    expect(await bearer(fetchOf(appB), token)).toBe(200);
    now += 1;
    expect(await bearer(fetchOf(appA), token)).toBe(401);
    expect(await bearer(fetchOf(appB), token)).toBe(401);
  });
}

describe("two gateways on one SQLite config store", () => {
  let a: Gateway;
  let b: Gateway;
  const path = join(mkdtempSync(join(tmpdir(), "bifrost-sessions-test-")), "config.db");
  beforeAll(async () => {
    const config = { auth_config: auth, config_store: { enabled: true, type: "sqlite", config: { path } } };
    a = await openGateway(config, { env: ENV });
    b = await openGateway(config, { env: ENV });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  sharedSessionTests(() => ({ a, b }));

  test("the database holds the token's SHA-256, never the token; expired rows are pruned at the next login", async () => {
    const { Database } = await import("bun:sqlite");
    const db = new Database(path);
    db.query("INSERT INTO bifrost_sessions (digest, username, expires_at) VALUES ('stale', 'admin', 1)").run();
    const token = await login(a.fetch);
    try {
      expect(db.query("SELECT 1 FROM bifrost_sessions WHERE digest = 'stale'").get()).toBeNull();
      const rows = db.query("SELECT digest, username, expires_at FROM bifrost_sessions").all() as any[];
      const want = new Bun.CryptoHasher("sha256").update(token).digest("hex");
      expect(rows.some((r) => r.digest === want && r.username === "admin")).toBe(true);
      expect(JSON.stringify(rows)).not.toContain(token);
    } finally {
      db.close();
    }
    expect(a.output()).toContain("sessions=config store");
  });
});

const PG_ADMIN = PG_ADMIN_URL;
const PG_DB = `bifrost_sessions_${process.pid}_${Date.now()}`;
const pgUp = await pgReachable("PostgreSQL shared-session tests");

describe.skipIf(!pgUp)("two replicas on one PostgreSQL config store", () => {
  let a: Gateway;
  let b: Gateway;
  beforeAll(async () => {
    const admin = new SQL(PG_ADMIN, { max: 1 });
    await admin.unsafe(`CREATE DATABASE ${PG_DB}`);
    await admin.close();
    const config = { auth_config: auth, config_store: { enabled: true, type: "postgres", config: { host: "127.0.0.1", port: 5432, user: "postgres", password: "", db_name: PG_DB, ssl_mode: "disable" } } };
    a = await openGateway(config, { env: ENV });
    b = await openGateway(config, { env: ENV });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    const admin = new SQL(PG_ADMIN, { max: 1 });
    await admin.unsafe(`DROP DATABASE IF EXISTS ${PG_DB} WITH (FORCE)`);
    await admin.close();
  });

  sharedSessionTests(() => ({ a, b }));
});

describe("--cluster without a config store", () => {
  test("the supervisor's session file: 0600 in a fresh directory, handed to the servers, removed on exit", async () => {
    const file = await makeSessionFile();
    expect(statSync(file.path).mode & 0o777).toBe(0o600);
    expect(statSync(join(file.path, "..")).mode & 0o777).toBe(0o700);
    expect(childEnv({}, 2, file.path)).toMatchObject({ BIFROST_SESSION_DB: file.path, BIFROST_REUSE_PORT: "1" });
    expect(childEnv({}, 1).BIFROST_SESSION_DB).toBeUndefined();
    file.remove();
    expect(existsSync(file.path)).toBe(false);
  });

  test("bifrost server --cluster 2: a login holds on both processes (20 fresh connections all get 200)", async () => {
    const gw = await startGateway({ config: { auth_config: auth }, args: ["--cluster", "2"], env: ENV });
    try {
      const deadline = Date.now() + 15_000;
      while ((gw.output().match(/bifrost listening/g) ?? []).length < 2) {
        if (Date.now() > deadline) throw new Error(`the second server did not start:\n${gw.output()}`);
        await Bun.sleep(50);
      }
      expect(gw.output()).toContain("sessions=cluster session file");
      const fresh: Fetch = (path, init) => fetch(gw.url + path, { ...init, keepalive: false, headers: { ...(init?.headers as Record<string, string>), connection: "close" } });
      const token = await login(fresh);
      const statuses = await Promise.all(Array.from({ length: 20 }, () => bearer(fresh, token)));
      expect(statuses).toEqual(Array(20).fill(200));
      expect((await logout(fresh, token)).status).toBe(200);
      await withinCacheBound(async () => (await Promise.all(Array.from({ length: 10 }, () => bearer(fresh, token)))).every((s) => s === 401));
    } finally {
      await gw.stop();
    }
  }, 30_000);
});
