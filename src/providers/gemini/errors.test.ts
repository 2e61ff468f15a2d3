import { describe, expect, test } from "bun:test";
import { BifrostError } from "../../schemas/error";
import { googleError, googleStreamError } from "./errors";
import { fixtureText, target, TEST_KEY } from "./__fixtures__";

describe("googleError", () => {
  test("keeps the upstream status, Google's status as type, and the message; marks it as an upstream error", () => {
    const e = googleError(400, fixtureText("error-invalid-argument.json"), target());
    expect(e).toBeInstanceOf(BifrostError);
    expect(e.toJSON()).toEqual({
      is_bifrost_error: false,
      status_code: 400,
      error: { type: "INVALID_ARGUMENT", code: null, message: "API key not valid. Please pass a valid API key.", param: null },
      extra_fields: { provider: "gemini" },
    });
  });

  test("429 RESOURCE_EXHAUSTED keeps its status for the retry policy", () => {
    const e = googleError(429, fixtureText("error-rate-limit.json"), target());
    expect([e.status, e.type]).toEqual([429, "RESOURCE_EXHAUSTED"]);
    expect(e.message).toStartWith("You exceeded your current quota");
  });

  test("an error wrapped in an array (non-SSE streams) is read the same", () => {
    expect(googleError(404, `[${fixtureText("error-invalid-argument.json")}]`, target()).type).toBe("INVALID_ARGUMENT");
  });

  test("OAuth's {error, error_description} is read too", () => {
    const e = googleError(400, '{"error":"invalid_grant","error_description":"Invalid JWT Signature."}', target());
    expect([e.type, e.message]).toEqual(["invalid_grant", "Invalid JWT Signature."]);
  });

  test("a non-JSON body becomes the trimmed text, truncated to 500 characters; an empty one says the status", () => {
    expect(googleError(502, "  <html>Bad Gateway</html>\n", target()).message).toBe("<html>Bad Gateway</html>");
    expect(googleError(502, "x".repeat(2000), target()).message).toHaveLength(500);
    expect(googleError(503, "", target()).message).toBe("upstream returned 503");
    expect(googleError(401, "nope", target()).type).toBe("authentication_error");
  });

  test("never includes the API key, even if the upstream echoes it", () => {
    const e = googleError(400, JSON.stringify({ error: { code: 400, message: `bad key ${TEST_KEY}`, status: "INVALID_ARGUMENT" } }), target());
    expect(JSON.stringify(e.toJSON())).not.toContain(TEST_KEY);
  });
});

describe("googleStreamError", () => {
  test.each([
    [503, 503],
    [429, 429],
    [200, 502],
    ["500", 502],
    [undefined, 502],
  ])("code %p → status %d", (code, status) => {
    expect(googleStreamError({ code }, JSON.stringify({ error: { code, message: "m" } }), target()).status).toBe(status);
  });
});
