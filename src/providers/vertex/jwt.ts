/** The RS256-signed JWT a service account trades for an access token (RFC 7523 bearer grant). */
import { BifrostError } from "../../schemas/error";
import type { ServiceAccount } from "./config";

export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
export const DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";
/** Google accepts at most one hour. */
const LIFETIME_S = 3600;

const encoder = new TextEncoder();

export async function signServiceAccountJwt(sa: ServiceAccount, now: Date): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  const header = sa.private_key_id ? { alg: "RS256", typ: "JWT", kid: sa.private_key_id } : { alg: "RS256", typ: "JWT" };
  const claims = { iss: sa.client_email, scope: CLOUD_PLATFORM_SCOPE, aud: sa.token_uri || DEFAULT_TOKEN_URI, iat, exp: iat + LIFETIME_S };
  const input = `${base64url(encoder.encode(JSON.stringify(header)))}.${base64url(encoder.encode(JSON.stringify(claims)))}`;
  const key = await importPrivateKey(sa.private_key);
  const signature = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key, encoder.encode(input));
  return `${input}.${base64url(new Uint8Array(signature))}`;
}

async function importPrivateKey(pem: string): Promise<CryptoKey> {
  // Keys pasted through env vars often keep their newlines as literal "\n".
  const body = pem
    .replace(/\\n/g, "\n")
    .replace(/-----(BEGIN|END) PRIVATE KEY-----/g, "")
    .replace(/\s+/g, "");
  try {
    const der = Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
    return await crypto.subtle.importKey("pkcs8", der, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["sign"]);
  } catch {
    throw new BifrostError({
      status: 500,
      type: "server_error",
      code: "provider_misconfigured",
      message: "vertex auth_credentials.private_key is not a PKCS#8 RSA key (-----BEGIN PRIVATE KEY-----)",
    });
  }
}

export function base64url(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
