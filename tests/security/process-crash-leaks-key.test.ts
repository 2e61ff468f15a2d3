/**
 * Finding 11.3: an unhandled promise rejection killed the server process, Bun's crash print wrote the
 * raw key to stderr past the redactor, and the supervisor exited too. Now the server process logs it
 * (redacted) and keeps serving; and the supervisor restarts a server process that dies after serving.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGateway, type GatewayProcess } from "../support/gateway";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";
import { eventually } from "../support/wait";

const KEY = "sk-crash-leak-0123456789";
let mock: MockUpstream;

beforeAll(async () => {
  mock = await startMockUpstream();
});
afterAll(async () => {
  await mock?.stop();
});

/** A plugin whose hooks leave a promise rejected with the provider key in it, and throw from a timer. */
function leakyPluginsDir(): string {
  const dir = join(mkdtempSync(join(tmpdir(), "bifrost-leaky-")), "plugins");
  mkdirSync(join(dir, "leaky"), { recursive: true });
  writeFileSync(join(dir, "leaky", "package.json"), JSON.stringify({ name: "leaky", version: "0.0.1", type: "module", main: "index.ts", bifrost: { apiVersion: 1, name: "leaky" } }));
  writeFileSync(
    join(dir, "leaky", "index.ts"),
    `export default {
  name: "leaky",
  setup() {
    return {
      preRequest() {
        // Nobody awaits this: an unhandled rejection carrying the key.
        Promise.reject(new Error("upstream refused key " + process.env.LEAKY_KEY));
        setTimeout(() => { throw new Error("timer failed with key " + process.env.LEAKY_KEY); }, 0);
      },
    };
  },
};
`,
  );
  return dir;
}

const chat = (url: string) =>
  fetch(url + "/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }) });

test("an unhandled rejection in a plugin: the server process keeps serving and stderr has no raw key", async () => {
  const gw = await startGateway({
    config: { providers: { openai: { keys: [{ value: "env.LEAKY_KEY" }], network_config: { base_url: mock.url } } }, plugins: [{ name: "leaky", enabled: true, config: {} }] },
    env: { LEAKY_KEY: KEY, BIFROST_PLUGINS_DIR: leakyPluginsDir() },
  });
  try {
    for (let i = 0; i < 3; i++) expect((await chat(gw.url)).status).toBe(200);
    await eventually(() => gw.output().includes("uncaught exception"));
    expect(gw.output()).toContain("unhandled promise rejection");
    expect(gw.proc.exitCode).toBeNull();
    expect((await fetch(gw.url + "/health")).status).toBe(200);
    expect(gw.output()).not.toContain(KEY);
  } finally {
    await gw.stop();
  }
});

test("the supervisor restarts a single server process that was killed, and still stops with SIGTERM", async () => {
  const gw = await startGateway({ config: { providers: { openai: { keys: [{ value: KEY }], network_config: { base_url: mock.url } } } } });
  try {
    const pids = () => [...gw.output().matchAll(/bifrost listening.* pid=(\d+)/g)].map((m) => Number(m[1]));
    await eventually(() => pids().length === 1);
    const first = pids()[0]!;
    expect(first).not.toBe(gw.proc.pid);
    process.kill(first, "SIGKILL");
    await eventually(() => pids().length === 2);
    expect(pids()[1]).not.toBe(first);
    expect(gw.output()).toContain(`server process ${first} exited`);
    await eventually(async () => (await chat(gw.url).catch(() => null))?.status === 200);
    expect(gw.proc.exitCode).toBeNull();
  } finally {
    expect(await gw.stop()).toBe(0);
  }
});

test("restart back-off doubles from 0.5 s and is capped at 30 s", async () => {
  const { restartDelayMs } = await import("../../src/supervisor");
  expect([1, 2, 3, 4].map(restartDelayMs)).toEqual([500, 1000, 2000, 4000]);
  expect(restartDelayMs(50)).toBe(30_000);
});
