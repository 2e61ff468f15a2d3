import { describe, expect, test } from "bun:test";
import { BifrostError } from "../../schemas/error";
import { errorBody } from "./errors";

describe("responses error bodies", () => {
  test("OpenAI's shape with the status kept", () => {
    const e = new BifrostError({ status: 429, message: "slow down", code: "rate_limit_exceeded", param: null });
    expect(errorBody(e)).toEqual({ status: 429, body: { error: { message: "slow down", type: "rate_limit_error", param: null, code: "rate_limit_exceeded" } } });
  });

  test("a 400 names its param", () => {
    expect(errorBody(BifrostError.badRequest("store must be false", "store", "unsupported_parameter")).body.error).toEqual({
      message: "store must be false",
      type: "invalid_request_error",
      param: "store",
      code: "unsupported_parameter",
    });
  });
});
