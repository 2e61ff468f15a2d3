/** Admin authentication (auth_config): /api/* guarded, sessions, back-off, inference when enforced, loopback-only when off. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { AuthGuard } from "../../src/auth/guard";
import { ConfigError } from "../../src/config/load";
import { createApp } from "../../src/http/app";
import { startServer } from "../../src/server";
import { openGateway, runGatewayToExit, writeConfig, type Gateway } from "../support/gateway";

const PW = "correct-horse-battery-staple";
const ENV = { ADMIN_PW: PW };
const authConfig = (extra: Record<string, unknown> = {}, client: Record<string, unknown> = {}) => ({
  auth_config: { is_enabled: true, admin_username: "admin", admin_password: "env.ADMIN_PW", ...extra },
  client,
});
const basic = (user = "admin", pass = PW) => `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`;
const chatBody = JSON.stringify({ model: "mock/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
const chat = (gw: { fetch: Gateway["fetch"] }, headers: Record<string, string> = {}) =>
  gw.fetch("/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json", ...headers }, body: chatBody });

/** Every /api/* route the app serves (new ones are covered as they are added), session routes aside. */
function adminRoutes(gw: Gateway): { method: string; path: string }[] {
  return createApp(gw.bifrost)
    .routes.filter((r) => r.path.startsWith("/api/") && !r.path.startsWith("/api/session/"))
    .map((r) => ({ method: r.method, path: r.path.replace(/:[a-z_]+/g, "mocker") }));
}

/** Each answer's status, headers and body, kept so that no secret can hide in any of them. */
const seen: string[] = [];
async function record(r: Response): Promise<{ status: number; body: any; headers: Headers }> {
  const text = await r.text();
  seen.push(`${r.status} ${JSON.stringify([...r.headers])} ${text}`);
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: r.status, body, headers: r.headers };
}

function expect401(a: { status: number; body: any }) {
  expect(a.status).toBe(401);
  expect(a.body).toMatchObject({ is_bifrost_error: true, status_code: 401, error: { type: "authentication_error", code: "unauthorized" } });
}

async function login(gw: { fetch: Gateway["fetch"] }, password = PW) {
  const r = await gw.fetch("/api/session/login", { method: "POST", body: JSON.stringify({ username: "admin", password }) });
  const cookie = r.headers.get("set-cookie") ?? "";
  const body = (await r.json()) as any;
  return { status: r.status, token: body.token as string | undefined, cookie, body };
}

describe("auth on: every /api/* route", () => {
  let gw: Gateway;
  let token = "";
  beforeAll(async () => {
    gw = await openGateway(authConfig(), { env: ENV });
  });
  afterAll(async () => {
    // Neither the password nor a session token shows up in any answer (but login's own) or log line.
    for (const s of seen) {
      expect(s).not.toContain(PW);
      if (token) expect(s).not.toContain(token);
    }
    expect(gw.output()).not.toContain(PW);
    if (token) expect(gw.output()).not.toContain(token);
    await gw.close();
  });

  test("the app has admin routes to check (providers, plugins)", () => {
    const paths = adminRoutes(gw).map((r) => r.path);
    expect(paths).toContain("/api/providers");
    expect(paths).toContain("/api/plugins/mocker");
  });

  test("refuses anonymous callers with 401 in the gateway's error shape", async () => {
    for (const { method, path } of adminRoutes(gw)) {
      const a = await record(await gw.fetch(path, { method, body: method === "GET" ? undefined : "{}" }));
      expect401(a);
      expect(a.headers.get("access-control-allow-origin")).toBeNull();
    }
    expect401(await record(await gw.fetch("/api/no-such-route"))); // an unknown path says nothing either
  });

  test("refuses a wrong password, a wrong username and a made-up token", async () => {
    expect401(await record(await gw.fetch("/api/plugins", { headers: { authorization: basic("admin", "not-the-password") } })));
    expect401(await record(await gw.fetch("/api/plugins", { headers: { authorization: basic("root", PW) } })));
    expect401(await record(await gw.fetch("/api/plugins", { headers: { authorization: "Bearer made-up-token" } })));
    expect401(await record(await gw.fetch("/api/plugins", { headers: { cookie: "token=made-up-token" } })));
  });

  test("accepts Basic credentials on every route", async () => {
    for (const { method, path } of adminRoutes(gw)) {
      const a = await record(await gw.fetch(path, { method, headers: { authorization: basic() }, body: method === "GET" ? undefined : "{}" }));
      expect(a.status).not.toBe(401);
      expect(a.status).toBeLessThan(500);
    }
  });

  test("login answers Go Bifrost's shape and sets an HttpOnly SameSite=Lax token cookie", async () => {
    const l = await login(gw);
    expect(l.status).toBe(200);
    expect(l.body).toEqual({ message: "Login successful", token: expect.any(String) });
    token = l.token!;
    expect(token.length).toBeGreaterThanOrEqual(40);
    expect(l.cookie).toContain(`token=${token}`);
    expect(l.cookie).toContain("HttpOnly");
    expect(l.cookie).toContain("SameSite=Lax");
    expect(l.cookie).toContain("Path=/");
  });

  test("the session token works as Bearer and as the cookie", async () => {
    const bearer = await record(await gw.fetch("/api/plugins", { headers: { authorization: `Bearer ${token}` } }));
    expect(bearer.status).toBe(200);
    expect(bearer.body.plugins).toBeArray();
    const cookie = await record(await gw.fetch("/api/providers", { headers: { cookie: `other=1; token=${token}` } }));
    expect(cookie.status).toBe(200);
    // A change too (the earlier every-route test may have deleted the mocker plugin: change the client config instead).
    const put = await record(await gw.fetch("/api/config", { method: "PUT", headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ client_config: { drop_excess_requests: false } }) }));
    expect(put.status).toBe(200);
  });

  test("is-auth-enabled is open and says whether the token is valid", async () => {
    const anon = await record(await gw.fetch("/api/session/is-auth-enabled"));
    expect(anon.status).toBe(200);
    expect(anon.body).toEqual({ is_auth_enabled: true, has_valid_token: false, auth_type: "password", inference_auth_enforced: true });
    const withToken = await record(await gw.fetch("/api/session/is-auth-enabled", { headers: { authorization: `Bearer ${token}` } }));
    expect(withToken.body.has_valid_token).toBe(true);
  });

  test("an admin change is one audit line: who, method, path; never the body", async () => {
    const r = await gw.fetch("/api/plugins/mocker?note=x", { method: "PUT", headers: { authorization: basic() }, body: JSON.stringify({ enabled: true, config: { marker: "body-value-123" } }) });
    await record(r);
    const lines = gw.output().split("\n").filter((l) => l.includes("admin change") && l.includes("method=PUT"));
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.at(-1)).toContain("who=admin");
    expect(lines.at(-1)).toContain("path=/api/plugins/mocker");
    expect(gw.output()).not.toContain("body-value-123");
    expect(gw.output()).not.toContain("note=x");
  });

  test("logout revokes the token and clears the cookie", async () => {
    const out = await record(await gw.fetch("/api/session/logout", { method: "POST", headers: { authorization: `Bearer ${token}` } }));
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ message: "Logout successful" });
    expect(out.headers.get("set-cookie")).toContain("Max-Age=0");
    expect401(await record(await gw.fetch("/api/plugins", { headers: { authorization: `Bearer ${token}` } })));
    expect401(await record(await gw.fetch("/api/plugins", { headers: { cookie: `token=${token}` } })));
  });

  test("a cross-origin browser request is refused, and so is its preflight (no CORS allow headers)", async () => {
    const pre = await gw.fetch("/api/plugins/mocker", { method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "PUT" } });
    expect(pre.status).toBe(403);
    expect(pre.headers.get("access-control-allow-origin")).toBeNull();
    expect(pre.headers.get("access-control-allow-methods")).toBeNull();
    const cross = await record(await gw.fetch("/api/plugins", { headers: { origin: "https://evil.example", authorization: basic() } }));
    expect(cross.status).toBe(403);
    // Inference routes still follow client.allowed_origins ("*" by default).
    const inf = await gw.fetch("/v1/chat/completions", { method: "OPTIONS", headers: { origin: "https://app.example", "access-control-request-method": "POST" } });
    expect(inf.status).toBe(204);
    expect(inf.headers.get("access-control-allow-origin")).toBe("*");
  });
});

describe("sessions expire, and failed passwords back off (a clock the test moves)", () => {
  let gw: Gateway;
  let now = 1_000_000;
  let app: ReturnType<typeof createApp>;
  const fetchApp = (path: string, init?: RequestInit) => app.handle(new Request(`http://127.0.0.1${path}`, init));
  beforeAll(async () => {
    gw = await openGateway(authConfig({ session_ttl_seconds: 3600 }), { env: ENV });
    app = createApp(gw.bifrost, { guard: new AuthGuard(gw.bifrost.config.auth, { now: () => now }) });
  });
  afterAll(() => gw.close());

  test("a token stops working when its session_ttl_seconds have passed", async () => {
    const l = await login({ fetch: fetchApp });
    expect(l.cookie).toContain("Max-Age=3600");
    expect((await fetchApp("/api/plugins", { headers: { authorization: `Bearer ${l.token}` } })).status).toBe(200);
    now += 3600_000 - 1;
    expect((await fetchApp("/api/plugins", { headers: { authorization: `Bearer ${l.token}` } })).status).toBe(200);
    now += 1;
    expect401(await record(await fetchApp("/api/plugins", { headers: { authorization: `Bearer ${l.token}` } })));
    const check = (await (await fetchApp("/api/session/is-auth-enabled", { headers: { cookie: `token=${l.token}` } })).json()) as any;
    expect(check.has_valid_token).toBe(false);
  });

  test("after 5 failed passwords in a minute: 429 with Retry-After, even for the right password, until the lockout ends", async () => {
    for (let i = 0; i < 5; i++) expect401(await record(await fetchApp("/api/plugins", { headers: { authorization: basic("admin", `wrong-password-${i}`) } })));
    const locked = await record(await fetchApp("/api/plugins", { headers: { authorization: basic() } }));
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ status_code: 429, error: { type: "rate_limit_error" } });
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    const lockedLogin = await login({ fetch: fetchApp });
    expect(lockedLogin.status).toBe(429);
    now += 61_000;
    expect((await fetchApp("/api/plugins", { headers: { authorization: basic() } })).status).toBe(200);
  });

  test("failed logins count too", async () => {
    now += 120_000;
    for (let i = 0; i < 5; i++) expect((await login({ fetch: fetchApp }, `nope-${i}-nope-nope`)).status).toBe(401);
    expect((await login({ fetch: fetchApp })).status).toBe(429);
    expect(gw.output()).toContain("admin login failed");
  });
});

describe("inference routes", () => {
  test("need credentials when auth is on (the default), but /health and whitelisted routes stay open", async () => {
    const gw = await openGateway(authConfig({}, { whitelisted_routes: ["/v1/models", "/openai/v1/mod*"] }), { env: ENV });
    try {
      expect401(await record(await chat(gw)));
      expect401(await record(await gw.fetch("/anthropic/v1/messages", { method: "POST", body: "{}" })));
      expect((await chat(gw, { authorization: basic() })).status).toBe(200);
      const l = await login(gw);
      expect((await chat(gw, { authorization: `Bearer ${l.token}` })).status).toBe(200);
      expect((await gw.fetch("/health")).status).toBe(200);
      expect((await gw.fetch("/v1/models")).status).toBe(200);
      expect((await gw.fetch("/openai/v1/models")).status).toBe(200);
      expect401(await record(await gw.fetch("/v1/embeddings", { method: "POST", body: "{}" })));
    } finally {
      await gw.close();
    }
  });

  test("are open with disable_auth_on_inference, while /api/* still is not", async () => {
    const gw = await openGateway(authConfig({ disable_auth_on_inference: true }), { env: ENV });
    try {
      expect((await chat(gw)).status).toBe(200);
      expect401(await record(await gw.fetch("/api/plugins")));
    } finally {
      await gw.close();
    }
  });

  test("client.enforce_auth_on_inference wins over disable_auth_on_inference", async () => {
    const gw = await openGateway(authConfig({ disable_auth_on_inference: true }, { enforce_auth_on_inference: true }), { env: ENV });
    try {
      expect401(await record(await chat(gw)));
      expect((await chat(gw, { authorization: basic() })).status).toBe(200);
    } finally {
      await gw.close();
    }
  });
});

describe("auth off: the admin API only on loopback", () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await openGateway({});
  });
  afterAll(() => gw.close());

  test("answers a loopback Host, any port", async () => {
    for (const host of ["127.0.0.1:8080", "localhost", "localhost:1234", "[::1]:8080"]) {
      expect((await gw.fetch("/api/plugins", { headers: { host } })).status).toBe(200);
    }
    expect(((await (await gw.fetch("/api/session/is-auth-enabled")).json()) as any).is_auth_enabled).toBe(false);
  });

  test("refuses another Host with 403 (DNS rebinding)", async () => {
    for (const host of ["evil.example", "evil.example:8080", "127.0.0.1.evil.example", "10.0.0.5:8080"]) {
      const a = await record(await gw.fetch("/api/plugins", { headers: { host } }));
      expect(a.status).toBe(403);
      expect(a.body).toMatchObject({ status_code: 403, error: { type: "permission_error" } });
    }
    expect((await chat(gw, { host: "evil.example" })).status).toBe(200); // inference is not admin
  });

  test("refuses a cross-site form post (no preflight) to the admin API", async () => {
    const r = await gw.fetch("/api/plugins/mocker", { method: "PUT", headers: { origin: "http://evil.example", "content-type": "text/plain" }, body: JSON.stringify({ enabled: false }) });
    expect(r.status).toBe(403);
  });

  test("audits changes as anonymous-loopback; login says auth is not enabled", async () => {
    expect((await gw.fetch("/api/plugins/mocker", { method: "PUT", body: JSON.stringify({ enabled: true }) })).status).toBe(200);
    expect(gw.output()).toMatch(/admin change who=anonymous-loopback method=PUT path=\/api\/plugins\/mocker/);
    expect((await login(gw)).status).toBe(403);
  });
});

describe("start-up refuses what it cannot secure", () => {
  test("auth off on a public bind: startServer throws, naming the way out", async () => {
    const err = await startServer({ config: writeConfig({}), host: "0.0.0.0", port: 0, env: {} }).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.problems[0]).toContain("0.0.0.0");
    expect(err.problems[0]).toContain("auth_config");
    expect(err.problems[0]).toContain("allow_unauthenticated_admin");
  });

  test("the CLI exits 1 with one line", async () => {
    const { code, output } = await runGatewayToExit(["--config", writeConfig({}), "--host", "0.0.0.0", "--port", "0"]);
    expect(code).toBe(1);
    expect(output.trim().split("\n")).toHaveLength(1);
    expect(output).toContain("refusing to serve the admin API");
  });

  test("a public bind starts with auth on, or with client.allow_unauthenticated_admin", async () => {
    for (const [config, env] of [
      [authConfig(), ENV],
      [{ client: { allow_unauthenticated_admin: true } }, {}],
    ] as const) {
      const s = await startServer({ config: writeConfig(config), host: "0.0.0.0", port: 0, env: { ...env } });
      await s.stop(0);
    }
  });

  test("a weak password: exit 1, one line, and the password is not in it", async () => {
    const weak = "short-pw";
    const { code, output } = await runGatewayToExit(["--config", writeConfig(authConfig()), "--port", "0"], { ADMIN_PW: weak });
    expect(code).toBe(1);
    expect(output.trim().split("\n")).toHaveLength(1);
    expect(output).toContain("auth_config.admin_password: too weak, use at least 12 characters");
    expect(output).not.toContain(weak);
  });
});

describe("the admin API on a provider with credentials in its base URL", () => {
  test("GET /api/providers masks them", async () => {
    const gw = await openGateway({ providers: { openai: { keys: [{ name: "k", value: "sk-test-123456", weight: 1 }], network_config: { base_url: "https://user:s3cret-pass@proxy.example.com" } } } });
    try {
      const text = await (await gw.fetch("/api/providers")).text();
      expect(text).toContain("https://***@proxy.example.com");
      expect(text).not.toContain("s3cret-pass");
    } finally {
      await gw.close();
    }
  });
});
