import { describe, expect, test } from "bun:test";
import { sha256Hex, signingKey, signRequest, toAmzDate, type SignInput } from "./sigv4";

/**
 * The AWS Signature Version 4 test suite (docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html,
 * kept in awslabs/aws-c-auth tests/aws-signing-test-suite/v4): one credential, one clock, known signatures.
 */
const SUITE = {
  accessKey: "AKIDEXAMPLE",
  secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  region: "us-east-1",
  service: "service",
  now: new Date("2015-08-30T12:36:00Z"),
};
const SCOPE = "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request";
const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

const sign = (over: Partial<SignInput> & Pick<SignInput, "method" | "url">) => signRequest({ headers: {}, ...SUITE, ...over });

describe("AWS SigV4 test suite", () => {
  test("get-vanilla", () => {
    const s = sign({ method: "GET", url: "https://example.amazonaws.com/" });
    expect(s.canonicalRequest).toBe(`GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n${EMPTY_SHA256}`);
    expect(s.headers.authorization).toBe(
      `AWS4-HMAC-SHA256 Credential=${SCOPE}, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31`,
    );
  });

  test("get-vanilla-query-order-key-case: parameters are sorted by name before signing", () => {
    const s = sign({ method: "GET", url: "https://example.amazonaws.com/?Param2=value2&Param1=value1" });
    expect(s.canonicalRequest.split("\n")[2]).toBe("Param1=value1&Param2=value2");
    expect(s.signature).toBe("b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
  });

  test("post-vanilla", () => {
    expect(sign({ method: "POST", url: "https://example.amazonaws.com/" }).signature).toBe("5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
  });

  test("post-x-www-form-urlencoded (original suite): the body is hashed into the canonical request", () => {
    const s = sign({
      method: "POST",
      url: "https://example.amazonaws.com/",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "Param1=value1",
    });
    expect(s.canonicalRequest).toBe(
      "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n" +
        "content-type;host;x-amz-date\n9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
    );
    expect(s.stringToSign).toBe(
      "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281",
    );
    expect(s.headers.authorization).toBe(
      `AWS4-HMAC-SHA256 Credential=${SCOPE}, SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a`,
    );
  });

  test("post-x-www-form-urlencoded (aws-c-auth, signed body): x-amz-content-sha256 and content-length are signed", () => {
    const s = sign({
      method: "POST",
      url: "https://example.amazonaws.com/",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": "13" },
      body: "Param1=value1",
      contentSha256Header: true,
    });
    expect(s.headers["x-amz-content-sha256"]).toBe("9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
    expect(s.headers.authorization).toBe(
      `AWS4-HMAC-SHA256 Credential=${SCOPE}, SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date, ` +
        "Signature=d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b",
    );
  });

  test("get-vanilla-with-session-token: the token is sent and signed as x-amz-security-token", () => {
    const token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
    const s = sign({ method: "GET", url: "https://example.amazonaws.com/", sessionToken: token });
    expect(s.headers["x-amz-security-token"]).toBe(token);
    expect(s.headers.authorization).toBe(
      `AWS4-HMAC-SHA256 Credential=${SCOPE}, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8`,
    );
  });

  test("the documented signing-key derivation example (20120215 / us-east-1 / iam)", () => {
    expect(signingKey(SUITE.secretKey, "20120215", "us-east-1", "iam").toString("hex")).toBe("f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
  });
});

describe("independent implementation", () => {
  test("agrees with curl 7.88.1 --aws-sigv4 on a Bedrock-shaped POST (service bedrock, us-west-2, session token, JSON body)", () => {
    // Captured from: curl --aws-sigv4 aws:amz:us-west-2:bedrock --user AKIDEXAMPLE:<suite secret> -H "X-Amz-Date: 20250102T030405Z"
    //   -H "content-type: application/json" -H "x-amz-security-token: TOKEN123" --data-binary <body> http://127.0.0.1:48123/model/…:0/converse
    // (a raw ":" in the path: curl 7.88 does not re-encode an already-encoded "%3A", newer curl and the AWS SDKs do).
    const s = signRequest({
      ...SUITE,
      method: "POST",
      url: "http://127.0.0.1:48123/model/anthropic.claude-3-5-haiku-20241022-v1:0/converse",
      headers: { "content-type": "application/json" },
      body: '{"messages":[{"role":"user","content":[{"text":"Hi"}]}]}',
      sessionToken: "TOKEN123",
      region: "us-west-2",
      service: "bedrock",
      now: new Date("2025-01-02T03:04:05Z"),
    });
    expect(s.headers.authorization).toBe(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250102/us-west-2/bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, " +
        "Signature=ff89ff1d2626fd2cea5135c6dbbfb5584a319fb5a3c1d4f0333178dbb603f03f",
    );
  });
});

describe("canonical form details", () => {
  test("the path as sent is encoded again: a model id's %3A is signed as %253A (non-S3 services)", () => {
    const s = sign({ method: "POST", url: "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse" });
    expect(s.canonicalRequest.split("\n")[1]).toBe("/model/anthropic.claude-3-5-haiku-20241022-v1%253A0/converse");
  });

  test("redundant and relative path segments are normalized away", () => {
    expect(sign({ method: "GET", url: "https://example.amazonaws.com//a//b/" }).canonicalRequest.split("\n")[1]).toBe("/a/b/");
  });

  test("query values are RFC 3986 encoded, and empty values keep their '='", () => {
    const s = sign({ method: "GET", url: "https://example.amazonaws.com/?b=x%20y&a&c=it's" });
    expect(s.canonicalRequest.split("\n")[2]).toBe("a=&b=x%20y&c=it%27s");
  });

  test("header names are lower-cased and sorted, values trimmed with inner spaces collapsed", () => {
    const s = sign({ method: "GET", url: "https://example.amazonaws.com/", headers: { "My-Header1": "  a   b  c ", Accept: "application/json" } });
    expect(s.canonicalRequest).toContain("accept:application/json\nhost:example.amazonaws.com\nmy-header1:a b c\nx-amz-date:");
    expect(s.headers.authorization).toContain("SignedHeaders=accept;host;my-header1;x-amz-date,");
  });

  test("headers proxies rewrite (user-agent) are sent but not signed; a stale authorization is replaced", () => {
    const s = sign({ method: "GET", url: "https://example.amazonaws.com/", headers: { "User-Agent": "bifrost", Authorization: "Bearer old" } });
    expect(s.headers["user-agent"]).toBe("bifrost");
    expect(s.headers.authorization).toStartWith("AWS4-HMAC-SHA256 ");
    expect(s.headers.authorization).toContain("SignedHeaders=host;x-amz-date,");
  });

  test("a non-default port is part of the signed host", () => {
    expect(sign({ method: "GET", url: "http://127.0.0.1:9100/foundation-models" }).headers.host).toBe("127.0.0.1:9100");
  });

  test("byte bodies hash the same as their string", () => {
    const a = sign({ method: "POST", url: "https://example.amazonaws.com/", body: "{\"a\":1}" });
    const b = sign({ method: "POST", url: "https://example.amazonaws.com/", body: new TextEncoder().encode("{\"a\":1}") });
    expect(a.signature).toBe(b.signature);
    expect(sha256Hex("")).toBe(EMPTY_SHA256);
  });

  test("toAmzDate is the compact UTC form", () => {
    expect(toAmzDate(new Date("2024-02-29T23:59:58.999Z"))).toBe("20240229T235958Z");
  });
});
