import { describe, expect, test } from "bun:test";
import { signServiceAccountJwt } from "./jwt";
import { makeServiceAccount } from "./__fixtures__";

const decode = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
const at = new Date("2025-10-09T09:00:00Z");

describe("signServiceAccountJwt", () => {
  test("RS256 header with the key id; claims name the account, cloud-platform scope, token_uri audience, one hour", async () => {
    const { sa } = await makeServiceAccount();
    const [header, claims] = (await signServiceAccountJwt(sa, at)).split(".");
    expect(decode(header!)).toEqual({ alg: "RS256", typ: "JWT", kid: "4f1c2d3e5a6b7c8d9e0f" });
    const iat = at.getTime() / 1000;
    expect(decode(claims!)).toEqual({
      iss: "bifrost-test@acme-prod.iam.gserviceaccount.com",
      scope: "https://www.googleapis.com/auth/cloud-platform",
      aud: "https://oauth2.googleapis.com/token",
      iat,
      exp: iat + 3600,
    });
  });

  test("the signature verifies with the account's public key, and not after tampering", async () => {
    const { sa, publicKey } = await makeServiceAccount();
    const jwt = await signServiceAccountJwt(sa, at);
    const [h, c, s] = jwt.split(".");
    const verify = (input: string) => crypto.subtle.verify("RSASSA-PKCS1-v1_5", publicKey, Buffer.from(s!, "base64url"), new TextEncoder().encode(input));
    expect(await verify(`${h}.${c}`)).toBe(true);
    expect(await verify(`${h}.${c}x`)).toBe(false);
    expect(jwt).not.toMatch(/[+/=]/);
  });

  test("a key pasted with literal \\n (as env vars keep it) still works; no token_uri means Google's", async () => {
    const { sa, publicKey } = await makeServiceAccount();
    const flat = { ...sa, private_key: sa.private_key.replace(/\n/g, "\\n"), token_uri: undefined, private_key_id: undefined };
    const [h, c, s] = (await signServiceAccountJwt(flat, at)).split(".");
    expect(decode(h!)).toEqual({ alg: "RS256", typ: "JWT" });
    expect(decode(c!).aud).toBe("https://oauth2.googleapis.com/token");
    expect(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", publicKey, Buffer.from(s!, "base64url"), new TextEncoder().encode(`${h}.${c}`))).toBe(true);
  });

  test("a key that is not PKCS#8 is a configuration error", async () => {
    const { sa } = await makeServiceAccount();
    await expect(signServiceAccountJwt({ ...sa, private_key: "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----" }, at)).rejects.toMatchObject({
      status: 500,
      code: "provider_misconfigured",
    });
  });
});
