import { expect, test } from "bun:test";
import { BifrostError } from "../../schemas/error";
import { errorBody } from "./errors";

test.each([400, 401, 404, 422, 429, 500, 502, 504])("status %i is kept, the body is Cohere's {message}", (status) => {
  expect(errorBody(new BifrostError({ status, message: "boom" }))).toEqual({ status, body: { message: "boom" } });
});
