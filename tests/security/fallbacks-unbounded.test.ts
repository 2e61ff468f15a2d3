/**
 * Issue 11, finding 4: `fallbacks` was unbounded (one 42 KB request made 2,001 upstream calls).
 * At most 10, each tried once (duplicates and the primary dropped); more is a 400 naming `fallbacks`
 * on every route that carries them.
 */
import { beforeEach, expect, test } from "bun:test";
import { distinctFallbacks, MAX_FALLBACKS } from "../../src/core/router";
import { gatewayOnMock } from "../support/mock-gateway";

const setup = gatewayOnMock((url) => ({ openai: { keys: [{ value: "sk-1" }], network_config: { base_url: url, max_retries: 0 } } }));
beforeEach(() => setup.mock.reset());

const post = (path: string, body: unknown) => setup.gw.fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const messages = [{ role: "user", content: "hi" }];

test("2,000 fallbacks in one request: a 400 naming fallbacks, and no upstream call", async () => {
  const fallbacks = Array.from({ length: 2000 }, (_, i) => `openai/gpt-4o-${i}`);
  const res = await post("/v1/chat/completions", { model: "openai/gpt-4o", messages, fallbacks });
  const body = (await res.json()) as any;
  expect(res.status).toBe(400);
  expect(body.error.param).toBe("fallbacks");
  expect(body.error.message).toContain(`at most ${MAX_FALLBACKS}`);
  expect(setup.mock.requests).toHaveLength(0);
});

test("every route that carries fallbacks caps them", async () => {
  const fallbacks = Array.from({ length: MAX_FALLBACKS + 1 }, (_, i) => `openai/m-${i}`);
  const bodies: [string, Record<string, unknown>][] = [
    ["/v1/chat/completions", { model: "openai/gpt-4o", messages, stream: true }],
    ["/v1/embeddings", { model: "openai/text-embedding-3-small", input: "x" }],
    ["/v1/completions", { model: "openai/gpt-3.5-turbo-instruct", prompt: "x" }],
    ["/v1/responses", { model: "openai/gpt-4o", input: "x", tools: [{ type: "web_search" }] }],
    ["/v1/images/generations", { model: "openai/dall-e-3", prompt: "x" }],
  ];
  for (const [path, body] of bodies) {
    const res = await post(path, { ...body, fallbacks });
    expect([path, res.status]).toEqual([path, 400]);
    expect(((await res.json()) as any).error.param).toBe("fallbacks");
  }
  expect(setup.mock.requests).toHaveLength(0);
});

test("duplicates (and the primary again) are tried once", async () => {
  setup.mock.fault({ status: 500, times: Infinity });
  const res = await post("/v1/chat/completions", { model: "openai/gpt-4o", messages, fallbacks: ["openai/gpt-4o", "openai/b", "openai/b", "openai/b"] });
  expect(res.status).toBe(500);
  expect(setup.mock.requests.map((r) => r.body.model)).toEqual(["gpt-4o", "b"]);
});

test("exactly 10 is accepted; a non-array is a 400", () => {
  const ten = Array.from({ length: MAX_FALLBACKS }, (_, i) => `m${i}`);
  expect(distinctFallbacks("p", ten)).toEqual(ten);
  expect(() => distinctFallbacks("p", "openai/x".repeat(5000) as unknown as string[])).toThrow(/array of model names/);
});
