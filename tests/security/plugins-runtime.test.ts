/** Issue 11, "Plugins" (runtime): each finding's regression test, named for it. */
import { describe, expect, test } from "bun:test";
import { definePlugin, testPlugin, unsafeRegexReason, type Plugin, type PluginDefinition } from "bifrost/plugin";
import guardrails from "../../plugins/guardrails/index";
import mocker from "../../plugins/mocker/index";
import { Bifrost, createApp } from "../../src/index";
import { upstreamAndLogs } from "../support/upstream-and-logs";

const env = upstreamAndLogs();
const logs = env.logs;

const CARD = "4111 1111 1111 1111";
const gateway = (plugins: Record<string, PluginDefinition>, entries: Array<Record<string, unknown>>) =>
  Bifrost.create({ providers: { openai: { keys: [{ value: "sk-sec-1" }], network_config: { base_url: env.mock.url } } }, plugins: entries as any }, { workers: 0, plugins });
const hooks = (name: string, plugin: Plugin, options: Partial<PluginDefinition> = {}) => definePlugin({ name, ...options, setup: () => plugin });
const ask = { model: "openai/gpt-4o-mini", messages: [{ role: "user" as const, content: "hi" }] };

describe("finding 1: guardrails", () => {
  test("guardrails email pattern is linear: a 160 KB message is scanned in well under a second", async () => {
    const p = await testPlugin(guardrails);
    for (const text of ["a".repeat(160_000), "x@" + "a.".repeat(80_000), "a@".repeat(80_000)]) {
      const t0 = performance.now();
      await p.pre({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: text }] });
      expect(performance.now() - t0).toBeLessThan(500);
    }
  });

  test("guardrails refuses a text longer than max_scan_chars instead of passing it unscanned", async () => {
    const p = await testPlugin(guardrails, { config: { max_scan_chars: 2048 } });
    const out = await p.pre({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "a".repeat(2049) }] });
    expect(out).toMatchObject({ kind: "error", allowFallbacks: false, error: { status: 400, code: "guardrail_scan_limit" } });
  });

  test("guardrails scans names, tool-call arguments, tool descriptions and non-text parts", async () => {
    const p = await testPlugin(guardrails);
    const out = await p.pre({
      model: "openai/gpt-4o-mini",
      messages: [
        { role: "user", name: `card ${CARD}`, content: [{ type: "file", file: { filename: `${CARD}.pdf`, file_data: "data:application/pdf;base64,AAAA" } }, { type: "input_text", text: CARD } as any] },
        { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "pay", arguments: JSON.stringify({ card: CARD }) } }] },
        { role: "tool", tool_call_id: "c1", content: [{ type: "text", text: `paid with ${CARD}` }] },
      ],
      tools: [{ type: "function", function: { name: "pay", description: `default card ${CARD}`, parameters: { type: "object", properties: { card: { type: "string", description: CARD } } } } }],
    } as any);
    expect(out.kind).toBe("continue");
    const sent = JSON.stringify((out as { request: unknown }).request);
    expect(sent).not.toContain("4111");
    expect(sent).toContain("[REDACTED:credit_card]");
    expect(sent).toContain("data:application/pdf;base64,AAAA"); // encoded bytes are left alone
    expect(sent).toContain('"tool_call_id":"c1"');
  });

  test("guardrails scans every request type: embeddings, images, speech, transcription, rerank, completions", async () => {
    const p = await testPlugin(guardrails);
    const cases: Array<[string, Record<string, unknown>]> = [
      ["embeddings", { input: [`a ${CARD}`, "b"] }],
      ["imageGeneration", { prompt: `a card ${CARD}` }],
      ["speech", { input: `read ${CARD}`, voice: "alloy" }],
      ["transcription", { prompt: `hint ${CARD}`, file: { name: "a.mp3", type: "audio/mpeg", base64: "SUQz" } }],
      ["rerank", { query: `q ${CARD}`, documents: [`d ${CARD}`, { text: `e ${CARD}` }] }],
      ["textCompletion", { prompt: [`p ${CARD}`] }],
    ];
    for (const [op, body] of cases) {
      const out = await p.pre({ model: "openai/m", ...body } as any, { op: op as any });
      expect(out.kind).toBe("continue");
      const sent = JSON.stringify((out as { request: unknown }).request);
      expect(sent).not.toContain("4111");
      expect(sent).toContain("[REDACTED:credit_card]");
    }
  });

  test("guardrails redacts an /v1/images/generations prompt before the provider sees it", async () => {
    const bf = await gateway({ guardrails }, [{ name: "guardrails" }]);
    const app = createApp(bf);
    const res = await app.handle(new Request("http://localhost/v1/images/generations", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "openai/dall-e-3", prompt: `a card ${CARD}` }) }));
    expect(res.status).toBe(200);
    const up = env.mock.requests.find((r) => r.path.endsWith("/images/generations"));
    expect(up?.body.prompt).toBe("a card [REDACTED:credit_card]");
    expect(logs.join("\n")).not.toContain("failed");
    await bf.shutdown();
  });

  test("speech runs the plugin pre-hooks: guardrails redacts /v1/audio/speech input; post-hooks are skipped for audio bytes", async () => {
    const seen: string[] = [];
    const tracer = hooks("tracer", { preRequest: (_r, c) => void seen.push(`pre:${c.op}`), postResponse: (_r, _e, c) => void seen.push(`post:${c.op}`) });
    const bf = await gateway({ guardrails, tracer }, [{ name: "guardrails" }, { name: "tracer" }]);
    const app = createApp(bf);
    const res = await app.handle(new Request("http://localhost/v1/audio/speech", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "openai/tts-1", input: `say ${CARD}`, voice: "alloy" }) }));
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    expect(env.mock.requests.find((r) => r.path.endsWith("/audio/speech"))?.body.input).toBe("say [REDACTED:credit_card]");
    expect(seen).toEqual(["pre:speech"]);
    await bf.shutdown();
  });
});

describe("finding 2: plugin failures", () => {
  test("fail closed: a fail-closed plugin's throwing hook fails the request; guardrails declares closed; critical is an alias; open is skipped", async () => {
    expect(guardrails.fail).toBe("closed");
    const boom = () => {
      throw new Error("kaput");
    };
    for (const options of [{ fail: "closed" as const }, { critical: true }]) {
      const bf = await gateway({ sec: hooks("sec", { preRequest: boom }, options) }, [{ name: "sec" }]);
      const e = await bf.chat(ask).catch((x) => x);
      expect(e).toMatchObject({ status: 500, code: "plugin_failed" });
      expect(e.message).toContain("plugin sec failed in preRequest");
      expect(env.mock.requests).toHaveLength(0);
      await bf.shutdown();
    }
    const slow = hooks("slow", { preRequest: () => Bun.sleep(300) }, { fail: "closed", timeoutMs: 30 });
    const bf = await gateway({ slow, open: hooks("open", { preRequest: boom }, { fail: "open" }) }, [{ name: "open" }, { name: "slow" }]);
    expect(await bf.chat(ask).catch((x) => x)).toMatchObject({ status: 500, code: "plugin_failed" });
    expect(logs.some((l) => l.includes("plugin open: preRequest failed, skipped"))).toBe(true);
    await bf.shutdown();
    expect(() => definePlugin({ name: "x", fail: "maybe" as any, setup: () => ({}) })).toThrow('fail must be "open" or "closed"');
  });

  test("plugin error status outside 400-599 (999, 204) becomes a logged 500 and the gateway keeps serving", async () => {
    let status = 999;
    const bad = hooks("bad", { preRequest: (req) => ((req as any).messages?.[0]?.content === "bad" ? { error: { status, message: "odd" } } : undefined) });
    const bf = await gateway({ bad }, [{ name: "bad" }]);
    const app = createApp(bf);
    const post = (content: string) => app.handle(new Request("http://localhost/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ...ask, messages: [{ role: "user", content }] }) }));
    for (const s of [999, 204, 200]) {
      status = s;
      const res = await post("bad");
      expect(res.status).toBe(500);
      expect(((await res.json()) as any).error.code).toBe("plugin_invalid_error");
    }
    expect(logs.some((l) => l.includes("plugin bad: gave an error with status 999"))).toBe(true);
    expect((await post("fine")).status).toBe(200);
    expect((await app.handle(new Request("http://localhost/health"))).status).toBe(200);
    await bf.shutdown();
  });

  test("/health and the admin API never pass through plugin HTTP hooks", async () => {
    const seen: string[] = [];
    const wall = hooks("wall", {
      onHttpRequest: (r) => (seen.push(new URL(r.url).pathname), { response: new Response("walled", { status: 418 }) }),
      onHttpResponse: () => {
        throw new Error("never here");
      },
    });
    const bf = await gateway({ wall }, [{ name: "wall" }]);
    const app = createApp(bf);
    const health = await app.handle(new Request("http://localhost/health"));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    for (const path of ["/api/plugins", "/api/nope"]) {
      const res = await app.handle(new Request(`http://localhost${path}`));
      expect(res.status).not.toBe(418);
    }
    expect(seen).toEqual([]);
    expect((await app.handle(new Request("http://localhost/v1/models"))).status).toBe(418); // inference routes still do
    await bf.shutdown();
  });

  test("a plugin stream that never yields ends with plugin_stream_timeout", async () => {
    const stuck = hooks(
      "stuck",
      {
        preRequest: () => ({
          stream: (async function* () {
            await new Promise(() => {});
          })(),
        }),
      },
      { timeoutMs: 50 },
    );
    const bf = await gateway({ stuck }, [{ name: "stuck" }]);
    const t0 = performance.now();
    const e = await (async () => {
      for await (const _ of bf.chatStream(ask)) void _;
    })().catch((x) => x);
    expect(e).toMatchObject({ status: 504, code: "plugin_stream_timeout" });
    expect(performance.now() - t0).toBeLessThan(2000);
    await bf.shutdown();
  });

  test("a plugin setup that never resolves fails its load with a clear error", async () => {
    const hang = definePlugin({ name: "hang", setupTimeoutMs: 50, setup: () => new Promise<Plugin>(() => {}) });
    const bf = await gateway({ hang }, [{ name: "hang" }]);
    expect(bf.plugins.list()[0]).toMatchObject({ state: "failed", error: "setup did not finish within 50 ms" });
    await bf.shutdown();
    const closed = definePlugin({ name: "hang", fail: "closed", setupTimeoutMs: 50, setup: () => new Promise<Plugin>(() => {}) });
    await expect(gateway({ hang: closed }, [{ name: "hang" }])).rejects.toThrow("plugin hang fails closed and failed to load: setup did not finish within 50 ms");
  });
});

describe("finding 3: regexes from config and the admin API", () => {
  test("catastrophic-backtracking regexes are refused by a static check", () => {
    for (const bad of ["(a+)+", "(a|a)*", "(.*)*", "(?:\\w+\\s?){2,}", "(a|ab)+$", "(x+x+)+y", "(\\d+)*", "(a)\\1", "a".repeat(1001)]) expect(unsafeRegexReason(bad)).not.toBeNull();
    for (const ok of ["sk-[A-Za-z0-9]{20,}", "project\\s+nightingale", "(?:cat|dog)+", "\\b(?:\\d{3}-){2}\\d{4}\\b", "(a|b)*c", "[(+]+x", "^hello"]) expect(unsafeRegexReason(ok)).toBeNull();
  });

  test("a refused regex is a config error naming the field at start-up: guardrails patterns and mocker rules", async () => {
    await expect(testPlugin(guardrails, { config: { patterns: [{ name: "evil", regex: "(a+)+$" }] } })).rejects.toThrow('patterns "evil" (patterns[0].regex): regex refused');
    await expect(testPlugin(mocker, { config: { rules: [{ name: "r", match: { content: "(.*)*x" } }] } })).rejects.toThrow("r.match.content: regex refused");
    await expect(testPlugin(mocker, { config: { rules: [{ match: { model: "/(a|a)*/" } }] } })).rejects.toThrow("rules[0].match.model: regex refused");
    await expect(gateway({ guardrails }, [{ name: "guardrails", config: { patterns: [{ name: "evil", regex: "(a+)+$" }] } }])).rejects.toThrow('patterns "evil" (patterns[0].regex): regex refused');
  });

  test("a refused regex is a 400 from PUT /api/plugins/{name}, and the running plugin keeps serving", async () => {
    const bf = await gateway({ guardrails, mocker }, [{ name: "guardrails" }, { name: "mocker" }]);
    const app = createApp(bf);
    const put = (name: string, config: unknown) => app.handle(new Request(`http://localhost/api/plugins/${name}`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ config }) }));
    const g = await put("guardrails", { patterns: [{ name: "evil", regex: "(a+)+$" }] });
    expect(g.status).toBe(400);
    expect(((await g.json()) as any).error.message).toContain("patterns[0].regex): regex refused");
    const m = await put("mocker", { rules: [{ name: "r", match: { content: "(.*)*x" } }] });
    expect(m.status).toBe(400);
    expect(((await m.json()) as any).error.message).toContain("r.match.content: regex refused");
    expect(bf.plugins.list().map((p) => p.state)).toEqual(["active", "active"]);
    await bf.shutdown();
  });
});
