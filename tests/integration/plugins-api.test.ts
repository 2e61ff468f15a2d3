/**
 * What the dashboard reads from the management API to draw its forms: /api/plugins with each plugin's
 * config schema and its config (secrets masked, kept when sent back masked), the packages that could be
 * added, a config error's field; /api/mcp/clients with each tool's input schema.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { definePlugin, t } from "bifrost/plugin";
import { Bifrost, createApp } from "../../src/index";
import { configParam } from "../../src/plugins/host";
import { maskPluginConfig, unmaskPluginConfig } from "../../src/http/plugins";
import { startMcpHttpServer, type McpHttpServer } from "../support/mcp-http-server";
import { eventually } from "../support/wait";

const API_KEY = "vault-api-key-secret-1234";
const DB_URL = "postgres://app:db-password-5678@db.internal:5432/app";

/** A plugin with secret-looking settings; `seen` is the config its last setup got. */
const seen: Array<Record<string, any>> = [];
const vault = definePlugin({
  name: "vault",
  description: "Holds secrets",
  config: t.Object({
    api_key: t.String({ minLength: 1 }),
    url: t.String({ default: "postgres://localhost/app" }),
    label: t.String({ minLength: 1, default: "plain", description: "Shown in logs" }),
    mode: t.Union([t.Literal("fast"), t.Literal("safe")], { default: "fast" }),
    nested: t.Object({ token: t.Optional(t.String()), retries: t.Integer({ minimum: 0, maximum: 5, default: 1 }) }, { default: {} }),
  }),
  setup(ctx) {
    seen.push(ctx.config as Record<string, any>);
    return {};
  },
});

const send = (app: ReturnType<typeof createApp>, method: string, path: string, body?: unknown) =>
  app.handle(new Request(`http://localhost${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) }));

describe("/api/plugins: config schema and config for the dashboard's forms", () => {
  let bf: Bifrost;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    bf = await Bifrost.create(
      {
        providers: {},
        plugins: [
          { name: "vault", config: { api_key: API_KEY, url: DB_URL, label: "first", nested: { token: "env.VAULT_TOKEN" } } },
          { name: "mocker", enabled: false, config: { default: { content: "off for now" } } },
        ] as any,
      },
      { workers: 0, plugins: { vault } },
    );
    app = createApp(bf);
  });
  afterAll(() => bf.shutdown());

  test("GET answers each plugin's schema as plain JSON Schema, enabled, and its config with secrets masked; packages not configured are listed", async () => {
    const res = await send(app, "GET", "/api/plugins");
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain("db-password-5678");
    const body = JSON.parse(text);
    const v = body.plugins.find((p: any) => p.name === "vault");
    expect(v).toMatchObject({ state: "active", enabled: true, description: "Holds secrets" });
    expect(v.config).toEqual({ api_key: "********", url: "postgres://***@db.internal:5432/app", label: "first", nested: { token: "env.VAULT_TOKEN" } });
    expect(v.config_schema).toMatchObject({
      type: "object",
      required: expect.arrayContaining(["api_key", "label", "mode", "nested"]),
      properties: {
        api_key: { type: "string", minLength: 1 },
        label: { type: "string", default: "plain", description: "Shown in logs" },
        mode: { anyOf: [{ const: "fast" }, { const: "safe" }], default: "fast" },
        nested: { type: "object", properties: { retries: { type: "integer", minimum: 0, maximum: 5 } } },
      },
    });
    // A plugin disabled from the start still shows its schema (its definition is read, never set up).
    const m = body.plugins.find((p: any) => p.name === "mocker");
    expect(m).toMatchObject({ state: "disabled", enabled: false, config: { default: { content: "off for now" } } });
    expect(m.config_schema.properties.default.properties.content.type).toBe("string");
    // Built-in packages that no entry names can be added.
    const names = body.available.map((a: any) => a.name);
    expect(names).toContain("jsonparser");
    expect(names).not.toContain("mocker");
    expect(body.available.find((a: any) => a.name === "jsonparser")).toMatchObject({ version: expect.any(String), description: expect.stringContaining("JSON") });
    expect(((await (await send(app, "GET", "/api/plugins/vault")).json()) as any).config.api_key).toBe("********");
  });

  test("PUT with the config as GET showed it, one field changed: masked values keep the stored ones", async () => {
    const shown = ((await (await send(app, "GET", "/api/plugins/vault")).json()) as any).config;
    const res = await send(app, "PUT", "/api/plugins/vault", { config: { ...shown, label: "second" } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.config).toEqual({ ...shown, label: "second" });
    expect(seen.at(-1)).toMatchObject({ api_key: API_KEY, url: DB_URL, label: "second", nested: { token: "env.VAULT_TOKEN" } });
    expect(bf.plugins.entries().find((e) => e.name === "vault")!.config).toMatchObject({ api_key: API_KEY, url: DB_URL });
    // A new secret replaces the old one.
    await send(app, "PUT", "/api/plugins/vault", { config: { ...shown, api_key: "new-key" } });
    expect(seen.at(-1)!.api_key).toBe("new-key");
  });

  test("an invalid config is a 400 whose param names the field; the running plugin is untouched", async () => {
    const before = seen.length;
    const res = await send(app, "PUT", "/api/plugins/vault", { config: { api_key: "k", nested: { retries: 9 } } });
    expect(res.status).toBe(400);
    const err = ((await res.json()) as any).error;
    expect(err.param).toBe("config.nested.retries");
    expect(err.message).toContain("nested.retries");
    expect(seen.length).toBe(before);
    expect(((await (await send(app, "GET", "/api/plugins/vault")).json()) as any).state).toBe("active");
  });

  test("enabling a plugin that was disabled from the start loads it; POST adds an available one", async () => {
    const on = await send(app, "PUT", "/api/plugins/mocker", { enabled: true });
    expect(on.status).toBe(200);
    expect(await on.json()).toMatchObject({ state: "active", enabled: true, hooks: ["preRequest", "listModels"] });
    const added = await send(app, "POST", "/api/plugins", { name: "jsonparser", enabled: false, config: { mode: "every_chunk" } });
    expect(added.status).toBe(201);
    const body = (await added.json()) as any;
    expect(body).toMatchObject({ name: "jsonparser", state: "disabled", enabled: false, config: { mode: "every_chunk" } });
    expect(body.config_schema.properties.mode.anyOf).toHaveLength(2);
    const list = (await (await send(app, "GET", "/api/plugins")).json()) as any;
    expect(list.available.map((a: any) => a.name)).not.toContain("jsonparser");
  });

  test("the masking helpers: secret fields, URL credentials, and back", () => {
    const stored = { password: "pw", store: { url: "redis://u:p@h:6379", name: "n" }, tokens: ["a", "b"], env: "env.X", n: 3 };
    const masked = maskPluginConfig(stored) as any;
    expect(masked).toEqual({ password: "********", store: { url: "redis://***@h:6379", name: "n" }, tokens: ["********", "********"], env: "env.X", n: 3 });
    expect(unmaskPluginConfig(masked, stored)).toEqual(stored);
    expect(unmaskPluginConfig({ ...masked, password: "new" }, stored)).toMatchObject({ password: "new" });
    expect(unmaskPluginConfig({ password: "********" }, {})).toEqual({ password: undefined });
    expect(configParam("invalid config: plugins[3].config.default.latency_ms: expected integer")).toBe("config.default.latency_ms");
    expect(configParam("invalid config: plugins[0].config.rules[2].name: expected string")).toBe("config.rules[2].name");
    expect(configParam("setup failed")).toBe("config");
  });
});

describe("plugin config headers are secrets (otel's Authorization leaked through GET /api/plugins)", () => {
  const AUTH = "Bearer otel-collector-secret-9999";
  let bf: Bifrost;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    bf = await Bifrost.create(
      { providers: {}, plugins: [{ name: "otel", enabled: false, config: { collector_url: "http://127.0.0.1:9/v1/traces", headers: { Authorization: AUTH, "x-env": "env.OTEL_H" } } }] as any },
      { workers: 0 },
    );
    app = createApp(bf);
  });
  afterAll(() => bf.shutdown());

  test("GET masks every header value (env.X shown); PUT with them as shown keeps the stored ones", async () => {
    for (const path of ["/api/plugins", "/api/plugins/otel"]) expect(await (await send(app, "GET", path)).text()).not.toContain("otel-collector-secret");
    const got = (await (await send(app, "GET", "/api/plugins/otel")).json()) as any;
    expect(got.config.headers).toEqual({ Authorization: "********", "x-env": "env.OTEL_H" });
    const put = await send(app, "PUT", "/api/plugins/otel", { config: got.config });
    expect(await put.text()).not.toContain("otel-collector-secret");
    expect(bf.plugins.entries().find((e) => e.name === "otel")?.config).toMatchObject({ headers: { Authorization: AUTH, "x-env": "env.OTEL_H" } });
    expect(maskPluginConfig({ a: { extra_headers: { "X-Trace": "t" } } })).toEqual({ a: { extra_headers: { "X-Trace": "********" } } });
  });
});

describe("/api/mcp/clients: each tool with its input schema", () => {
  let server: McpHttpServer;
  let bf: Bifrost;
  beforeAll(async () => {
    server = await startMcpHttpServer();
    bf = await Bifrost.create({ providers: {}, mcp: { client_configs: [{ name: "web", connection_type: "http", connection_string: server.url, tools_to_execute: ["*"] }] } } as any, { workers: 0 });
  });
  afterAll(async () => {
    await bf.shutdown();
    await server.stop();
  });

  test("tools carry Go's `parameters` (the server's inputSchema)", async () => {
    const app = createApp(bf);
    await eventually(() => bf.mcp!.clients()[0]!.state === "connected");
    const body = (await (await send(app, "GET", "/api/mcp/clients")).json()) as any;
    const echo = body.clients[0].tools.find((t: any) => t.name === "echo");
    expect(echo).toEqual({ name: "echo", description: "Echoes the message back", parameters: { type: "object", properties: { message: { type: "string" } }, required: ["message"] } });
  });
});
