/**
 * Finding 11.2: upstream redirects were followed, so a 307 to another origin got Anthropic's x-api-key,
 * Gemini's x-goog-api-key and the extra_headers values. A 3xx is now an upstream error (502 naming the
 * provider), never followed, and the Location is not repeated.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Server } from "bun";
import { openGateway, type Gateway } from "../support/gateway";

/** The other origin: records whatever reaches it. */
let elsewhere: Server<undefined>;
const received: { url: string; headers: Record<string, string> }[] = [];
/** The configured upstream: redirects everything there, with a token in the Location. */
let redirecting: Server<undefined>;
let hits = 0;
let gw: Gateway;

beforeAll(async () => {
  elsewhere = Bun.serve({
    port: 0,
    fetch(req) {
      received.push({ url: req.url, headers: Object.fromEntries(req.headers) });
      return Response.json({ error: { message: "you should not be here" } }, { status: 400 });
    },
  });
  redirecting = Bun.serve({
    port: 0,
    fetch(req) {
      hits++;
      const u = new URL(req.url);
      return new Response(null, { status: 307, headers: { location: `http://127.0.0.1:${elsewhere.port}${u.pathname}?sig=location-secret-987` } });
    },
  });
  const base_url = `http://127.0.0.1:${redirecting.port}`;
  gw = await openGateway({
    providers: {
      openai: { keys: [{ value: "sk-openai-redirect-1" }], network_config: { base_url, extra_headers: { "x-proxy-authorization": "Bearer proxy-redirect-2" } } },
      anthropic: { keys: [{ value: "sk-ant-redirect-3" }], network_config: { base_url } },
      gemini: { keys: [{ value: "AIza-redirect-4" }], network_config: { base_url } },
    },
  });
});

afterAll(async () => {
  await gw?.close();
  redirecting?.stop(true);
  elsewhere?.stop(true);
});

for (const [model, provider] of [["openai/gpt-4o-mini", "openai"], ["anthropic/claude-3-5-haiku-latest", "anthropic"], ["gemini/gemini-2.0-flash", "gemini"]] as const) {
  for (const stream of [false, true]) {
    test(`${model}${stream ? " (stream)" : ""}: a 307 to another origin is a 502 naming the provider, and the other origin receives nothing`, async () => {
      const before = hits;
      const res = await gw.fetch("/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model, stream, messages: [{ role: "user", content: "hi" }] }) });
      const text = await res.text();
      expect(hits).toBeGreaterThan(before);
      expect(res.status).toBe(502);
      expect(text).toContain(`provider ${provider}`);
      expect(text).toContain("redirect");
      expect(text).not.toContain("location-secret-987");
      expect(text).not.toContain(String(elsewhere.port));
      expect(received).toEqual([]);
    });
  }
}

test("the log names no Location and no credential", () => {
  for (const s of ["location-secret-987", "sk-openai-redirect-1", "proxy-redirect-2", "sk-ant-redirect-3", "AIza-redirect-4"]) expect(gw.output()).not.toContain(s);
});
