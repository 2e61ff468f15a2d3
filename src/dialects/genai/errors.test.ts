import { expect, test } from "bun:test";
import { BifrostError } from "../../schemas/error";
import { genaiErrorBody } from "./errors";

test.each([
  [400, "INVALID_ARGUMENT"],
  [401, "UNAUTHENTICATED"],
  [403, "PERMISSION_DENIED"],
  [404, "NOT_FOUND"],
  [429, "RESOURCE_EXHAUSTED"],
  [499, "CANCELLED"],
  [500, "INTERNAL"],
  [502, "UNAVAILABLE"],
  [503, "UNAVAILABLE"],
  [504, "DEADLINE_EXCEEDED"],
  [529, "UNAVAILABLE"],
  [418, "INVALID_ARGUMENT"],
  [507, "INTERNAL"],
])("status %d → Google status %s, same HTTP status", (status, name) => {
  const e = new BifrostError({ status, message: "something happened" });
  expect(genaiErrorBody(e)).toEqual({ status, body: { error: { code: status, message: "something happened", status: name } } });
});

test("an upstream Google status passes through unchanged", () => {
  const e = new BifrostError({ status: 429, message: "Quota exceeded", type: "RESOURCE_EXHAUSTED", isBifrostError: false });
  expect(genaiErrorBody(e).body).toEqual({ error: { code: 429, message: "Quota exceeded", status: "RESOURCE_EXHAUSTED" } });
  const bad = BifrostError.badRequest("contents must not be empty", "contents");
  expect(genaiErrorBody(bad).body).toEqual({ error: { code: 400, message: "contents must not be empty", status: "INVALID_ARGUMENT" } });
});
