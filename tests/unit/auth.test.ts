/** auth_config resolution, the fail-closed sections, and the small helpers of the guard. */
import { describe, expect, test } from "bun:test";
import { isLoopbackAddress, isLoopbackHostHeader, pathOf } from "../../src/auth/guard";
import { FailureLimiter } from "../../src/auth/sessions";
import { ConfigError, resolveConfig } from "../../src/config/load";
import { maskUrlCredentials } from "../../src/http/mask-url";

const PW = "correct-horse-battery-staple";
const problems = (raw: unknown, env: Record<string, string> = {}): string[] => {
  try {
    resolveConfig(raw, env);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
};

describe("auth_config", () => {
  test("the password is kept only as an argon2id hash; env.X values are read", () => {
    const cfg = resolveConfig({ auth_config: { is_enabled: true, admin_username: "env.ADMIN_USER", admin_password: "env.ADMIN_PW" } }, { ADMIN_USER: "ops", ADMIN_PW: PW });
    expect(cfg.auth).toMatchObject({ enabled: true, username: "ops", inferenceNeedsAuth: true, sessionTtlMs: 86_400_000 });
    expect(cfg.auth.passwordHash).toStartWith("$argon2id$");
    expect(JSON.stringify(cfg)).not.toContain(PW);
  });

  test("a password given as a bcrypt or argon2 hash (as Go Bifrost stores it) is used as is", async () => {
    const hash = await Bun.password.hash(PW, { algorithm: "bcrypt", cost: 4 });
    const cfg = resolveConfig({ auth_config: { is_enabled: true, admin_username: "admin", admin_password: hash } });
    expect(cfg.auth.passwordHash).toBe(hash);
  });

  test("governance.auth_config (Go Bifrost's other place for it) is read too", () => {
    const cfg = resolveConfig({ governance: { auth_config: { is_enabled: true, admin_username: "admin", admin_password: PW, disable_auth_on_inference: true } } });
    expect(cfg.auth).toMatchObject({ enabled: true, inferenceNeedsAuth: false });
  });

  test("refused: a weak password, a missing username, an unset variable", () => {
    expect(problems({ auth_config: { is_enabled: true, admin_username: "admin", admin_password: "elevenchars" } })).toEqual(["auth_config.admin_password: too weak, use at least 12 characters"]);
    expect(problems({ auth_config: { is_enabled: true, admin_password: PW } })).toEqual(["auth_config.admin_username: required when auth_config.is_enabled is true"]);
    expect(problems({ auth_config: { is_enabled: true, admin_username: "admin", admin_password: "env.NOPE" } })).toEqual(["auth_config.admin_password: environment variable NOPE is not set"]);
  });

  test("disabled auth needs no credentials", () => {
    expect(resolveConfig({ auth_config: { is_enabled: false } }).auth.enabled).toBe(false);
    expect(resolveConfig({}).auth.enabled).toBe(false);
  });
});

describe("settings this gateway cannot enforce yet stop start-up, one line naming each", () => {
  const cases: [string, unknown][] = [
    ["governance.routing_rules", { governance: { routing_rules: [{ id: "r" }] } }],
    ["saml_config", { saml_config: { enabled: true } }],
  ];
  for (const [section, raw] of cases) {
    test(section, () => {
      const p = problems(raw);
      expect(p).toHaveLength(1);
      expect(p[0]).toStartWith(`${section}:`);
    });
  }

  test("governance is enforced now (plugins/governance): its settings load", () => {
    for (const raw of [{ client: { enforce_auth_on_inference: true } }, { client: { enable_governance: true, enforce_governance_header: true } }, { governance: { virtual_keys: [{ id: "vk-1" }], budgets: [{ id: "b" }], rate_limits: [{ id: "r" }] } }]) {
      expect(problems(raw)).toEqual([]);
    }
  });

  test("empty governance lists and false flags load", () => {
    expect(problems({ governance: { virtual_keys: [], budgets: [] }, client: { enable_governance: false }, saml_config: { enabled: false } })).toEqual([]);
  });

  test("enforce_auth_on_inference is satisfiable once auth_config is enabled", () => {
    const cfg = resolveConfig({ client: { enforce_auth_on_inference: true }, auth_config: { is_enabled: true, admin_username: "a", admin_password: PW, disable_auth_on_inference: true } });
    expect(cfg.auth.inferenceNeedsAuth).toBe(true);
  });
});

describe("helpers", () => {
  test("base URLs lose their embedded credentials", () => {
    expect(maskUrlCredentials("https://user:pass@api.example.com/v1")).toBe("https://***@api.example.com/v1");
    expect(maskUrlCredentials("http://token@10.0.0.5:8000")).toBe("http://***@10.0.0.5:8000");
    expect(maskUrlCredentials("https://api.example.com/a@b")).toBe("https://api.example.com/a@b");
  });

  test("loopback binds and Host headers", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"]) expect(isLoopbackAddress(h)).toBe(true);
    for (const h of ["0.0.0.0", "::", "10.0.0.5", "example.com"]) expect(isLoopbackAddress(h)).toBe(false);
    for (const h of ["localhost", "localhost:80", "127.0.0.1:8080", "[::1]:8080", "LOCALHOST"]) expect(isLoopbackHostHeader(h)).toBe(true);
    for (const h of [null, "", "evil.example", "localhost.evil.example", "127.0.0.1.nip.io:80"]) expect(isLoopbackHostHeader(h)).toBe(false);
  });

  test("pathOf drops the query", () => {
    expect(pathOf("http://h:1/api/plugins/x?y=1")).toBe("/api/plugins/x");
    expect(pathOf("http://h")).toBe("/");
  });

  test("the back-off forgets an address after its window", () => {
    let now = 0;
    const l = new FailureLimiter(() => now, 3, 1000, 5000);
    l.fail("a");
    l.fail("a");
    now = 2000; // window passed: counting starts again
    l.fail("a");
    l.fail("a");
    expect(l.retryAfter("a")).toBe(0);
    l.fail("a");
    expect(l.retryAfter("a")).toBe(5);
    expect(l.retryAfter("b")).toBe(0);
  });
});
