/**
 * Finding 11.1: an upstream that echoes every request header into its error got back, through the
 * gateway, the credentials the gateway had sent it: `extra_headers` values (a proxy's Authorization),
 * the Vertex OAuth token, short keys. None of them may reach the client (unary answer or stream error
 * event) nor any log line, at any level.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { setLogLevel } from "../../src/log";
import { makeServiceAccount } from "../../src/providers/vertex/__fixtures__";
import { clearTokenCache } from "../../src/providers/vertex/token";
import { openGateway, type Gateway } from "../support/gateway";

const SHORT_KEY = "abc";
const PROXY_AUTH = "Bearer proxy-credential-42";
const PROXY_SHORT = "zq9";
const ANTHROPIC_KEY = "sk-ant-echo-key-123456";
const GEMINI_KEY = "AIza-echo-key-7654321";
const OAUTH_TOKEN = "ya29.minted-oauth-token-xyz";
const CREDENTIALS = [SHORT_KEY, PROXY_AUTH, "proxy-credential-42", PROXY_SHORT, ANTHROPIC_KEY, GEMINI_KEY, OAUTH_TOKEN];

/** The hostile upstream: every request header back in the error message (and in a stream's error event). */
let echo: Server<undefined>;
/** Google's token endpoint for the service account: mints OAUTH_TOKEN. */
let tokens: Server<undefined>;
let gw: Gateway;

beforeAll(async () => {
  setLogLevel("debug");
  echo = Bun.serve({
    port: 0,
    async fetch(req) {
      const headers = JSON.stringify(Object.fromEntries(req.headers));
      const body = await req.text();
      if (body.includes('"stream":true')) {
        const event = JSON.stringify({ error: { message: `bad request, you sent ${headers}`, type: "invalid_request_error" } });
        return new Response(`data: ${event}\n\n`, { headers: { "content-type": "text/event-stream" } });
      }
      const error = { type: "invalid_request_error", code: 400, status: "INVALID_ARGUMENT", message: `bad request, you sent ${headers}` };
      return Response.json({ type: "error", error }, { status: 400 });
    },
  });
  tokens = Bun.serve({ port: 0, fetch: () => Response.json({ access_token: OAUTH_TOKEN, expires_in: 3600, token_type: "Bearer" }) });
  const account = await makeServiceAccount();
  const base_url = `http://127.0.0.1:${echo.port}`;
  gw = await openGateway({
    providers: {
      openai: { keys: [{ value: SHORT_KEY }], network_config: { base_url, extra_headers: { "x-proxy-authorization": PROXY_AUTH, "x-proxy-tenant": PROXY_SHORT } } },
      anthropic: { keys: [{ value: ANTHROPIC_KEY }], network_config: { base_url } },
      gemini: { keys: [{ value: GEMINI_KEY }], network_config: { base_url } },
      vertex: {
        keys: [{ value: "", vertex_key_config: { project_id: "proj", region: "us-central1", auth_credentials: JSON.stringify({ ...account.sa, token_uri: `http://127.0.0.1:${tokens.port}/token` }) } }],
        network_config: { base_url },
      },
    },
  });
});

afterAll(async () => {
  await gw?.close();
  echo?.stop(true);
  tokens?.stop(true);
  clearTokenCache();
  setLogLevel("info");
});

const chat = (model: string, stream = false) =>
  fetch(gw.url + "/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model, stream, messages: [{ role: "user", content: "hi" }] }) });

function expectNoCredential(text: string) {
  for (const c of CREDENTIALS) expect(text).not.toContain(c);
}

describe("an upstream that echoes the request headers into its error", () => {
  for (const model of ["openai/gpt-4o-mini", "anthropic/claude-3-5-haiku-latest", "gemini/gemini-2.0-flash", "vertex/gemini-2.0-flash"]) {
    test(`${model}: the unary answer carries no credential the gateway sent`, async () => {
      const res = await chat(model);
      const text = await res.text();
      expect(res.status).toBe(400);
      // The echo did happen: the message is the upstream's, with the credentials masked.
      expect(text).toContain("you sent");
      expect(text.toLowerCase()).toContain("[redacted]");
      expectNoCredential(text);
    });
  }

  test("openai stream: the error event carries no extra_headers value nor the short key", async () => {
    const res = await chat("openai/gpt-4o-mini", true);
    const text = await res.text();
    expect(text).toContain("you sent");
    expect(text).toContain("[REDACTED]");
    expect(text).toContain("data: ");
    expectNoCredential(text);
  });

  test("the OAuth token was sent (so its redaction is real)", async () => {
    const res = await chat("vertex/gemini-2.0-flash");
    expect(await res.text()).toContain("authorization");
  });

  test("no log line, at any level, shows a credential", () => {
    expect(gw.output().length).toBeGreaterThan(0);
    expectNoCredential(gw.output());
  });
});
