/** Live provider changes through the management API, the SQLite config store, --reset-store and SIGHUP. */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { reloadConfigFile, startServer } from "../../src/server";
import { openGateway, startGateway, writeConfig, type Gateway } from "../support/gateway";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";
import { eventually } from "../support/wait";

let mock: MockUpstream;
beforeAll(async () => void (mock = await startMockUpstream()));
afterAll(() => mock?.stop());
beforeEach(() => mock.reset());

const storeDir = () => mkdtempSync(join(tmpdir(), "bifrost-store-"));
const sqliteConfig = (path: string, providers: Record<string, unknown> = {}) => ({
  config_store: { enabled: true, type: "sqlite", config: { path } },
  providers,
});
const openaiAt = (key: string, extra: Record<string, unknown> = {}) => ({
  keys: [{ name: "main", value: key, models: ["*"], weight: 1 }],
  network_config: { base_url: mock.url },
  ...extra,
});

async function chat(gw: Gateway, model: string) {
  const res = await gw.fetch("/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
  });
  return { status: res.status, json: (await res.json()) as any };
}

const send = (gw: Gateway, method: string, path: string, body?: unknown) =>
  gw.fetch(path, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });

describe("providers changed through /api/providers", () => {
  test("a provider added through the API serves the next request and is still there after a restart", async () => {
    const path = join(storeDir(), "config.db");
    const first = await openGateway(sqliteConfig(path));
    try {
      expect((await chat(first, "openai/gpt-4o-mini")).status).toBe(400);
      const added = await send(first, "POST", "/api/providers", { provider: "openai", ...openaiAt("sk-added-aaaa1111") });
      expect(added.status).toBe(200);
      expect(((await added.json()) as any).name).toBe("openai");
      expect((await chat(first, "openai/gpt-4o-mini")).status).toBe(200);
      expect(mock.requests.at(-1)!.headers.authorization).toBe("Bearer sk-added-aaaa1111");
    } finally {
      await first.close();
    }
    const second = await openGateway(sqliteConfig(path));
    try {
      expect((await chat(second, "openai/gpt-4o-mini")).status).toBe(200);
      expect(mock.requests.at(-1)!.headers.authorization).toBe("Bearer sk-added-aaaa1111");
    } finally {
      await second.close();
    }
  });

  test("update changes keys, network config and concurrency for the next request; delete removes the provider", async () => {
    const gw = await openGateway(sqliteConfig(join(storeDir(), "config.db"), { openai: openaiAt("sk-old-bbbb2222") }));
    try {
      const put = await send(gw, "PUT", "/api/providers/openai", {
        keys: [{ name: "main", value: "sk-new-cccc3333", models: ["*"] }],
        concurrency_and_buffer_size: { concurrency: 3, buffer_size: 7 },
        network_config: { base_url: mock.url, max_retries: 2 },
      });
      expect(put.status).toBe(200);
      const body = (await put.json()) as any;
      expect(body.concurrency_and_buffer_size).toEqual({ concurrency: 3, buffer_size: 7 });
      expect(body.network_config.max_retries).toBe(2);
      expect(body.queue).toMatchObject({ concurrency: 3, buffer_size: 7 });
      await chat(gw, "openai/gpt-4o-mini");
      expect(mock.requests.at(-1)!.headers.authorization).toBe("Bearer sk-new-cccc3333");

      // A key sent back as it reads ("********") keeps its stored value.
      const shown = ((await (await gw.fetch("/api/providers/openai")).json()) as any).keys;
      expect((await send(gw, "PUT", "/api/providers/openai", { keys: shown })).status).toBe(200);
      await chat(gw, "openai/gpt-4o-mini");
      expect(mock.requests.at(-1)!.headers.authorization).toBe("Bearer sk-new-cccc3333");

      expect((await send(gw, "DELETE", "/api/providers/openai")).status).toBe(200);
      expect((await gw.fetch("/api/providers/openai")).status).toBe(404);
      const after = await chat(gw, "openai/gpt-4o-mini");
      expect(after.status).toBe(400);
      expect(after.json.error.code).toBe("provider_not_configured");
      expect((await send(gw, "DELETE", "/api/providers/openai")).status).toBe(404);
    } finally {
      await gw.close();
    }
  });

  test("a bad change is a 400 naming the field, and nothing is applied (not even in the store)", async () => {
    const path = join(storeDir(), "config.db");
    const gw = await openGateway(sqliteConfig(path, { openai: openaiAt("sk-keep-dddd4444") }));
    try {
      const bad = await send(gw, "PUT", "/api/providers/openai", { keys: [{ name: "main", value: "sk-bad-eeee5555" }], concurrency_and_buffer_size: { concurrency: 0 } });
      expect(bad.status).toBe(400);
      const err = ((await bad.json()) as any).error;
      expect(err.code).toBe("invalid_request");
      expect(err.param).toBe("concurrency_and_buffer_size.concurrency");
      const badUrl = await send(gw, "POST", "/api/providers", { provider: "groq", keys: [{ value: "x" }], network_config: { base_url: "not a url" } });
      expect(badUrl.status).toBe(400);
      expect(((await badUrl.json()) as any).error.param).toBe("network_config.base_url");
      const unknown = await send(gw, "POST", "/api/providers", { provider: "nosuch", keys: [{ value: "x" }] });
      expect(unknown.status).toBe(400);
      expect((await send(gw, "POST", "/api/providers", { provider: "openai", ...openaiAt("x") })).status).toBe(409);

      const p = (await (await gw.fetch("/api/providers/openai")).json()) as any;
      expect(p.concurrency_and_buffer_size.concurrency).toBe(1000);
      await chat(gw, "openai/gpt-4o-mini");
      expect(mock.requests.at(-1)!.headers.authorization).toBe("Bearer sk-keep-dddd4444");
      expect(((await (await gw.fetch("/api/providers")).json()) as any).providers.map((x: any) => x.name)).toEqual(["openai"]);
    } finally {
      await gw.close();
    }
    const again = await openGateway(sqliteConfig(path));
    try {
      await chat(again, "openai/gpt-4o-mini");
      expect(mock.requests.at(-1)!.headers.authorization).toBe("Bearer sk-keep-dddd4444");
    } finally {
      await again.close();
    }
  });

  test("a request in flight finishes on the settings it started with; the next one uses the new", async () => {
    const gw = await openGateway({ providers: { openai: openaiAt("sk-before-ffff6666") } });
    try {
      let release!: () => void;
      mock.fault({ until: new Promise<void>((r) => (release = r)), match: { model: "held" } });
      const held = chat(gw, "openai/held");
      await eventually(() => mock.requests.length === 1);
      const put = await send(gw, "PUT", "/api/providers/openai", { keys: [{ name: "main", value: "sk-after-gggg7777" }], concurrency_and_buffer_size: { concurrency: 5 } });
      expect(put.status).toBe(200);
      const next = await chat(gw, "openai/gpt-4o-mini");
      expect(next.status).toBe(200);
      release();
      expect((await held).status).toBe(200);
      expect(mock.requests[0]!.headers.authorization).toBe("Bearer sk-before-ffff6666");
      expect(mock.requests[1]!.headers.authorization).toBe("Bearer sk-after-gggg7777");
      // The old queue drained its call; the new one has nothing in flight.
      expect(gw.bifrost.queueStats("openai")).toMatchObject({ in_flight: 0, concurrency: 5 });
    } finally {
      await gw.close();
    }
  });
});

describe("secrets", () => {
  test("no route ever answers with a key value; env.X references show as such", async () => {
    const secret = "sk-never-shown-hhhh8888";
    const gw = await openGateway(
      {
        providers: {
          openai: { ...openaiAt(secret), network_config: { base_url: mock.url, extra_headers: { "x-secret": "hdr-secret-iiii9999" } } },
          anthropic: { keys: [{ name: "a", value: "env.ANTHROPIC_TEST_KEY" }], network_config: { base_url: mock.url } },
          bedrock: { keys: [{ name: "b", value: "", bedrock_key_config: { access_key: "AKIA-secret-jjjj", secret_key: "bedrock-secret-kkkk", region: "us-east-1" } }], network_config: { base_url: mock.url } },
        },
      },
      { env: { ANTHROPIC_TEST_KEY: "sk-ant-from-env-llll" } },
    );
    try {
      const posted = await send(gw, "POST", "/api/providers", { provider: "groq", keys: [{ name: "g", value: "gsk-posted-mmmm" }], network_config: { base_url: mock.url } });
      const put = await send(gw, "PUT", "/api/providers/openai", { network_config: { base_url: mock.url, extra_headers: { "x-secret": "********" } } });
      const texts = [await posted.text(), await put.text()];
      for (const path of ["/api/providers", "/api/providers/openai", "/api/providers/anthropic", "/api/providers/bedrock", "/api/providers/groq", "/api/config", "/api/plugins", "/api/version"]) {
        const r = await gw.fetch(path);
        expect(r.status).toBe(200);
        texts.push(await r.text());
      }
      for (const t of texts) for (const s of [secret, "hdr-secret-iiii9999", "sk-ant-from-env-llll", "AKIA-secret-jjjj", "bedrock-secret-kkkk", "gsk-posted-mmmm"]) expect(t).not.toContain(s);
      const anthropic = (await (await gw.fetch("/api/providers/anthropic")).json()) as any;
      expect(anthropic.keys[0].value).toBe("env.ANTHROPIC_TEST_KEY");
      // The masked header sent back kept its value upstream.
      await chat(gw, "openai/gpt-4o-mini");
      expect(mock.requests.at(-1)!.headers["x-secret"]).toBe("hdr-secret-iiii9999");
    } finally {
      await gw.close();
    }
  });

  test("proxy_config's password and URL credentials were answered in clear by /api/providers; now masked, and kept when sent back masked", async () => {
    const proxy = { type: "http", url: "http://puser:proxy-url-pass-nnnn@proxy.internal:3128", username: "puser", password: "proxy-pass-oooo" };
    const gw = await openGateway({ providers: { openai: openaiAt("sk-x", { proxy_config: proxy }) } });
    try {
      const shown = (await (await gw.fetch("/api/providers/openai")).json()) as any;
      const list = await (await gw.fetch("/api/providers")).text();
      for (const t of [JSON.stringify(shown), list]) for (const s of ["proxy-pass-oooo", "proxy-url-pass-nnnn"]) expect(t).not.toContain(s);
      expect(shown.proxy_config).toEqual({ type: "http", url: "http://***@proxy.internal:3128", username: "puser", password: "********" });
      const put = await send(gw, "PUT", "/api/providers/openai", { proxy_config: shown.proxy_config });
      expect(put.status).toBe(200);
      expect(await put.text()).not.toContain("proxy-pass-oooo");
      expect(gw.bifrost.live.providerConfigs().openai!.proxy_config).toEqual(proxy);
    } finally {
      await gw.close();
    }
  });

  test("with BIFROST_ENCRYPTION_KEY the keys are encrypted at rest; without it they are in clear in a 0600 file", async () => {
    const secret = "sk-at-rest-nnnn0000";
    const encPath = join(storeDir(), "config.db");
    const enc = await openGateway(sqliteConfig(encPath, { openai: openaiAt(secret) }), { env: { BIFROST_ENCRYPTION_KEY: "a passphrase for tests" } });
    await send(enc, "POST", "/api/providers", { provider: "groq", keys: [{ name: "g", value: "gsk-at-rest-oooo" }], network_config: { base_url: mock.url } });
    await enc.close();
    const bytes = (p: string) => { try { return readFileSync(p).toString("latin1"); } catch { return ""; } };
    const all = bytes(encPath) + bytes(`${encPath}-wal`);
    expect(all).toContain("bifrost_providers");
    expect(all).not.toContain(secret);
    expect(all).not.toContain("gsk-at-rest-oooo");
    // Read back with the same key after a restart; a wrong key refuses to start.
    const again = await openGateway(sqliteConfig(encPath), { env: { BIFROST_ENCRYPTION_KEY: "a passphrase for tests" } });
    await chat(again, "openai/gpt-4o-mini");
    expect(mock.requests.at(-1)!.headers.authorization).toBe(`Bearer ${secret}`);
    await again.close();
    expect(openGateway(sqliteConfig(encPath), { env: { BIFROST_ENCRYPTION_KEY: "another" } })).rejects.toThrow(/BIFROST_ENCRYPTION_KEY/);

    const clearPath = join(storeDir(), "config.db");
    const clear = await openGateway(sqliteConfig(clearPath, { openai: openaiAt(secret) }));
    await clear.close();
    expect(statSync(clearPath).mode & 0o777).toBe(0o600);
    expect(bytes(clearPath) + bytes(`${clearPath}-wal`)).toContain(secret);
  });
});

describe("config file and store", () => {
  test("afterwards the store wins over the file; --reset-store seeds it from the file again", async () => {
    const path = join(storeDir(), "config.db");
    const file = writeConfig(sqliteConfig(path, { openai: openaiAt("sk-file-pppp") }));
    const start = (resetStore = false) => startServer({ config: file, port: 0, host: "127.0.0.1", env: {}, resetStore });
    const a = await start();
    await a.bifrost.live.putProvider("openai", { keys: [{ name: "main", value: "sk-runtime-qqqq" }] }, "update");
    await a.stop(0);
    const b = await start();
    expect(b.bifrost.config.providers.get("openai")!.keys[0]!.value).toBe("sk-runtime-qqqq");
    await b.stop(0);
    const c = await start(true);
    expect(c.bifrost.config.providers.get("openai")!.keys[0]!.value).toBe("sk-file-pppp");
    await c.stop(0);
  });

  test("reloading the file applies it; an invalid file is rejected with the old config kept and a log line", async () => {
    const file = writeConfig({ providers: { openai: openaiAt("sk-v1-rrrr") } });
    const gw = await openGateway({ providers: { openai: openaiAt("sk-v1-rrrr") } });
    try {
      writeFileSync(file, JSON.stringify({ providers: { openai: openaiAt("sk-v2-ssss"), groq: openaiAt("gsk-v2") } }));
      expect(await reloadConfigFile(gw.bifrost, { config: file, env: {} })).toBe(true);
      expect(gw.bifrost.providers().map((p) => p.name)).toEqual(["openai", "groq"]);
      writeFileSync(file, JSON.stringify({ providers: { openai: { keys: [{ value: "x", weight: -1 }] } } }));
      expect(await reloadConfigFile(gw.bifrost, { config: file, env: {} })).toBe(false);
      expect(gw.output()).toContain("config reload rejected");
      expect(gw.bifrost.providers().map((p) => p.name)).toEqual(["openai", "groq"]);
      await chat(gw, "openai/gpt-4o-mini");
      expect(mock.requests.at(-1)!.headers.authorization).toBe("Bearer sk-v2-ssss");
    } finally {
      await gw.close();
    }
  });

  test("SIGHUP makes a running server re-read its config file", async () => {
    const dir = storeDir();
    const file = join(dir, "config.json");
    writeFileSync(file, JSON.stringify({ providers: { openai: openaiAt("sk-hup-1") } }));
    const proc = await startGateway({ args: ["--config", file] });
    try {
      writeFileSync(file, JSON.stringify({ providers: { openai: openaiAt("sk-hup-2"), groq: openaiAt("gsk-hup") } }));
      proc.proc.kill("SIGHUP");
      await eventually(async () => ((await (await fetch(`${proc.url}/api/providers`)).json()) as any).total === 2);
      expect(proc.output()).toContain("config reloaded");
    } finally {
      await proc.stop();
    }
  });
});

describe("/api/config, /api/version, /api/plugins", () => {
  test("client settings: live ones apply at once, the others say a restart is needed; both survive a restart", async () => {
    const path = join(storeDir(), "config.db");
    const gw = await openGateway(sqliteConfig(path, { openai: openaiAt("sk-cfg") }));
    try {
      const r = await send(gw, "PUT", "/api/config", { client_config: { drop_excess_requests: true, allowed_origins: ["https://a.example"] } });
      expect(r.status).toBe(200);
      const body = (await r.json()) as any;
      expect(body.applied).toEqual(["drop_excess_requests"]);
      expect(body.restart_required).toEqual(["allowed_origins"]);
      expect(gw.bifrost.config.client.dropExcessRequests).toBe(true);
      const bad = await send(gw, "PUT", "/api/config", { max_request_body_size_mb: -1 });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as any).error.param).toBe("max_request_body_size_mb");
      expect(await (await gw.fetch("/api/version")).json()).toMatch(/^v\d+\.\d+\.\d+/);
    } finally {
      await gw.close();
    }
    const again = await openGateway(sqliteConfig(path));
    try {
      const cfg = (await (await again.fetch("/api/config")).json()) as any;
      expect(cfg.client_config).toMatchObject({ drop_excess_requests: true, allowed_origins: ["https://a.example"] });
      expect(cfg.is_db_connected).toBe(true);
      expect(again.bifrost.config.client.allowedOrigins).toEqual(["https://a.example"]);
    } finally {
      await again.close();
    }
  });

  test("a plugin added through the API answers the next request, survives a restart, and can be removed", async () => {
    const path = join(storeDir(), "config.db");
    const gw = await openGateway(sqliteConfig(path, { openai: openaiAt("sk-plug") }));
    try {
      expect((await chat(gw, "mock/gpt-4o-mini")).status).toBe(400);
      const added = await send(gw, "POST", "/api/plugins", { name: "mocker", enabled: true, config: {} });
      expect(added.status).toBe(201);
      expect(((await added.json()) as any).state).toBe("active");
      expect((await chat(gw, "mock/gpt-4o-mini")).status).toBe(200);
      expect((await send(gw, "POST", "/api/plugins", { name: "mocker" })).status).toBe(409);
      expect((await send(gw, "POST", "/api/plugins", { enabled: true })).status).toBe(400);
      expect((await gw.fetch("/api/plugins/mocker")).status).toBe(200);
    } finally {
      await gw.close();
    }
    const again = await openGateway(sqliteConfig(path));
    try {
      expect((await chat(again, "mock/gpt-4o-mini")).status).toBe(200);
      expect((await send(again, "DELETE", "/api/plugins/mocker")).status).toBe(200);
      expect((await chat(again, "mock/gpt-4o-mini")).status).toBe(400);
      expect((await again.fetch("/api/plugins/mocker")).status).toBe(404);
    } finally {
      await again.close();
    }
  });
});
