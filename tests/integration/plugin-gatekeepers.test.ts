/**
 * What the contract gives a plugin that decides who may call and what (governance): errors with
 * their own headers on every dialect, key restriction per request, the model list per caller, a
 * credential it checks itself passing admin auth on inference, and prices before a call.
 */
import { describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { definePlugin, type Plugin, type PluginDefinition } from "bifrost/plugin";
import { Bifrost, createApp } from "../../src/index";
import { upstreamAndLogs } from "../support/upstream-and-logs";

const env = upstreamAndLogs();

const providers = () => ({
  openai: { keys: [{ name: "a", value: "sk-gk-aaaa1111" }, { name: "b", value: "sk-gk-bbbb2222" }], network_config: { base_url: env.mock.url } },
  anthropic: { keys: [{ value: "sk-gk-anth3333" }], network_config: { base_url: env.mock.url } },
});
const hooks = (name: string, plugin: Plugin): PluginDefinition => definePlugin({ name, setup: () => plugin });

async function serve(plugin: Plugin, extra: Record<string, unknown> = {}) {
  const bf = await Bifrost.create({ providers: providers(), plugins: [{ name: "gk" }], ...extra } as never, { workers: 0, plugins: { gk: hooks("gk", plugin) } });
  const app = createApp(bf);
  const server = app.listen({ port: 0, hostname: "127.0.0.1" });
  const url = `http://127.0.0.1:${server.server!.port}`;
  return { bf, url, app, close: async () => (await app.stop(), await bf.shutdown()) };
}

const limited = {
  status: 429,
  type: "rate_limit_error",
  code: "request_limited",
  message: "virtual key vk-1: 5 requests per 1m used",
  headers: { "retry-after": "42", "x-ratelimit-limit-requests": "5", "x-ratelimit-remaining-requests": "0" },
};

describe("an error with its own headers", () => {
  test("reaches the client with them on the OpenAI route and, in Anthropic's shape, on the Anthropic route", async () => {
    const gw = await serve({ preRequest: () => ({ error: limited, allowFallbacks: false }) });
    try {
      const res = await fetch(`${gw.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }) });
      expect(res.status).toBe(429);
      expect(res.headers.get("retry-after")).toBe("42");
      expect(res.headers.get("x-ratelimit-remaining-requests")).toBe("0");
      expect(((await res.json()) as any).error.code).toBe("request_limited");

      const anthropic = new Anthropic({ apiKey: "unused", baseURL: `${gw.url}/anthropic`, maxRetries: 0 });
      const err = await anthropic.messages.create({ model: "anthropic/claude-3-5-haiku-latest", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }).catch((e) => e);
      expect(err).toBeInstanceOf(Anthropic.RateLimitError);
      expect(err.headers.get("retry-after")).toBe("42");
      expect(err.error).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
      expect(env.mock.requests).toHaveLength(0);
    } finally {
      await gw.close();
    }
  });
});

describe("rctx.restrictKeys", () => {
  test("only the named provider keys serve the request", async () => {
    const gw = await serve({ preRequest: (_req, rctx) => void rctx.restrictKeys(["b"]) });
    try {
      for (let i = 0; i < 6; i++) await gw.bf.chat({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: `hi ${i}` }] });
      expect(env.mock.requests.map((r) => r.headers.authorization)).toEqual(Array(6).fill("Bearer sk-gk-bbbb2222"));
    } finally {
      await gw.close();
    }
  });
});

describe("listModels", () => {
  test("a plugin narrows GET /v1/models to what the caller may use, or refuses it", async () => {
    const gw = await serve({
      listModels(models, caller) {
        if (!caller.header("x-bf-vk")) return { error: { status: 401, type: "authentication_error", code: "virtual_key_required", message: "a virtual key is required" } };
        return { models: models.filter((m) => m.id.startsWith("anthropic/")) };
      },
    });
    try {
      expect((await fetch(`${gw.url}/v1/models`)).status).toBe(401);
      const list: any = await (await fetch(`${gw.url}/v1/models`, { headers: { "x-bf-vk": "sk-bf-test" } })).json();
      expect(list.data.length).toBeGreaterThan(0);
      expect(list.data.every((m: { id: string }) => m.id.startsWith("anthropic/"))).toBe(true);
    } finally {
      await gw.close();
    }
  });
});

describe("acceptsCredential", () => {
  const auth = { auth_config: { is_enabled: true, admin_username: "admin", admin_password: "gk-password-1" } };

  test("with admin auth on inference, a credential the plugin checks itself goes on to it; others are still refused", async () => {
    const seen: string[] = [];
    const gw = await serve(
      {
        acceptsCredential: (v) => v.startsWith("sk-bf-"),
        preRequest: (_req, rctx) => {
          const vk = rctx.headers["x-bf-vk"] ?? rctx.headers.authorization?.slice(7);
          seen.push(vk ?? "");
          if (vk !== "sk-bf-good") return { error: { status: 403, code: "virtual_key_not_found", message: "virtual key not found" }, allowFallbacks: false };
        },
      },
      auth,
    );
    const chat = (headers: Record<string, string>) =>
      fetch(`${gw.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }) });
    try {
      expect((await chat({ authorization: "Bearer sk-bf-good" })).status).toBe(200);
      expect((await chat({ "x-bf-vk": "sk-bf-good" })).status).toBe(200);
      expect((await chat({ authorization: "Bearer sk-bf-bad" })).status).toBe(403);
      // Not a credential the plugin checks: the admin guard answers, and the plugin never sees it.
      expect((await chat({ authorization: "Bearer not-a-session" })).status).toBe(401);
      expect((await chat({})).status).toBe(401);
      expect(seen).toEqual(["sk-bf-good", "sk-bf-good", "sk-bf-bad"]);
    } finally {
      await gw.close();
    }
  });
});

describe("ctx.pricing", () => {
  test("a plugin prices a model by its configured provider name and estimates a request's input before the call", async () => {
    let seen: { price: number | null; estimate: number; cost: number | null } | null = null;
    const plugin = definePlugin({
      name: "pricer",
      setup: (ctx) => ({
        preRequest(req) {
          const price = ctx.pricing.priceOf("openai", "gpt-4o-mini", "chat");
          const estimate = ctx.pricing.estimateInputTokens(req);
          const cost = price ? ctx.pricing.costOf(price, "chat", { prompt_tokens: estimate, completion_tokens: 100, total_tokens: estimate + 100 })?.total_cost ?? null : null;
          seen = { price: price?.input ?? null, estimate, cost };
        },
      }),
    });
    const bf = await Bifrost.create({ providers: providers(), plugins: [{ name: "pricer" }] } as never, { workers: 0, plugins: { pricer: plugin } });
    try {
      await bf.chat({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "a question of about forty characters long" }] });
      expect(seen!.price).toBeGreaterThan(0);
      expect(seen!.estimate).toBe(Math.ceil(41 / 4) + 3);
      expect(seen!.cost).toBeCloseTo(seen!.estimate * seen!.price! + 100 * 0.6e-6, 12);
    } finally {
      await bf.shutdown();
    }
  });
});

describe("routing by a pre-hook", () => {
  test("fallbacks a primary's pre-hook sets replace the client's (a virtual key's provider weights)", async () => {
    const gw = await serve({
      preRequest: (req, rctx) => (rctx.isFallback ? undefined : { request: { ...req, model: "openai/gpt-4o-mini", fallbacks: ["anthropic/claude-3-5-haiku-latest"] } }),
    });
    try {
      env.mock.fault({ status: 500, times: 1, match: { model: "gpt-4o-mini" } });
      const res = await gw.bf.chat({ model: "gpt-4o-mini", messages: [{ role: "user", content: "route me" }], fallbacks: ["openai/gpt-4o"] });
      expect(res.extra_fields?.provider).toBe("anthropic");
      expect(env.mock.requests.map((r) => r.body.model)).toEqual(["gpt-4o-mini", "claude-3-5-haiku-latest"]);
    } finally {
      await gw.close();
    }
  });
});

describe("identify and rctx.principal", () => {
  test("the first plugin's owner wins, a refusal is thrown, and a request run for an owner shows it to the plugins", async () => {
    const seen: Array<string | null | undefined> = [];
    const gw = await serve({
      identify: (caller) => {
        const who = caller.header("x-who");
        if (who === "nobody") return { error: { status: 401, type: "authentication_error", code: "who_required", message: "say who" } };
        if (who) return { owner: `vk:${who}` };
      },
      preRequest: (_req, rctx) => void seen.push(rctx.principal),
    });
    try {
      const { callerOf } = await import("../../src/plugins/caller");
      expect(await gw.bf.pipeline.runIdentify(callerOf(new Headers({ "x-who": "alice" })))).toBe("vk:alice");
      expect(await gw.bf.pipeline.runIdentify(callerOf(new Headers()))).toBeNull();
      expect(await gw.bf.pipeline.runIdentify(callerOf(new Headers({ "x-who": "nobody" }))).catch((e) => e.code)).toBe("who_required");
      const body = { model: "openai/gpt-4o-mini", messages: [{ role: "user" as const, content: "hi" }] };
      await gw.bf.request("chat", body, { principal: "vk:alice" });
      // Over HTTP there is no way to set it: only the gateway runs requests for an owner.
      await fetch(`${gw.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", principal: "vk:mallory" }, body: JSON.stringify(body) });
      expect(seen).toEqual(["vk:alice", null]);
    } finally {
      await gw.close();
    }
  });
});
