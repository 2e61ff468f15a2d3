import { describe, expect, test } from "bun:test";
import { signRequest } from "./sigv4";
import { parseAuthorization, verifySignature } from "./sigv4-verify";

const signed = signRequest({
  method: "POST",
  url: "http://127.0.0.1:9100/model/amazon.nova-lite-v1%3A0/converse",
  headers: { "content-type": "application/json" },
  body: '{"messages":[]}',
  accessKey: "mock-access",
  secretKey: "mock-secret",
  sessionToken: "tok",
  region: "eu-west-1",
  service: "bedrock",
  now: new Date("2025-03-04T05:06:07Z"),
  contentSha256Header: true,
});
const input = { method: "POST", url: "http://127.0.0.1:9100/model/amazon.nova-lite-v1%3A0/converse", headers: signed.headers, secretKey: "mock-secret" };

describe("parseAuthorization", () => {
  test("reads the credential scope, signed header names and signature", () => {
    expect(parseAuthorization(signed.headers.authorization)).toEqual({
      accessKey: "mock-access",
      scope: "20250304/eu-west-1/bedrock/aws4_request",
      region: "eu-west-1",
      service: "bedrock",
      signedNames: ["content-type", "host", "x-amz-content-sha256", "x-amz-date", "x-amz-security-token"],
      signature: signed.signature,
    });
  });

  test("anything else is null", () => {
    expect(parseAuthorization("Bearer abc")).toBeNull();
    expect(parseAuthorization("AWS4-HMAC-SHA256 Credential=x")).toBeNull();
    expect(parseAuthorization(undefined)).toBeNull();
  });
});

describe("verifySignature", () => {
  test("accepts the request exactly as signed", () => {
    expect(verifySignature(input)).toBe(true);
  });

  test.each([
    ["another secret", { secretKey: "other" }],
    ["another path", { url: "http://127.0.0.1:9100/model/amazon.nova-pro-v1%3A0/converse" }],
    ["another method", { method: "PUT" }],
    ["a changed signed header", { headers: { ...signed.headers, "x-amz-security-token": "stolen" } }],
    ["a changed body hash", { headers: { ...signed.headers, "x-amz-content-sha256": "0".repeat(64) } }],
    ["a missing signed header", { headers: { ...signed.headers, "content-type": undefined as unknown as string } }],
    ["a date outside the scope", { headers: { ...signed.headers, "x-amz-date": "20250305T050607Z" } }],
  ])("rejects %s", (_, over) => {
    expect(verifySignature({ ...input, ...over })).toBe(false);
  });

  test("an unsigned header added in transit does not matter", () => {
    expect(verifySignature({ ...input, headers: { ...signed.headers, "user-agent": "proxy/1.0" } })).toBe(true);
  });
});
