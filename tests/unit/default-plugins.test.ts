/** The first-party plugins a server turns on by itself, from Go Bifrost's settings (src/config/default-plugins.ts). */
import { describe, expect, test } from "bun:test";
import { withDefaultPlugins } from "../../src/config/default-plugins";

const entry = (cfg: Record<string, unknown>, name: string) => withDefaultPlugins(cfg as never, "/app").plugins!.find((p) => p.name === name);

describe("default plugins", () => {
  test("telemetry always, with client.prometheus_labels; off only when the user says so", () => {
    expect(entry({}, "telemetry")).toEqual({ name: "telemetry", enabled: true, config: {} });
    expect(entry({ client: { prometheus_labels: ["team"] } }, "telemetry")!.config).toEqual({ custom_labels: ["team"] });
    expect(entry({ plugins: [{ name: "telemetry", enabled: false }] }, "telemetry")!.enabled).toBe(false);
  });

  test("logging with logs_store.enabled: the store, content and retention settings carried in, a relative path in the app directory", () => {
    expect(entry({}, "logging")).toBeUndefined();
    expect(entry({ logs_store: { enabled: true, type: "sqlite", config: { path: "logs.db" } }, client: { enable_logging: false } }, "logging")).toBeUndefined();
    const e = entry({ logs_store: { enabled: true, type: "sqlite", config: { path: "data/logs.db" } }, client: { disable_content_logging: true, log_retention_days: 7 } }, "logging")!;
    expect(e.config).toEqual({ store: { type: "sqlite", config: { path: "/app/data/logs.db" } }, disable_content_logging: true, log_retention_days: 7 });
  });

  test("governance: with entities or enable_governance, first in order, its definitions in the app directory", () => {
    expect(entry({ governance: { virtual_keys: [] } }, "governance")).toBeUndefined();
    const e = entry({ governance: { virtual_keys: [{ id: "vk" }], store: { type: "redis" } } }, "governance")!;
    expect(e).toMatchObject({ enabled: true, placement: "pre_builtin", order: -1000 });
    expect(e.config).toEqual({ virtual_keys: [{ id: "vk" }], store: { type: "redis" }, definitions: { path: "/app/governance.db" } });
    expect(entry({ client: { enable_governance: true } }, "governance")!.enabled).toBe(true);
  });

  test("enforce_auth_on_inference without admin auth: governance requires a virtual key (never silently unenforced)", () => {
    expect(entry({ client: { enforce_auth_on_inference: true } }, "governance")!.config).toMatchObject({ enforce_auth_on_inference: true });
    expect(entry({ client: { enforce_governance_header: true } }, "governance")!.config).toMatchObject({ enforce_auth_on_inference: true });
    // With admin auth the guard enforces it, and a virtual key is one of the credentials it accepts.
    const withAdmin = entry({ client: { enforce_auth_on_inference: true }, auth_config: { is_enabled: true }, governance: { virtual_keys: [{ id: "vk" }] } }, "governance")!;
    expect(withAdmin.config).not.toHaveProperty("enforce_auth_on_inference");
  });

  test("idempotent: applying it twice changes nothing", () => {
    const cfg = { logs_store: { enabled: true }, governance: { teams: [{ id: "t" }] }, client: { prometheus_labels: ["x"] } };
    const once = withDefaultPlugins(cfg as never, "/app");
    expect(withDefaultPlugins(once, "/app")).toEqual(once);
  });
});
