import { describe, expect, test } from "bun:test";
import { authorizeBedrock } from "./authorize";
import { bedrockChatRequest } from "./chat";
import { sha256Hex } from "./sigv4";
import { verifySignature } from "./sigv4-verify";
import { ACCESS_KEY, SECRET_KEY, target } from "./__fixtures__";

const NOW = new Date("2025-06-01T10:20:30Z");
const wire = (t = target()) => bedrockChatRequest({ model: "m", messages: [{ role: "user", content: "Hi" }] }, t, false);

describe("SigV4 with bedrock_key_config", () => {
  test("adds host, x-amz-date, x-amz-content-sha256 and an authorization for service bedrock in the key's region", () => {
    const signed = authorizeBedrock(wire(), target(), NOW);
    expect(signed.headers).toMatchObject({
      host: "bedrock-runtime.us-west-2.amazonaws.com",
      "x-amz-date": "20250601T102030Z",
      "x-amz-content-sha256": sha256Hex(wire().body as string),
    });
    expect(signed.headers.authorization).toStartWith(
      `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY}/20250601/us-west-2/bedrock/aws4_request, SignedHeaders=accept;content-type;host;x-amz-content-sha256;x-amz-date, Signature=`,
    );
    expect(signed.url).toBe(wire().url);
    expect(signed.body).toBe(wire().body);
  });

  test("the signature verifies against the final bytes, and not against changed ones", () => {
    const signed = authorizeBedrock(wire(), target(), NOW);
    expect(verifySignature({ method: "POST", url: signed.url, headers: signed.headers, secretKey: SECRET_KEY })).toBe(true);
    const tampered = { ...signed.headers, "x-amz-content-sha256": sha256Hex('{"messages":[]}') };
    expect(verifySignature({ method: "POST", url: signed.url, headers: tampered, secretKey: SECRET_KEY })).toBe(false);
  });

  test("a session token is sent and signed", () => {
    const t = target({ keyConfig: { access_key: ACCESS_KEY, secret_key: SECRET_KEY, session_token: "FwoGZXIvYXdzEBY", region: "us-west-2" } });
    const signed = authorizeBedrock(wire(t), t, NOW);
    expect(signed.headers["x-amz-security-token"]).toBe("FwoGZXIvYXdzEBY");
    expect(signed.headers.authorization).toContain(";x-amz-security-token,");
  });

  test("IAM credentials win over an API key", () => {
    expect(authorizeBedrock(wire(), target({ apiKey: "br-key" }), NOW).headers.authorization).toStartWith("AWS4-HMAC-SHA256 ");
  });

  test("the input wire request is not mutated", () => {
    const w = wire();
    const before = structuredClone(w);
    authorizeBedrock(w, target(), NOW);
    expect(w).toEqual(before);
  });
});

describe("Bedrock API key", () => {
  test("without access_key the API key goes as a bearer token, nothing else added", () => {
    const t = target({ apiKey: "ABSKQmVkcm9ja0FQSUtleS1leGFtcGxl", keyConfig: { region: "us-west-2" } });
    const signed = authorizeBedrock(wire(t), t, NOW);
    expect(signed.headers).toEqual({ ...wire(t).headers, authorization: "Bearer ABSKQmVkcm9ja0FQSUtleS1leGFtcGxl" });
  });

  test("neither credentials nor an API key is a 401 naming what to configure", () => {
    const t = target({ keyConfig: {} });
    expect(() => authorizeBedrock(wire(t), t, NOW)).toThrow(expect.objectContaining({ status: 401, code: "missing_credentials" }));
  });
});
