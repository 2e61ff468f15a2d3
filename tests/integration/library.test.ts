/** The gateway in-process, as a TypeScript library: the same object the HTTP server serves. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Bifrost, BifrostError } from "../../src/index";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";

let mock: MockUpstream;
beforeAll(async () => {
  mock = await startMockUpstream();
});
afterAll(async () => {
  await mock?.stop();
});

const config = () => ({
  providers: {
    openai: { keys: [{ name: "main", value: "env.LIB_OPENAI_KEY", models: ["*"], weight: 1 }], network_config: { base_url: mock.url } },
    anthropic: { keys: [{ value: "sk-ant-lib" }], network_config: { base_url: mock.url } },
  },
});

for (const workers of [0, 2]) {
  describe(`Bifrost.create with ${workers === 0 ? "calls on this thread" : `${workers} workers`}`, () => {
    let bf: Bifrost;
    beforeAll(async () => {
      bf = await Bifrost.create(config(), { env: { LIB_OPENAI_KEY: "sk-lib-123" }, workers });
    });
    afterAll(() => bf.shutdown());

    test("chat", async () => {
      const res = await bf.chat({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hello lib" }] });
      expect(res.choices[0]!.message.content).toStartWith("mock reply to: hello lib");
      expect(res.extra_fields!.provider).toBe("openai");
    });

    test("chatStream yields canonical chunks, from Anthropic too", async () => {
      let text = "";
      for await (const c of bf.chatStream({ model: "anthropic/claude-3-5-haiku-latest", messages: [{ role: "user", content: "stream lib" }] })) {
        text += c.choices[0]?.delta?.content ?? "";
      }
      expect(text).toStartWith("mock reply to: stream lib");
    });

    test("embeddings and models", async () => {
      const e = await bf.embeddings({ model: "openai/text-embedding-3-small", input: "x" });
      expect(e.data).toHaveLength(1);
      const models = await bf.listModels();
      expect(models.data.map((m) => m.id)).toContain("openai/gpt-4o");
    });

    test("errors are thrown as BifrostError with the status", async () => {
      const err = await bf.chat({ model: "nobody/none", messages: [{ role: "user", content: "x" }] }).catch((e) => e);
      expect(err).toBeInstanceOf(BifrostError);
      expect(err.status).toBe(400);
      const invalid = await bf.chat({ model: "openai/gpt-4o-mini", messages: [] } as any).catch((e) => e);
      expect(invalid.status).toBe(400);
      expect(invalid.param).toBe("messages");
    });

    test("an aborted call rejects and frees its slot", async () => {
      mock.fault({ delayMs: 2000 });
      const ctrl = new AbortController();
      const p = bf.chat({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "slow" }] }, { signal: ctrl.signal });
      setTimeout(() => ctrl.abort(), 50);
      const err = await p.catch((e) => e);
      expect(err).toBeInstanceOf(BifrostError);
      expect(bf.queueStats("openai")!.in_flight).toBe(0);
      mock.clearFaults();
    });
  });
}

test("Bifrost.create() with no config reads the environment", async () => {
  const bf = await Bifrost.create(undefined, { env: { ANTHROPIC_API_KEY: "sk-ant-env", ANTHROPIC_BASE_URL: mock.url }, workers: 0 });
  try {
    expect(bf.providers().map((p) => p.name)).toEqual(["anthropic"]);
    const res = await bf.chat({ model: "claude-3-5-haiku-latest", messages: [{ role: "user", content: "env" }] });
    expect(res.extra_fields!.provider).toBe("anthropic");
  } finally {
    await bf.shutdown();
  }
});

test("custom_provider_config.allowed_requests limits what a custom provider serves", async () => {
  const bf = await Bifrost.create(
    {
      providers: {
        "chat-only": {
          keys: [{ value: "sk-custom-1" }],
          custom_provider_config: { base_provider_type: "openai", allowed_requests: { chat_completion: true, embedding: false } },
          network_config: { base_url: mock.url },
        },
      },
    },
    { workers: 0 },
  );
  try {
    expect((await bf.chat({ model: "chat-only/gpt-4o-mini", messages: [{ role: "user", content: "x" }] })).extra_fields!.provider).toBe("chat-only");
    const e = await bf.embeddings({ model: "chat-only/text-embedding-3-small", input: "x" }).catch((x) => x);
    expect(e.status).toBe(400);
    expect(e.message).toContain("does not support embedding");
  } finally {
    await bf.shutdown();
  }
});
