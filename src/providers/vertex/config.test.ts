import { describe, expect, test } from "bun:test";
import { readVertexConfig } from "./config";
import { target } from "./__fixtures__";

const sa = { type: "service_account", client_email: "a@b.iam.gserviceaccount.com", private_key: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" };
const read = (keyConfig: Record<string, unknown> | undefined) => readVertexConfig(target({ keyConfig }));

describe("readVertexConfig", () => {
  test("project_id and region; no credentials when auth_credentials is absent or empty", () => {
    expect(read({ project_id: "p", region: "europe-west4" })).toEqual({ project: "p", region: "europe-west4" });
    expect(read({ project_id: "p", region: "global", auth_credentials: "" })).toEqual({ project: "p", region: "global" });
  });

  test("region defaults to us-central1", () => {
    expect(read({ project_id: "p" }).region).toBe("us-central1");
  });

  test("auth_credentials may be the key file's JSON text or the object itself", () => {
    expect(read({ project_id: "p", auth_credentials: JSON.stringify(sa) }).credentials).toEqual(sa);
    expect(read({ project_id: "p", auth_credentials: sa }).credentials).toEqual(sa);
  });

  test("a missing project_id is a configuration error (500) naming the field", () => {
    for (const keyConfig of [undefined, {}, { project_id: "  " }]) {
      expect(() => read(keyConfig)).toThrow(expect.objectContaining({ status: 500, code: "provider_misconfigured", message: expect.stringContaining("project_id") }));
    }
  });

  test("auth_credentials that are not JSON, or lack client_email/private_key, are configuration errors", () => {
    expect(() => read({ project_id: "p", auth_credentials: "{nope" })).toThrow(expect.objectContaining({ status: 500, message: expect.stringContaining("not valid JSON") }));
    expect(() => read({ project_id: "p", auth_credentials: { client_email: "x" } })).toThrow(expect.objectContaining({ status: 500, message: expect.stringContaining("private_key") }));
  });
});
