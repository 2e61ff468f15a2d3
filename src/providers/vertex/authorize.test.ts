import { afterEach, beforeAll, describe, expect, test } from "bun:test";
import type { WireRequest } from "../types";
import { authorizeVertex } from "./authorize";
import { clearTokenCache, setTokenFetcher } from "./token";
import { fixtureJson, makeServiceAccount, target, type TestServiceAccount } from "./__fixtures__";

interface Exchange {
  url: string;
  init: RequestInit;
}

let account: TestServiceAccount;
let other: TestServiceAccount;
let exchanges: Exchange[];

beforeAll(async () => {
  account = await makeServiceAccount();
  other = await makeServiceAccount("other@acme-prod.iam.gserviceaccount.com");
});

afterEach(() => {
  setTokenFetcher(null);
  clearTokenCache();
});

/** Answers the token exchange like Google does, recording what was sent. */
function answer(status = 200, body: unknown = fixtureJson("token.json")) {
  exchanges = [];
  setTokenFetcher(async (url, init) => {
    exchanges.push({ url, init });
    return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  });
}

const wire = (): WireRequest => ({ url: "https://us-central1-aiplatform.googleapis.com/v1/x:generateContent", method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
const withAccount = (a: TestServiceAccount, asString = true) =>
  target({ keyConfig: { project_id: "acme-prod", region: "us-central1", auth_credentials: asString ? JSON.stringify(a.sa) : a.sa } });
const t0 = new Date("2025-10-09T09:00:00Z");
const later = (s: number) => new Date(t0.getTime() + s * 1000);

describe("service-account tokens", () => {
  test("exchanges a signed JWT at token_uri (jwt-bearer grant) and sets authorization: Bearer <token>", async () => {
    answer();
    const out = await authorizeVertex(wire(), withAccount(account), t0);
    expect(out.headers).toEqual({ "content-type": "application/json", authorization: "Bearer ya29.c.b0AXv0zTMockAccessToken" });
    expect(out.url).toBe(wire().url);
    expect(out.body).toBe("{}");
    expect(exchanges).toHaveLength(1);
    const { url, init } = exchanges[0]!;
    expect(url).toBe("https://oauth2.googleapis.com/token");
    expect(init.method).toBe("POST");
    expect(init.headers).toEqual({ "content-type": "application/x-www-form-urlencoded" });
    const form = new URLSearchParams(init.body as string);
    expect(form.get("grant_type")).toBe("urn:ietf:params:oauth:grant-type:jwt-bearer");
    const [h, c, s] = form.get("assertion")!.split(".");
    expect(JSON.parse(Buffer.from(c!, "base64url").toString()).iss).toBe(account.sa.client_email);
    const valid = await crypto.subtle.verify("RSASSA-PKCS1-v1_5", account.publicKey, Buffer.from(s!, "base64url"), new TextEncoder().encode(`${h}.${c}`));
    expect(valid).toBe(true);
  });

  test("does not change the request it was given", async () => {
    answer();
    const w = wire();
    await authorizeVertex(w, withAccount(account), t0);
    expect(w.headers).toEqual({ "content-type": "application/json" });
  });

  test("the token is reused until 60 s before it expires, then minted again", async () => {
    answer();
    const t = withAccount(account, false);
    await authorizeVertex(wire(), t, t0);
    await authorizeVertex(wire(), t, later(3599 - 61));
    expect(exchanges).toHaveLength(1);
    await authorizeVertex(wire(), t, later(3599 - 60));
    expect(exchanges).toHaveLength(2);
  });

  test("concurrent requests share one exchange", async () => {
    answer();
    const t = withAccount(account);
    const outs = await Promise.all(Array.from({ length: 20 }, () => authorizeVertex(wire(), t, t0)));
    expect(exchanges).toHaveLength(1);
    expect(new Set(outs.map((o) => o.headers.authorization)).size).toBe(1);
  });

  test("tokens are cached per service account", async () => {
    answer();
    await authorizeVertex(wire(), withAccount(account), t0);
    await authorizeVertex(wire(), withAccount(other), t0);
    await authorizeVertex(wire(), withAccount(account), t0);
    expect(exchanges).toHaveLength(2);
  });

  test("a refused grant is a 401 with Google's reason, and nothing is cached", async () => {
    answer(400, fixtureJson("token-error.json"));
    const failed = authorizeVertex(wire(), withAccount(account), t0);
    await expect(failed).rejects.toMatchObject({ status: 401, type: "authentication_error", message: "vertex token exchange failed (HTTP 400): invalid_grant: Invalid JWT Signature." });
    answer();
    await authorizeVertex(wire(), withAccount(account), t0);
    expect(exchanges).toHaveLength(1);
  });

  test("a failing token endpoint is a 502; an unreachable one too", async () => {
    answer(503, { error: "backend_error" });
    await expect(authorizeVertex(wire(), withAccount(account), t0)).rejects.toMatchObject({ status: 502, type: "upstream_error" });
    setTokenFetcher(async () => {
      throw new TypeError("fetch failed");
    });
    await expect(authorizeVertex(wire(), withAccount(account), t0)).rejects.toMatchObject({ status: 502, message: "vertex token endpoint is unreachable" });
  });

  test("a 200 without access_token is not taken for a token", async () => {
    answer(200, { token_type: "Bearer" });
    await expect(authorizeVertex(wire(), withAccount(account), t0)).rejects.toMatchObject({ status: 502 });
  });
});

describe("other ways to authenticate", () => {
  test("without auth_credentials, the key's value is sent as a ready bearer token (no exchange)", async () => {
    answer();
    const out = await authorizeVertex(wire(), target({ apiKey: "ya29.pre-minted" }), t0);
    expect(out.headers.authorization).toBe("Bearer ya29.pre-minted");
    expect(exchanges).toHaveLength(0);
  });

  test("service-account credentials win over a key value", async () => {
    answer();
    const out = await authorizeVertex(wire(), { ...withAccount(account), apiKey: "ignored" }, t0);
    expect(out.headers.authorization).toBe("Bearer ya29.c.b0AXv0zTMockAccessToken");
  });

  test("an authorization header already on the request (extra headers) is kept as is", async () => {
    answer();
    const w = { ...wire(), headers: { authorization: "Bearer from-proxy" } };
    expect(await authorizeVertex(w, withAccount(account), t0)).toBe(w);
    expect(exchanges).toHaveLength(0);
  });

  test("neither credentials nor a key value is a 401", async () => {
    await expect(authorizeVertex(wire(), target(), t0)).rejects.toMatchObject({ status: 401, type: "authentication_error" });
  });
});
