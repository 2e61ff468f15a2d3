/** guardrails in a real pipeline: loaded from plugins/ by name, against the mock upstream (which echoes the prompt). */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { Bifrost } from "../../src/index";
import { startMockUpstream, type MockUpstream } from "../../tests/support/mock-upstream";

const PLUGINS_DIR = join(import.meta.dir, "..");
let mock: MockUpstream;
beforeAll(async () => void (mock = await startMockUpstream({ words: 40 })));
afterAll(() => mock.stop());
beforeEach(() => mock.reset());

function gateway(config: Record<string, unknown> = {}) {
  return Bifrost.create(
    { providers: { openai: { keys: [{ value: "sk-guard-1" }], network_config: { base_url: mock.url } } }, plugins: [{ name: "guardrails", config }] },
    { workers: 0, pluginsDir: PLUGINS_DIR },
  );
}

const ask = (content: unknown, extra: Record<string, unknown> = {}) => ({ model: "openai/gpt-4o-mini", messages: [{ role: "user" as const, content: content as string }], ...extra });

describe("input", () => {
  test("PII in strings and text parts is redacted before the provider sees it", async () => {
    const bf = await gateway();
    const res = await bf.chat(ask([{ type: "text", text: "I am jane@corp.com" }, { type: "image_url", image_url: { url: "https://x/y.png" } }]));
    expect(mock.requests[0]!.body.messages[0].content).toEqual([{ type: "text", text: "I am [REDACTED:email]" }, { type: "image_url", image_url: { url: "https://x/y.png" } }]);
    expect(res.extra_fields!.guardrails).toEqual({ input: ["email"] });
    await bf.chat(ask("card 4242 4242 4242 4242, not 4242 4242 4242 4241"));
    expect(mock.requests[1]!.body.messages[0].content).toBe("card [REDACTED:credit_card], not 4242 4242 4242 4241");
    await bf.shutdown();
  });

  test("a blocking pattern fails the request with 400 guardrail_blocked naming the rule; the provider is never called", async () => {
    const bf = await gateway({ patterns: [{ name: "internal_project", regex: "project\\s+nightingale", flags: "i", action: "block" }] });
    const e = await bf.chat(ask("Tell me about Project Nightingale")).catch((x) => x);
    expect(e.status).toBe(400);
    expect(e.toJSON().error).toMatchObject({ type: "guardrail_blocked", code: "internal_project" });
    expect(mock.requests).toHaveLength(0);
    await bf.shutdown();
  });

  test("embedding inputs are redacted too", async () => {
    const bf = await gateway();
    await bf.embeddings({ model: "openai/text-embedding-3-small", input: ["ping 10.1.2.3", "plain"] });
    expect(mock.requests[0]!.body.input).toEqual(["ping [REDACTED:ip_address]", "plain"]);
    await bf.shutdown();
  });
});

describe("output", () => {
  test("PII in the answer is redacted, with a custom template", async () => {
    const bf = await gateway({ apply_to: { input: false }, redaction: "<<name>>" });
    const res = await bf.chat(ask("my ssn is 123-45-6789"));
    expect(mock.requests[0]!.body.messages[0].content).toBe("my ssn is 123-45-6789");
    expect(res.choices[0]!.message.content).toStartWith("mock reply to: my ssn is <ssn>");
    expect(res.extra_fields!.guardrails).toEqual({ output: ["ssn"] });
    await bf.shutdown();
  });

  test("a blocking match in the answer turns it into a 400", async () => {
    const bf = await gateway({ apply_to: { input: false }, pii_action: "block" });
    const e = await bf.chat(ask("write to a@b.com")).catch((x) => x);
    expect(e.status).toBe(400);
    expect(e.code).toBe("email");
    await bf.shutdown();
  });

  test("a stream is redacted even when the match spans chunks", async () => {
    const frames = ["Contact jo", "hn.doe@exa", "mple.com", " soon"].map(
      (content) => `data: ${JSON.stringify({ id: "s", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`,
    );
    const end = `data: ${JSON.stringify({ id: "s", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\ndata: [DONE]\n\n`;
    mock.fault({ rawBody: frames.join("") + end });
    const bf = await gateway();
    const pieces: string[] = [];
    let last: any;
    for await (const c of bf.chatStream(ask("hi", { stream: true }))) (last = c), pieces.push(c.choices[0]?.delta?.content ?? "");
    expect(pieces.join("")).toBe("Contact [REDACTED:email] soon");
    expect(pieces.some((p) => p.includes("exa"))).toBe(false);
    expect(last.extra_fields.guardrails).toEqual({ output: ["email"] });
    await bf.shutdown();
  });

  test("a blocking match ends the stream with an error chunk", async () => {
    const bf = await gateway({ apply_to: { input: false }, patterns: [{ name: "forbidden", regex: "forbidden", action: "block" }] });
    const chunks: any[] = [];
    for await (const c of bf.chatStream(ask("say forbidden things now", { stream: true }))) chunks.push(c);
    const last = chunks.at(-1);
    expect(last.choices[0].finish_reason).toBe("content_filter");
    expect(last.error).toMatchObject({ type: "guardrail_blocked", code: "forbidden" });
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("")).not.toContain("forbidden");
    await bf.shutdown();
  });
});

test("a pattern that does not compile stops the plugin from loading, naming it; guardrails fails closed, so the gateway does not start", async () => {
  await expect(gateway({ patterns: [{ name: "bad", regex: "([" }] })).rejects.toThrow('guardrails fails closed and failed to load: patterns "bad"');
});
