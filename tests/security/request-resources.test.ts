/** Issue 11 (resources), request side: hostile bodies cost the gateway a bounded amount of time and memory, and every refusal is ours. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect } from "node:net";
import { bodyBudget, MAX_JSON_DEPTH, nestedTooDeep } from "../../src/http/body";
import { openGateway, type Gateway } from "../support/gateway";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";
import { eventually } from "../support/wait";

let mock: MockUpstream;
let gw: Gateway;

beforeAll(async () => {
  mock = await startMockUpstream();
  gw = await openGateway({
    client: { max_request_body_size_mb: 1, max_buffered_request_mb: 1.5 },
    providers: { openai: { keys: [{ value: "sk-resources-test", models: ["*"] }], network_config: { base_url: mock.url } } },
  });
});

afterAll(async () => {
  await gw?.close();
  await mock?.stop();
});

const chat = (content: unknown) => JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content }] });

describe("finding 1: JSON nested 50,000 levels deep", () => {
  test("is refused with a 400 naming the nesting, before it is parsed", async () => {
    const deep = `{"model":"openai/gpt-4o-mini","messages":${"[".repeat(50_000)}${"]".repeat(50_000)}}`;
    const r = await gw.fetch("/v1/chat/completions", { method: "POST", body: deep });
    expect(r.status).toBe(400);
    const j = (await r.json()) as any;
    expect(j.error.code).toBe("nesting_too_deep");
    expect(r.headers.get("x-request-id")).toBeTruthy();
  });

  test("five at once leave /health answering", async () => {
    const deep = `{"a":${'{"a":'.repeat(20_000)}1${"}".repeat(20_000)}}`;
    const all = Array.from({ length: 5 }, () => fetch(gw.url + "/v1/chat/completions", { method: "POST", body: deep }));
    const health = await fetch(gw.url + "/health");
    expect(health.status).toBe(200);
    for (const r of await Promise.all(all)) expect(r.status).toBe(400);
  });

  test("the depth check: exact at the limit, blind to brackets inside strings and escapes", () => {
    const enc = (s: string) => s;
    const nest = (d: number) => "[".repeat(d) + "]".repeat(d);
    expect(nestedTooDeep(enc(nest(MAX_JSON_DEPTH)), MAX_JSON_DEPTH)).toBe(false);
    expect(nestedTooDeep(enc(nest(MAX_JSON_DEPTH + 1)), MAX_JSON_DEPTH)).toBe(true);
    // Openers inside strings (with escaped quotes and backslashes) do not nest.
    const str = JSON.stringify({ s: '\\"' + "[{".repeat(500) + '\\\\"' });
    expect(nestedTooDeep(enc(str), MAX_JSON_DEPTH)).toBe(false);
    // Openers after a string that ends in an escaped backslash do.
    expect(nestedTooDeep(enc(`["x\\\\",${nest(MAX_JSON_DEPTH)}]`), MAX_JSON_DEPTH)).toBe(true);
    // Many openers side by side, none deep: a long conversation.
    expect(nestedTooDeep(enc(JSON.stringify(Array.from({ length: 1000 }, () => ({ a: [1] })))), MAX_JSON_DEPTH)).toBe(false);
    // Whitespace between openers still nests.
    expect(nestedTooDeep(enc("[ ".repeat(MAX_JSON_DEPTH + 1)), MAX_JSON_DEPTH)).toBe(true);
  });

  test("a normal body at depth 20 still goes through", async () => {
    const r = await gw.fetch("/v1/chat/completions", { method: "POST", body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], metadata: { x: JSON.parse(`${"[".repeat(20)}${"]".repeat(20)}`) } }) });
    expect(r.status).toBe(200);
  });
});

describe("finding 2: ten concurrent 50 MB bodies", () => {
  test("past the budget of buffered request bytes the answer is 503 with Retry-After, and the budget is given back", async () => {
    // A chunked body that sends 1 MB and then waits: it holds 1 MB of the 1.5 MB budget.
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    const body = new ReadableStream<Uint8Array>({
      async start(c) {
        c.enqueue(new TextEncoder().encode(chat("x".repeat(1024 * 1024 - 200)).slice(0, -4)));
        await hold;
        c.enqueue(new TextEncoder().encode('"}]}'));
        c.close();
      },
    });
    const first = fetch(gw.url + "/v1/chat/completions", { method: "POST", body, duplex: "half" } as RequestInit);
    await eventually(() => bodyBudget.used >= 1024 * 1024 - 300);
    const second = await fetch(gw.url + "/v1/chat/completions", { method: "POST", body: chat("y".repeat(700 * 1024)) });
    expect(second.status).toBe(503);
    expect(second.headers.get("retry-after")).toBe("1");
    expect(second.headers.get("x-request-id")).toBeTruthy();
    expect(((await second.json()) as any).error.code).toBe("request_bytes_budget_exceeded");
    release();
    expect((await first).status).toBe(200);
    expect(bodyBudget.used).toBe(0);
    expect((await fetch(gw.url + "/v1/chat/completions", { method: "POST", body: chat("z".repeat(700 * 1024)) })).status).toBe(200);
  });

  test("a chunked body (no content-length) over the body limit is a 413 as it arrives", async () => {
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        c.enqueue(new Uint8Array(256 * 1024).fill(0x20));
      },
    });
    const r = await fetch(gw.url + "/v1/chat/completions", { method: "POST", body, duplex: "half" } as RequestInit);
    expect(r.status).toBe(413);
    expect(bodyBudget.used).toBe(0);
  });
});

describe("finding 4: a body declared over the limit got Bun's bare 413", () => {
  test("a declared 10 GB body gets the gateway's JSON 413 with x-request-id", async () => {
    const port = Number(new URL(gw.url).port);
    const reply = await new Promise<string>((resolve, reject) => {
      let out = "";
      const s = connect(port, "127.0.0.1", () => {
        s.write("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 10737418240\r\n\r\n{");
      });
      s.on("data", (d) => {
        out += d.toString();
        if (out.includes("\r\n\r\n") && out.includes("}}")) s.destroy(), resolve(out);
      });
      s.on("error", reject);
      s.on("close", () => resolve(out));
    });
    expect(reply).toStartWith("HTTP/1.1 413");
    expect(reply.toLowerCase()).toContain("x-request-id:");
    expect(reply).toContain('"request_too_large"');
  });

  test("a body just over the limit gets the same", async () => {
    const r = await fetch(gw.url + "/v1/chat/completions", { method: "POST", body: "z".repeat(1024 * 1024 + 1) });
    expect(r.status).toBe(413);
    expect(r.headers.get("x-request-id")).toBeTruthy();
    expect(((await r.json()) as any).error.type).toBe("request_too_large");
  });
});
