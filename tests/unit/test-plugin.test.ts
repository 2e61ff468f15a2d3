/** testPlugin: a plugin's hooks without a gateway, with the host's config checks and the host's pipeline. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { definePlugin, t, testPlugin, type ChatChunk, type ChatResponse } from "bifrost/plugin";
import { setLogSink } from "../../src/log";

const logs: string[] = [];
beforeAll(() => setLogSink((l) => logs.push(l)));
afterAll(() => setLogSink((l) => process.stderr.write(l + "\n")));

const ask = (content: string, extra: Record<string, unknown> = {}) => ({ model: "openai/gpt-4o-mini", messages: [{ role: "user" as const, content }], ...extra });
const reply = (content: string): ChatResponse => ({ id: "r", object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }] });
const piece = (content: string): ChatChunk => ({ id: "s", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content }, finish_reason: null }] });

/** Remembers what the pre-hook saw, stamps it on the response. */
const noting = definePlugin({
  name: "noting",
  config: t.Object({ label: t.String({ minLength: 1 }), times: t.Integer({ default: 2 }) }),
  setup: ({ config }) => ({
    preRequest(req, rctx) {
      rctx.values.set("seen", `${rctx.op} ${rctx.provider} ${rctx.model} ${req.model}`);
      if (rctx.model === "blocked") return { error: { status: 403, message: "no" }, allowFallbacks: false };
    },
    postResponse(res, err, rctx) {
      if (err) return { response: reply(`recovered from ${err.status}`) };
      const chat = res as ChatResponse;
      return { response: { ...chat, extra_fields: { provider: "p", model_requested: "m", seen: rctx.values.get("seen"), label: config.label.repeat(config.times) } } };
    },
  }),
});

describe("config", () => {
  test("validated as the host validates it: defaults applied, problems named by path, setup not run", async () => {
    const p = await testPlugin(noting, { config: { label: "x" } });
    expect(p.config).toEqual({ label: "x", times: 2 });
    let setups = 0;
    const counted = definePlugin({ ...noting, setup: (ctx) => (setups++, noting.setup(ctx)) });
    await expect(testPlugin(counted, { config: { label: 7 } })).rejects.toThrow("invalid config: config.label: expected string");
    expect(setups).toBe(0);
  });

  test("refuses what is not a definition", async () => {
    await expect(testPlugin((() => ({})) as any)).rejects.toThrow("definePlugin({ name, config, setup })");
  });
});

describe("requests", () => {
  test("pre starts a request (op, provider and model from the request); post continues it", async () => {
    const p = await testPlugin(noting, { config: { label: "ab" } });
    expect(await p.pre(ask("hi", { stream: true }))).toMatchObject({ kind: "continue", ran: 1 });
    const { res } = await p.post(reply("ok"));
    expect((res as ChatResponse).extra_fields).toMatchObject({ seen: "chatStream openai gpt-4o-mini openai/gpt-4o-mini", label: "abab" });
    expect(await p.pre(ask("again"), { op: "embeddings", model: "blocked" })).toMatchObject({ kind: "error", allowFallbacks: false, error: { status: 403 } });
    expect((await p.post(null, { status: 502, message: "upstream down" })).res).toMatchObject({ choices: [{ message: { content: "recovered from 502" } }] });
  });

  test("short-circuits come back as the core sees them", async () => {
    const canned = reply("canned");
    const answer = definePlugin({ name: "answer", setup: () => ({ preRequest: (req) => (req.stream ? { stream: (async function* () {})() } : { response: canned }) }) });
    const p = await testPlugin(answer);
    expect(await p.pre(ask("x"))).toEqual({ kind: "respond", response: canned, ran: 1 });
    expect((await p.pre(ask("x", { stream: true }))).kind).toBe("stream");
  });
});

describe("chunks", () => {
  const shaper = definePlugin({
    name: "shaper",
    setup: () => ({
      onStreamChunk(c) {
        const text = c.choices[0]!.delta.content ?? "";
        if (text === "drop") return { drop: true };
        if (text === "end") return { end: true };
        if (text === "swap") return { chunk: piece("swapped") };
        c.choices[0]!.delta.content = text.toUpperCase();
      },
    }),
  });

  test("what the client receives: in place, replaced, dropped, and nothing after an end", async () => {
    const p = await testPlugin(shaper);
    const sent = p.chunks(["a", "drop", "swap", "b", "end", "c"].map(piece));
    expect(sent.map((c) => c.choices[0]!.delta.content)).toEqual(["A", "swapped", "B"]);
    expect(p.chunk(piece("end"))).toBe("end");
  });
});

describe("HTTP hooks", () => {
  test("a request answered early, a response replaced", async () => {
    const door = definePlugin({
      name: "door",
      setup: () => ({
        onHttpRequest: (req) => (req.headers.has("x-stop") ? { response: new Response("stopped", { status: 429 }) } : undefined),
        onHttpResponse: (_req, res) => ({ response: new Response(`wrapped ${res.status}`) }),
      }),
    });
    const p = await testPlugin(door);
    expect(await p.httpRequest(new Request("http://localhost/v1/models"))).toBeUndefined();
    expect((await p.httpRequest(new Request("http://localhost/", { headers: { "x-stop": "1" } })))!.status).toBe(429);
    expect(await (await p.httpResponse(new Request("http://localhost/"), new Response("x", { status: 201 }))).text()).toBe("wrapped 201");
  });
});

describe("failures, as the host handles them", () => {
  test("a throwing hook is logged and skipped; a critical one fails the request; setup's budget applies", async () => {
    const flaky = (critical: boolean) =>
      definePlugin({
        name: "flaky",
        critical,
        timeoutMs: 5000,
        setup: () => ({ timeoutMs: 20, preRequest: (req) => (req.model.endsWith("slow") ? Bun.sleep(200) : Promise.reject(new Error("kaput"))) }),
      });
    const lenient = await testPlugin(flaky(false));
    expect((await lenient.pre(ask("x"))).kind).toBe("continue");
    expect(logs.some((l) => l.includes("plugin flaky: preRequest failed, skipped") && l.includes("kaput"))).toBe(true);
    expect((await lenient.pre({ ...ask("x"), model: "openai/slow" })).kind).toBe("continue");
    expect(logs.some((l) => l.includes("exceeded its 20 ms budget"))).toBe(true);
    const strict = await testPlugin(flaky(true));
    await expect(strict.pre(ask("x"))).rejects.toMatchObject({ status: 500, code: "plugin_failed" });
  });
});
