/**
 * What the dashboard's Providers page relies on in /api/providers: each key's recent error rate
 * (key_stats, on both transports), and edits that send masked values back keeping the stored ones
 * (a key without a name, a renamed key, a base_url with credentials or from env.X).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { openGateway, type Gateway } from "../support/gateway";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";

let mock: MockUpstream;
beforeAll(async () => void (mock = await startMockUpstream()));
afterAll(() => mock?.stop());
beforeEach(() => mock.reset());

const send = (gw: Gateway, method: string, path: string, body?: unknown) =>
  gw.fetch(path, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
const read = async (gw: Gateway, name: string) => (await (await gw.fetch(`/api/providers/${name}`)).json()) as any;

async function chat(gw: Gateway, model: string, keyName?: string) {
  const res = await gw.fetch("/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json", ...(keyName ? { "x-bf-api-key-id": keyName } : {}) },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
  });
  await res.arrayBuffer();
  return res.status;
}

describe("key_stats: each key's requests and errors in the last five minutes", () => {
  for (const workers of [0, 1]) {
    test(`counts every attempt's outcome per key, retries included (${workers ? "worker" : "in-process"} transport)`, async () => {
      const gw = await openGateway(
        {
          providers: {
            openai: {
              keys: [
                { name: "flaky", value: "sk-flaky-1111", models: ["*"] },
                { name: "steady", value: "sk-steady-2222", models: ["*"] },
              ],
              network_config: { base_url: mock.url, max_retries: 1, retry_backoff_initial: 1, retry_backoff_max: 1 },
            },
          },
        },
        { workers },
      );
      try {
        const before = await read(gw, "openai");
        expect(before.key_stats).toEqual([
          { key: "flaky", requests: 0, errors: 0, error_rate: null, window_seconds: 300 },
          { key: "steady", requests: 0, errors: 0, error_rate: null, window_seconds: 300 },
        ]);
        // Pinned to "flaky": a 500 then its retry's 200 (two attempts, one error), then a 500 twice (two errors).
        mock.fault({ status: 500 });
        expect(await chat(gw, "openai/gpt-4o-mini", "flaky")).toBe(200);
        mock.fault({ status: 503, times: 2 });
        expect(await chat(gw, "openai/gpt-4o-mini", "flaky")).toBe(503);
        // A 400 from the upstream is an error of the attempt too (though not of the circuit).
        mock.fault({ status: 400 });
        expect(await chat(gw, "openai/gpt-4o-mini", "flaky")).toBe(400);
        expect(await chat(gw, "openai/gpt-4o-mini", "steady")).toBe(200);
        expect(await chat(gw, "openai/gpt-4o-mini", "steady")).toBe(200);

        const after = await read(gw, "openai");
        expect(after.key_stats).toEqual([
          { key: "flaky", requests: 5, errors: 4, error_rate: 0.8, window_seconds: 300 },
          { key: "steady", requests: 2, errors: 0, error_rate: 0, window_seconds: 300 },
        ]);
        // The list carries it too, beside the circuits.
        const list = (await (await gw.fetch("/api/providers")).json()) as any;
        expect(list.providers[0].key_stats[0]).toMatchObject({ key: "flaky", errors: 4 });
        expect(list.providers[0].circuits.find((c: any) => c.key === "flaky").consecutive_failures).toBe(0);
        // A change that leaves a key as it was keeps its window; a changed key starts a new one.
        const keys = after.keys.map((k: any) => (k.name === "steady" ? { ...k, weight: 3 } : k));
        expect((await send(gw, "PUT", "/api/providers/openai", { keys })).status).toBe(200);
        expect((await read(gw, "openai")).key_stats.map((s: any) => [s.key, s.requests])).toEqual([["flaky", 5], ["steady", 0]]);
      } finally {
        await gw.close();
      }
    });
  }
});

describe("masked values sent back keep the stored ones", () => {
  test("every key reads with an id and a name; a key without either keeps its name and value through a round trip", async () => {
    const gw = await openGateway({ providers: { openai: { keys: [{ value: "sk-nameless-3333" }], network_config: { base_url: mock.url } } } });
    try {
      const shown = await read(gw, "openai");
      expect(shown.keys).toHaveLength(1);
      expect(shown.keys[0]).toMatchObject({ name: "openai-key-0", value: "********" });
      expect(shown.keys[0].id).toMatch(/^[0-9a-f-]{36}$/);
      expect((await send(gw, "PUT", "/api/providers/openai", { keys: shown.keys })).status).toBe(200);
      expect(await chat(gw, "openai/gpt-4o-mini", "openai-key-0")).toBe(200);
      expect(mock.requests.at(-1)!.headers.authorization).toBe("Bearer sk-nameless-3333");
      expect((await read(gw, "openai")).keys[0].id).toBe(shown.keys[0].id);
    } finally {
      await gw.close();
    }
  });

  test("a key renamed with its value left masked keeps the value (matched by id); a masked value matching no key is a 400", async () => {
    const gw = await openGateway({ providers: { openai: { keys: [{ name: "old-name", value: "sk-renamed-4444" }], network_config: { base_url: mock.url } } } });
    try {
      const [key] = (await read(gw, "openai")).keys;
      const renamed = await send(gw, "PUT", "/api/providers/openai", { keys: [{ ...key, name: "new-name", models: ["gpt-4o-mini"], weight: 2 }] });
      expect(renamed.status).toBe(200);
      const after = (await renamed.json()) as any;
      expect(after.keys).toEqual([{ id: key.id, name: "new-name", value: "********", models: ["gpt-4o-mini"], weight: 2 }]);
      expect(await chat(gw, "openai/gpt-4o-mini", "new-name")).toBe(200);
      expect(mock.requests.at(-1)!.headers.authorization).toBe("Bearer sk-renamed-4444");

      const orphan = await send(gw, "PUT", "/api/providers/openai", { keys: [{ name: "never-stored", value: "********" }] });
      expect(orphan.status).toBe(400);
      const err = ((await orphan.json()) as any).error;
      expect(err.param).toBe("keys[0].value");
      expect(err.message).toContain("no stored key has this id or name");
      expect((await read(gw, "openai")).keys[0].name).toBe("new-name");
    } finally {
      await gw.close();
    }
  });

  test("network_config sent back as read keeps a base_url with credentials, from env.X, or left to the default", async () => {
    const withCreds = mock.url.replace("http://", "http://user:pa55@");
    const gw = await openGateway(
      {
        providers: {
          openai: { keys: [{ name: "k", value: "sk-5555" }], network_config: { base_url: withCreds } },
          groq: { keys: [{ name: "g", value: "gsk-6666" }], network_config: { base_url: "env.GROQ_URL" } },
          mistral: { keys: [{ name: "m", value: "ms-7777" }] },
        },
      },
      { env: { GROQ_URL: mock.url } },
    );
    try {
      for (const name of ["openai", "groq", "mistral"]) {
        const shown = await read(gw, name);
        const put = await send(gw, "PUT", `/api/providers/${name}`, { network_config: { ...shown.network_config, max_retries: 4 } });
        expect(put.status).toBe(200);
        expect(((await put.json()) as any).network_config.max_retries).toBe(4);
      }
      const raw = gw.bifrost.live.providerConfigs();
      expect(raw.openai!.network_config!.base_url).toBe(withCreds);
      expect(raw.groq!.network_config!.base_url).toBe("env.GROQ_URL");
      expect(raw.mistral!.network_config!.base_url).toBeUndefined();
      expect(await chat(gw, "openai/gpt-4o-mini")).toBe(200);
      expect(mock.requests.at(-1)!.headers.authorization).toBe("Bearer sk-5555");
      // A new URL does replace it.
      expect((await send(gw, "PUT", "/api/providers/mistral", { network_config: { base_url: mock.url } })).status).toBe(200);
      expect((await read(gw, "mistral")).base_url).toBe(mock.url);
    } finally {
      await gw.close();
    }
  });
});
