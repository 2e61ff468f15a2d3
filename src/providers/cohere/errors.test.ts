import { expect, test } from "bun:test";
import { cohereError } from "./errors";
import { fixtureText, target, TEST_KEY } from "./__fixtures__";

test.each([
  [400, "error-invalid-request.json", "invalid request: model 'command-z' not found"],
  [401, "error-unauthorized.json", "invalid api token"],
  [429, "error-rate-limit.json", "You are using a Trial key"],
])("%i %s keeps status and Cohere's message", (status, file, message) => {
  const e = cohereError(status, fixtureText(file), target());
  expect(e.status).toBe(status);
  expect(e.message).toStartWith(message);
  expect(e.isBifrostError).toBe(false);
  expect(e.extra).toEqual({ provider: "cohere" });
});

test("the status decides the type", () => {
  expect(cohereError(401, fixtureText("error-unauthorized.json"), target()).type).toBe("authentication_error");
  expect(cohereError(429, fixtureText("error-rate-limit.json"), target()).type).toBe("rate_limit_error");
});

test("OpenAI-shaped and plain-text bodies from proxies are read too", () => {
  expect(cohereError(502, '{"error":{"message":"bad gateway"}}', target()).message).toBe("bad gateway");
  expect(cohereError(503, "upstream connect error", target()).message).toBe("upstream connect error");
  expect(cohereError(500, "", target()).message).toBe("upstream returned 500");
});

test("an echoed API key is redacted", () => {
  expect(cohereError(401, JSON.stringify({ message: `bad key ${TEST_KEY}` }), target()).message).toBe("bad key [redacted]");
});
