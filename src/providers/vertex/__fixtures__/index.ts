/** Test helpers: recorded Vertex wire fixtures, a target, and a service account with a key made for the test. */
import { fixtures } from "../../../../tests/support/fixtures";
import type { ProviderTarget } from "../../types";
import type { ServiceAccount } from "../config";

export const { fixtureText, fixtureJson } = fixtures(import.meta.dir);
export { now, NOW_MS } from "../../../../tests/support/fixtures";

export const target = (over: Partial<ProviderTarget> = {}): ProviderTarget => ({
  provider: "vertex",
  model: "gemini-2.0-flash-001",
  baseUrl: "",
  apiKey: "",
  extraHeaders: {},
  keyConfig: { project_id: "acme-prod", region: "us-central1" },
  ...over,
});

export interface TestServiceAccount {
  sa: ServiceAccount;
  publicKey: CryptoKey;
}

/** A fresh RSA key in Google's key-file shape; the public half verifies what the adapter signs. */
export async function makeServiceAccount(email = "bifrost-test@acme-prod.iam.gserviceaccount.com"): Promise<TestServiceAccount> {
  const pair = await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  );
  const der = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
  const b64 = Buffer.from(der).toString("base64");
  const private_key = `-----BEGIN PRIVATE KEY-----\n${b64.match(/.{1,64}/g)!.join("\n")}\n-----END PRIVATE KEY-----\n`;
  return {
    sa: { client_email: email, private_key, private_key_id: "4f1c2d3e5a6b7c8d9e0f", token_uri: "https://oauth2.googleapis.com/token" },
    publicKey: pair.publicKey,
  };
}

export { splits } from "../../gemini/__fixtures__";
