/**
 * Issue 11, finding 3: x-request-id was echoed unbounded (a 5 KB id with markup came back).
 * Only a short id of safe characters is kept; anything else is replaced by a fresh one.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { requestIdOf } from "../../src/http/request-id";
import { openGateway, type Gateway } from "../support/gateway";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const withId = (id: string) => new Request("http://x/", { headers: { "x-request-id": id } });

let gw: Gateway;
beforeAll(async () => {
  gw = await openGateway({ providers: { openai: { keys: [{ value: "sk-1" }], network_config: { base_url: "http://127.0.0.1:9" } } } });
});
afterAll(async () => gw?.close());

test("a 5 KB x-request-id with markup is not echoed: the answer carries a fresh id", async () => {
  const hostile = `<script>alert(1)</script>${"A".repeat(5000)}`;
  const res = await gw.fetch("/v1/models", { headers: { "x-request-id": hostile } });
  const id = res.headers.get("x-request-id")!;
  expect(id).not.toContain("<");
  expect(id).toMatch(UUID);
});

test("a short id of [A-Za-z0-9._:-] is kept", async () => {
  const res = await gw.fetch("/v1/models", { headers: { "x-request-id": "trace-01.a:b_c" } });
  expect(res.headers.get("x-request-id")).toBe("trace-01.a:b_c");
  expect(requestIdOf(withId("x".repeat(128)))).toBe("x".repeat(128));
});

test("too long, or with any other character, is replaced", () => {
  for (const bad of ["x".repeat(129), "a b", "a/b", "a\"b", "é", "<b>"]) expect(requestIdOf(withId(bad))).toMatch(UUID);
});
