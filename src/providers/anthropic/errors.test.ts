import { describe, expect, test } from "bun:test";
import { BifrostError } from "../../schemas/error";
import { anthropicError, streamErrorStatus } from "./errors";
import { fixtureText, target, TEST_KEY } from "./__fixtures__";

describe("anthropicError", () => {
  test("keeps the upstream status, type and message; marks it as an upstream error", () => {
    const e = anthropicError(529, fixtureText("error-overloaded.json"), target());
    expect(e).toBeInstanceOf(BifrostError);
    expect(e.toJSON()).toEqual({
      is_bifrost_error: false,
      status_code: 529,
      error: { type: "overloaded_error", code: null, message: "Overloaded", param: null },
      extra_fields: { provider: "anthropic" },
    });
  });

  test("invalid request errors keep Anthropic's message", () => {
    const e = anthropicError(400, fixtureText("error-invalid-request.json"), target());
    expect(e.status).toBe(400);
    expect(e.type).toBe("invalid_request_error");
    expect(e.message).toStartWith("messages: roles must alternate");
  });

  test("extra.provider is the configured provider name", () => {
    expect(anthropicError(500, "{}", target({ provider: "claude-eu" })).extra).toEqual({ provider: "claude-eu" });
  });

  test("a non-JSON body becomes the trimmed text, truncated to 500 characters", () => {
    expect(anthropicError(502, "  <html>Bad Gateway</html>\n", target()).message).toBe("<html>Bad Gateway</html>");
    expect(anthropicError(502, "x".repeat(2000), target()).message).toHaveLength(500);
  });

  test("an empty or message-less body says which status came back", () => {
    expect(anthropicError(503, "", target()).message).toBe("upstream returned 503");
    expect(anthropicError(500, '{"type":"error","error":{"type":"api_error"}}', target()).message).toBe("upstream returned 500");
  });

  test("the type falls back to one derived from the status", () => {
    expect(anthropicError(401, "nope", target()).type).toBe("authentication_error");
  });

  test("never includes the API key, even if the upstream echoes it", () => {
    const body = JSON.stringify({ type: "error", error: { type: "authentication_error", message: `invalid x-api-key ${TEST_KEY}` } });
    const e = anthropicError(401, body, target());
    expect(JSON.stringify(e.toJSON())).not.toContain(TEST_KEY);
    expect(anthropicError(401, `bad key ${TEST_KEY}`, target()).message).not.toContain(TEST_KEY);
  });
});

describe("streamErrorStatus", () => {
  test.each([
    ["overloaded_error", 529],
    ["rate_limit_error", 429],
    ["api_error", 500],
    ["invalid_request_error", 502],
    [undefined, 502],
  ])("%s → %d", (type, status) => {
    expect(streamErrorStatus(type)).toBe(status);
  });
});
