/** Two replicas on one PostgreSQL config store: a change made on one reaches the other (LISTEN/NOTIFY: polling is set to a minute here, so only NOTIFY can pass). */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { SQL } from "bun";
import { openGateway, type Gateway } from "../support/gateway";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";
import { PG_ADMIN_URL, pgReachable } from "../support/postgres";

const ADMIN_URL = PG_ADMIN_URL;
const DB = `bifrost_test_${process.pid}_${Date.now()}`;
const up = await pgReachable("PostgreSQL config store tests");

let mock: MockUpstream;
let a: Gateway;
let b: Gateway;

const config = () => ({
  config_store: { enabled: true, type: "postgres", config: { host: "127.0.0.1", port: 5432, user: "postgres", password: "", db_name: DB, ssl_mode: "disable", poll_interval_ms: 60_000 } },
  providers: { openai: { keys: [{ name: "main", value: "sk-pg-seed-1111" }], network_config: { base_url: mock.url } } },
});

/** Polls until `check` holds, for at most 10 s. */
async function within10s(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("the change did not reach the other replica within 10 s");
    await Bun.sleep(25);
  }
}

const names = async (gw: Gateway) => ((await (await gw.fetch("/api/providers")).json()) as any).providers.map((p: any) => p.name).sort();
const send = (gw: Gateway, method: string, path: string, body?: unknown) =>
  gw.fetch(path, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
const chat = (gw: Gateway, model: string) => send(gw, "POST", "/v1/chat/completions", { model, messages: [{ role: "user", content: "hi" }] });

describe.skipIf(!up)("PostgreSQL config store", () => {
  beforeAll(async () => {
    const admin = new SQL(ADMIN_URL, { max: 1 });
    await admin.unsafe(`CREATE DATABASE ${DB}`);
    await admin.close();
    mock = await startMockUpstream();
    a = await openGateway(config());
    b = await openGateway(config());
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await mock?.stop();
    const admin = new SQL(ADMIN_URL, { max: 1 });
    await admin.unsafe(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    await admin.close();
  });

  beforeEach(() => mock.reset());

  test("a provider added on one replica serves requests on the other", async () => {
    expect((await send(a, "POST", "/api/providers", { provider: "groq", keys: [{ name: "g", value: "gsk-pg-2222" }], network_config: { base_url: mock.url } })).status).toBe(200);
    await within10s(async () => (await names(b)).includes("groq"));
    expect((await chat(b, "groq/llama-3.1-8b-instant")).status).toBe(200);
    expect(mock.requests.at(-1)!.headers.authorization).toBe("Bearer gsk-pg-2222");
  });

  test("an update and a delete on one replica reach the other", async () => {
    expect((await send(b, "PUT", "/api/providers/openai", { keys: [{ name: "main", value: "sk-pg-updated-3333" }] })).status).toBe(200);
    await within10s(async () => {
      await chat(a, "openai/gpt-4o-mini");
      return mock.requests.at(-1)!.headers.authorization === "Bearer sk-pg-updated-3333";
    });
    expect((await send(a, "DELETE", "/api/providers/groq")).status).toBe(200);
    await within10s(async () => !(await names(b)).includes("groq"));
    expect((await chat(b, "groq/llama-3.1-8b-instant")).status).toBe(400);
  });

  test("a restarted replica starts from the store, not the file", async () => {
    const c = await openGateway(config());
    try {
      await chat(c, "openai/gpt-4o-mini");
      expect(mock.requests.at(-1)!.headers.authorization).toBe("Bearer sk-pg-updated-3333");
    } finally {
      await c.close();
    }
  });
});
