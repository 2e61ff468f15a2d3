import { describe, expect, test } from "bun:test";
import { BifrostError } from "../../schemas/error";
import { errorBody } from "./errors";

describe("anthropic error bodies", () => {
  test.each([
    [400, "invalid_request_error"],
    [401, "authentication_error"],
    [403, "permission_error"],
    [404, "not_found_error"],
    [413, "request_too_large"],
    [422, "invalid_request_error"],
    [429, "rate_limit_error"],
    [500, "api_error"],
    [502, "api_error"],
    [504, "timeout_error"],
    [529, "overloaded_error"],
  ])("status %i → %s, status kept", (status, type) => {
    expect(errorBody(new BifrostError({ status, message: "boom" }))).toEqual({ status, body: { type: "error", error: { type, message: "boom" } } });
  });
});
