/** The plugin contract's semantics: order, short-circuits, rewrites, per-chunk hooks, isolation, config. */
import { describe, expect, test } from "bun:test";
import { definePlugin, t, type Plugin, type PluginDefinition } from "bifrost/plugin";
import { Bifrost, BifrostError, createApp } from "../../src/index";
import { upstreamAndLogs } from "../support/upstream-and-logs";

const env = upstreamAndLogs();
const logs = env.logs;

const providers = () => ({
  openai: { keys: [{ value: "sk-plug-1" }], network_config: { base_url: env.mock.url } },
  anthropic: { keys: [{ value: "sk-plug-2" }], network_config: { base_url: env.mock.url } },
});
const ask = (content = "hi", extra: Record<string, unknown> = {}) => ({ model: "openai/gpt-4o-mini", messages: [{ role: "user" as const, content }], ...extra });

async function gateway(plugins: Record<string, PluginDefinition>, entries: Array<Record<string, unknown>>) {
  return Bifrost.create({ providers: providers(), plugins: entries as any }, { workers: 0, plugins });
}

/** A plugin whose setup returns these hooks. */
const hooks = (name: string, plugin: Plugin, options: Partial<PluginDefinition> = {}) => definePlugin({ name, ...options, setup: () => plugin });

/** A plugin that records when its hooks run. */
function tracer(name: string, trace: string[], extra: Plugin = {}): PluginDefinition {
  return hooks(name, {
    preRequest: () => void trace.push(`pre:${name}`),
    postResponse: () => void trace.push(`post:${name}`),
    ...extra,
  });
}

describe("order", () => {
  test("pre-hooks run by placement then order; post-hooks in reverse", async () => {
    const trace: string[] = [];
    const bf = await gateway(
      { a: tracer("a", trace), b: tracer("b", trace), c: tracer("c", trace) },
      [
        { name: "a", placement: "post_builtin", order: 0 },
        { name: "b", placement: "builtin", order: 2 },
        { name: "c", placement: "builtin", order: 1 },
      ],
    );
    await bf.chat(ask());
    expect(trace).toEqual(["pre:c", "pre:b", "pre:a", "post:a", "post:b", "post:c"]);
    await bf.shutdown();
  });
});

describe("short-circuits", () => {
  test("a response short-circuit skips the upstream; only the plugins that ran get their post-hook", async () => {
    const trace: string[] = [];
    const canned = { id: "x", object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, message: { role: "assistant", content: "canned" }, finish_reason: "stop" }] };
    const bf = await gateway(
      { first: tracer("first", trace), cache: tracer("cache", trace, { preRequest: () => (trace.push("pre:cache"), { response: canned }) }), last: tracer("last", trace) },
      [{ name: "first" }, { name: "cache" }, { name: "last" }],
    );
    const res = await bf.chat(ask());
    expect(res.choices[0]!.message.content).toBe("canned");
    expect(env.mock.requests).toHaveLength(0);
    expect(trace).toEqual(["pre:first", "pre:cache", "post:cache", "post:first"]);
    // The same short-circuit answers a stream request as a stream.
    let text = "";
    for await (const c of bf.chatStream(ask("s"))) text += c.choices[0]?.delta?.content ?? "";
    expect(text).toBe("canned");
    await bf.shutdown();
  });

  test("an error short-circuit may forbid fallbacks", async () => {
    for (const allowFallbacks of [false, true]) {
      env.mock.reset();
      const bf = await gateway(
        { gate: hooks("gate", { preRequest: (_r, ctx) => (ctx.isFallback ? undefined : { error: { status: 403, message: "blocked" }, allowFallbacks }) }) },
        [{ name: "gate" }],
      );
      const out = await bf.chat(ask("x", { fallbacks: ["anthropic/claude-3-5-haiku-latest"] })).catch((e) => e);
      if (allowFallbacks) expect(out.extra_fields.provider).toBe("anthropic");
      else {
        expect(out).toBeInstanceOf(BifrostError);
        expect(out.status).toBe(403);
        expect(env.mock.requests).toHaveLength(0);
      }
      await bf.shutdown();
    }
  });

  test("a stream short-circuit", async () => {
    async function* chunks() {
      for (const w of ["one", " two"]) yield { id: "s", object: "chat.completion.chunk" as const, created: 1, model: "m", choices: [{ index: 0, delta: { content: w }, finish_reason: null }] };
    }
    const bf = await gateway({ s: hooks("s", { preRequest: () => ({ stream: chunks() }) }) }, [{ name: "s" }]);
    let text = "";
    for await (const c of bf.chatStream(ask())) text += c.choices[0]?.delta?.content ?? "";
    expect(text).toBe("one two");
    await bf.shutdown();
  });
});

describe("rewrites", () => {
  test("a pre-hook rewrites the request the upstream sees, and may re-route it", async () => {
    const bf = await gateway(
      {
        sys: hooks("sys", { preRequest: (req: any) => ({ request: { ...req, messages: [{ role: "system", content: "be terse" }, ...req.messages] } }) }),
        route: hooks("route", { preRequest: (req: any) => (req.messages.at(-1).content === "to claude" ? { request: { ...req, model: "anthropic/claude-3-5-haiku-latest" } } : undefined) }),
      },
      [{ name: "sys" }, { name: "route" }],
    );
    await bf.chat(ask());
    expect(env.mock.requests[0]!.body.messages[0]).toEqual({ role: "system", content: "be terse" });
    const res = await bf.chat(ask("to claude"));
    expect(res.extra_fields!.provider).toBe("anthropic");
    expect(env.mock.requests[1]!.path).toBe("/v1/messages");
    await bf.shutdown();
  });

  test("a post-hook rewrites the response, turns an error into a response and a response into an error", async () => {
    const bf = await gateway(
      {
        fix: hooks("fix", {
          postResponse: (res: any, err) => {
            if (err) return { response: { id: "r", object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, message: { role: "assistant", content: `recovered from ${err.status}` }, finish_reason: "stop" }] } };
            if (res.choices[0].message.content.includes("forbidden")) return { error: { status: 451, message: "not here" } };
            res.choices[0].message.content = res.choices[0].message.content.toUpperCase();
            return { response: res };
          },
        }),
      },
      [{ name: "fix" }],
    );
    expect((await bf.chat(ask("hello"))).choices[0]!.message.content).toStartWith("MOCK REPLY TO: HELLO");
    env.mock.fault({ status: 500 });
    expect((await bf.chat(ask())).choices[0]!.message.content).toBe("recovered from 500");
    const e = await bf.chat(ask("forbidden")).catch((x) => x);
    expect(e.status).toBe(451);
    await bf.shutdown();
  });
});

describe("per-chunk hooks", () => {
  test("rewrite in place, replace, drop and end", async () => {
    const bf = await gateway(
      {
        chunks: hooks("chunks", {
          onStreamChunk: (c) => {
            const t = c.choices[0]?.delta?.content;
            if (t?.includes("to:")) return { drop: true };
            if (t?.includes("stop")) return { end: true };
            if (t?.includes("alpha")) return { chunk: { ...c, choices: [{ ...c.choices[0]!, delta: { content: `${t.toUpperCase()}!` } }] } };
            if (t) c.choices[0]!.delta.content = t.toUpperCase(); // in place: nothing to return
          },
        }),
      },
      [{ name: "chunks" }],
    );
    let text = "";
    for await (const c of bf.chatStream(ask("alpha stop beta"))) text += c.choices[0]?.delta?.content ?? "";
    expect(text).toBe("MOCK REPLY ALPHA!");
    await bf.shutdown();
  });
});

describe("HTTP hooks", () => {
  test("onHttpRequest may answer before the route; onHttpResponse runs in reverse and may replace the answer", async () => {
    const trace: string[] = [];
    const bf = await gateway(
      {
        gate: hooks("gate", { onHttpRequest: (req) => (new URL(req.url).pathname === "/blocked" ? { response: new Response("no", { status: 418 }) } : undefined) }),
        tag: hooks("tag", { onHttpResponse: (_req, res) => void trace.push(`tag:${res.status}`) }),
        swap: hooks("swap", { onHttpResponse: (req, res) => (trace.push("swap"), new URL(req.url).pathname === "/nope" ? { response: new Response("swapped", { status: res.status }) } : undefined) }),
      },
      [{ name: "gate" }, { name: "tag" }, { name: "swap" }],
    );
    const app = createApp(bf);
    const blocked = await app.handle(new Request("http://localhost/blocked"));
    expect(blocked.status).toBe(418);
    expect(await blocked.text()).toBe("no");
    trace.length = 0;
    const other = await app.handle(new Request("http://localhost/nope"));
    expect(await other.text()).toBe("swapped");
    expect(trace).toEqual(["swap", "tag:404"]);
    await bf.shutdown();
  });
});

describe("isolation", () => {
  test("a plugin that throws or overruns its budget is logged by name and skipped", async () => {
    const bf = await gateway(
      {
        boom: hooks("boom", { preRequest: () => { throw new Error("kaput"); } }),
        slow: hooks("slow", { preRequest: () => Bun.sleep(500).then(() => ({ error: { status: 500, message: "too late" } })) }, { timeoutMs: 50 }),
      },
      [{ name: "boom" }, { name: "slow" }],
    );
    const res = await bf.chat(ask());
    expect(res.choices[0]!.message.content).toStartWith("mock reply");
    expect(logs.some((l) => l.includes("plugin boom: preRequest failed, skipped") && l.includes("kaput"))).toBe(true);
    expect(logs.some((l) => l.includes("plugin slow: preRequest failed, skipped") && l.includes("50 ms budget"))).toBe(true);
    await bf.shutdown();
  });

  test("a result outside the contract (here the old { respond }) is a failed hook: logged by name, skipped", async () => {
    const old = hooks("old", { preRequest: () => ({ respond: { id: "x" } }) as any });
    const bf = await gateway({ old }, [{ name: "old" }]);
    expect((await bf.chat(ask())).choices[0]!.message.content).toStartWith("mock reply");
    expect(logs.some((l) => l.includes("plugin old: preRequest failed, skipped") && l.includes("request, response, stream or error"))).toBe(true);
    await bf.shutdown();
  });

  test("a critical plugin's failure fails the request", async () => {
    const bf = await gateway({ must: hooks("must", { preRequest: () => { throw new Error("no"); } }, { critical: true }) }, [{ name: "must" }]);
    const e = await bf.chat(ask()).catch((x) => x);
    expect(e.status).toBe(500);
    expect(e.code).toBe("plugin_failed");
    await bf.shutdown();
  });

  test("a plugin that fails to load is reported and the gateway starts without it; a required one stops it", async () => {
    const broken = definePlugin({ name: "broken", setup: () => { throw new Error("cannot start"); } });
    const bf = await gateway({ broken }, [{ name: "broken" }]);
    expect(bf.plugins.list()[0]).toMatchObject({ name: "broken", state: "failed", error: "cannot start" });
    expect((await bf.chat(ask())).object).toBe("chat.completion");
    await bf.shutdown();
    expect(gateway({ broken }, [{ name: "broken", required: true }])).rejects.toThrow("plugin broken is required and failed to load");
  });
});

describe("config", () => {
  const configured = definePlugin({
    name: "configured",
    config: t.Object({ prefix: t.String({ minLength: 1 }), times: t.Integer({ default: 1 }) }),
    setup: ({ config }) => ({
      preRequest: (req: any) => ({ request: { ...req, messages: [...req.messages, { role: "user", content: config.prefix.repeat(config.times) }] } }),
    }),
  });

  test("plugins[].config is validated against the plugin's schema before setup runs; errors name the plugin and the path", async () => {
    let setups = 0;
    const counted = definePlugin({ ...configured, setup: (ctx) => (setups++, configured.setup(ctx)) });
    const bf = await gateway({ first: hooks("first", {}), configured: counted }, [{ name: "first" }, { name: "configured", config: { prefix: 7 } }]);
    expect(bf.plugins.list()[1]).toMatchObject({ name: "configured", state: "failed" });
    expect(bf.plugins.list()[1]!.error).toContain("plugins[1].config.prefix: expected string");
    expect(setups).toBe(0);
    await bf.shutdown();
  });

  test("a package whose default export is not a definition (an old factory) fails to load, saying what to export", async () => {
    const factory = (() => ({})) as unknown as PluginDefinition;
    const bf = await gateway({ factory }, [{ name: "factory" }]);
    expect(bf.plugins.list()[0]!.error).toContain("definePlugin({ name, config, setup })");
    await bf.shutdown();
  });

  test("defaults apply, and reconfiguring swaps in a new instance without a restart", async () => {
    const bf = await gateway({ configured }, [{ name: "configured", config: { prefix: "P" } }]);
    await bf.chat(ask());
    expect(env.mock.requests[0]!.body.messages.at(-1).content).toBe("P");
    await bf.plugins.reconfigure("configured", { config: { prefix: "Q", times: 2 } });
    await bf.chat(ask());
    expect(env.mock.requests[1]!.body.messages.at(-1).content).toBe("QQ");
    const bad = await bf.plugins.reconfigure("configured", { config: { prefix: "" } }).catch((e) => e);
    expect(bad.status).toBe(400);
    await bf.chat(ask());
    expect(env.mock.requests[2]!.body.messages.at(-1).content).toBe("QQ"); // the working instance kept serving
    await bf.plugins.reconfigure("configured", { enabled: false });
    await bf.chat(ask());
    expect(env.mock.requests[3]!.body.messages).toHaveLength(1);
    await bf.shutdown();
  });
});

describe("reload", () => {
  test("a request in flight finishes on the plugin instance it started with", async () => {
    const stamp = definePlugin({
      name: "stamp",
      config: t.Object({ label: t.String() }),
      setup: ({ config }) => ({ postResponse: (res: any) => ({ response: { ...res, extra_fields: { ...res.extra_fields, label: config.label } } }) }),
    });
    const bf = await gateway({ stamp }, [{ name: "stamp", config: { label: "old" } }]);
    env.mock.fault({ delayMs: 300 });
    const inFlight = bf.chat(ask("slow"));
    await Bun.sleep(50);
    await bf.plugins.reconfigure("stamp", { config: { label: "new" } });
    expect(((await inFlight).extra_fields as any).label).toBe("old");
    expect(((await bf.chat(ask())).extra_fields as any).label).toBe("new");
    await bf.shutdown();
  });
});

describe("fallbacks run the pipeline afresh", () => {
  test("each candidate gets its own pre-hook call, told whether it is a fallback", async () => {
    const seen: string[] = [];
    const bf = await gateway({ t: hooks("t", { preRequest: (_r, ctx) => void seen.push(`${ctx.provider}:${ctx.isFallback}`) }) }, [{ name: "t" }]);
    env.mock.fault({ status: 500 });
    await bf.chat(ask("x", { fallbacks: ["anthropic/claude-3-5-haiku-latest"] }));
    expect(seen).toEqual(["openai:false", "anthropic:true"]);
    await bf.shutdown();
  });
});
