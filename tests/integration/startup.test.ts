/** Starting the server as a user would: flags, environment, config files good and bad, stopping. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runGatewayToExit, startGateway, writeConfig } from "../support/gateway";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";
import { eventually } from "../support/wait";

let mock: MockUpstream;
beforeAll(async () => {
  mock = await startMockUpstream();
});
afterAll(async () => {
  await mock?.stop();
});

const chat = (url: string, model: string) =>
  fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
  });

describe("invalid configuration stops the server", () => {
  test("with exit code 1 and one line per problem naming its JSON path", async () => {
    const path = writeConfig({ providers: { openai: { keys: [{ value: "k", weight: "heavy" }], network_config: { default_request_timeout_in_seconds: "soon" } } } });
    const { code, output } = await runGatewayToExit(["--config", path, "--port", "0"]);
    expect(code).toBe(1);
    expect(output).toContain("providers.openai.keys[0].weight: expected number");
    expect(output).toContain("providers.openai.network_config.default_request_timeout_in_seconds: expected number");
    expect(output).not.toContain("    at "); // no stack trace
  });

  test("an env.X that is unset names the key", async () => {
    const path = writeConfig({ providers: { anthropic: { keys: [{ value: "env.MISSING_ANTHROPIC_KEY" }] } } });
    const { code, output } = await runGatewayToExit(["--config", path, "--port", "0"]);
    expect(code).toBe(1);
    expect(output).toContain("providers.anthropic.keys[0].value: environment variable MISSING_ANTHROPIC_KEY is not set");
  });

  test("a file that is not JSON", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bifrost-bad-"));
    writeFileSync(join(dir, "config.json"), "{ providers: ");
    const { code, output } = await runGatewayToExit(["--app-dir", dir, "--port", "0"]);
    expect(code).toBe(1);
    expect(output).toContain("not valid JSON");
  });

  test("a bad flag is a usage error", async () => {
    const { code, output } = await runGatewayToExit(["--port", "eighty"]);
    expect(code).toBe(2);
    expect(output).toContain("--port: expected a whole number");
  });
});

describe("where the config comes from", () => {
  test("no file: providers from the usual environment variables", async () => {
    const gw = await startGateway({ env: { OPENAI_API_KEY: "sk-env-only-123456", OPENAI_BASE_URL: `${mock.url}/v1` } });
    try {
      const r = await chat(gw.url, "openai/gpt-4o-mini");
      expect(r.status).toBe(200);
      expect(gw.output()).toContain("providers=openai");
    } finally {
      expect(await gw.stop()).toBe(0);
    }
  });

  test("--app-dir DIR reads DIR/config.json; warnings name unknown keys", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bifrost-app-"));
    writeFileSync(join(dir, "config.json"), JSON.stringify({ providers: { openai: { keys: [{ value: "sk-appdir-key", colour: "blue" }], network_config: { base_url: mock.url } } } }));
    const gw = await startGateway({ args: ["--app-dir", dir] });
    try {
      expect((await chat(gw.url, "openai/gpt-4o-mini")).status).toBe(200);
      expect(gw.output()).toContain("providers.openai.keys[0].colour: unknown key");
    } finally {
      await gw.stop();
    }
  });

  test("BIFROST_CONFIG names the file", async () => {
    const path = writeConfig({ providers: { groq: { keys: [{ value: "gsk-123456" }], network_config: { base_url: mock.url } } } });
    const gw = await startGateway({ env: { BIFROST_CONFIG: path } });
    try {
      const r = await chat(gw.url, "groq/llama-3.1-8b-instant");
      expect(r.status).toBe(200);
      expect(mock.requests.at(-1)!.path).toBe("/v1/chat/completions");
    } finally {
      await gw.stop();
    }
  });
});

test("SIGTERM lets an in-flight request finish, then exits 0", async () => {
  const path = writeConfig({ providers: { openai: { keys: [{ value: "sk-sigterm-1" }], network_config: { base_url: mock.url } } } });
  const gw = await startGateway({ args: ["--config", path] });
  const release = Promise.withResolvers<void>();
  mock.fault({ until: release.promise });
  const sent = mock.requests.length;
  const pending = chat(gw.url, "openai/gpt-4o-mini");
  await eventually(() => mock.requests.length > sent); // in flight, held at the upstream
  gw.proc.kill("SIGTERM");
  await eventually(() => gw.output().includes("SIGTERM received"));
  release.resolve();
  const r = await pending;
  expect(r.status).toBe(200);
  expect(await gw.proc.exited).toBe(0);
});

test("--cluster 2 runs two server processes on one port; SIGTERM stops both and exits 0", async () => {
  const path = writeConfig({ providers: { openai: { keys: [{ value: "sk-cluster-1" }], network_config: { base_url: mock.url } } } });
  const gw = await startGateway({ args: ["--config", path, "--cluster", "2"] });
  try {
    const deadline = Date.now() + 10_000;
    while ((gw.output().match(/bifrost listening/g) ?? []).length < 2 && Date.now() < deadline) await Bun.sleep(50);
    const pids = new Set([...gw.output().matchAll(/pid=(\d+)/g)].map((m) => m[1]));
    expect(pids.size).toBe(2);
    const results = await Promise.all(Array.from({ length: 20 }, () => chat(gw.url, "openai/gpt-4o-mini")));
    expect(results.every((r) => r.status === 200)).toBe(true);
  } finally {
    expect(await gw.stop()).toBe(0);
  }
});
