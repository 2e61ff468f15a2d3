import { describe, expect, test } from "bun:test";
import { BifrostError } from "../../schemas/error";
import { bedrockError, streamExceptionStatus } from "./errors";
import { fixtureText, SECRET_KEY, target } from "./__fixtures__";

describe("bedrockError", () => {
  test("keeps the upstream status and {message}; marks it as an upstream error", () => {
    const e = bedrockError(400, fixtureText("error-validation.json"), target());
    expect(e).toBeInstanceOf(BifrostError);
    expect(e.toJSON()).toEqual({
      is_bifrost_error: false,
      status_code: 400,
      error: { type: "invalid_request_error", code: null, message: "A conversation must start with a user message. Try again with a conversation that starts with a user message.", param: null },
      extra_fields: { provider: "bedrock" },
    });
  });

  test("reads {Message} too (the IAM layer's spelling)", () => {
    const e = bedrockError(403, fixtureText("error-access-denied.json"), target());
    expect(e.status).toBe(403);
    expect(e.type).toBe("permission_error");
    expect(e.message).toStartWith("User: arn:aws:iam::123456789012:user/gateway is not authorized");
  });

  test("a 429 stays a 429 (the retry layer reads the status)", () => {
    expect(bedrockError(429, fixtureText("error-throttling.json"), target())).toMatchObject({ status: 429, type: "rate_limit_error", message: "Too many requests, please wait before trying again." });
  });

  test("__type or code in the body becomes the error code, with AWS's decorations stripped", () => {
    expect(bedrockError(400, '{"__type":"com.amazon.coral.validate#ValidationException","message":"bad"}', target()).code).toBe("ValidationException");
    expect(bedrockError(403, '{"code":"UnrecognizedClientException:http://internal.amazon.com/coral/","message":"bad"}', target()).code).toBe("UnrecognizedClientException");
  });

  test("a non-JSON body becomes the trimmed text, at most 500 characters; an empty one says the status", () => {
    expect(bedrockError(502, "  <html>Bad Gateway</html>\n", target()).message).toBe("<html>Bad Gateway</html>");
    expect(bedrockError(502, "x".repeat(2000), target()).message).toHaveLength(500);
    expect(bedrockError(503, "", target()).message).toBe("upstream returned 503");
  });

  test("never includes the secret key, session token or API key, even if echoed back", () => {
    const t = target({ apiKey: "bedrock-api-key-ABCDEFGH", keyConfig: { access_key: "AK", secret_key: SECRET_KEY, session_token: "session-token-123456" } });
    const body = JSON.stringify({ message: `bad ${SECRET_KEY} session-token-123456 bedrock-api-key-ABCDEFGH` });
    expect(bedrockError(403, body, t).message).toBe("bad [redacted] [redacted] [redacted]");
  });
});

describe("streamExceptionStatus", () => {
  test.each([
    ["throttlingException", 429],
    ["validationException", 400],
    ["modelStreamErrorException", 500],
    ["internalServerException", 500],
    ["serviceUnavailableException", 503],
    [undefined, 502],
    ["brandNewException", 502],
  ])("%s → %d", (type, status) => {
    expect(streamExceptionStatus(type)).toBe(status);
  });
});
