/**
 * Service-account access tokens: minted with a signed JWT, cached per service account until a
 * minute before they expire, one exchange at a time per account however many requests wait.
 */
import { registerSecret } from "../../log";
import { BifrostError } from "../../schemas/error";
import type { ServiceAccount } from "./config";
import { DEFAULT_TOKEN_URI, signServiceAccountJwt } from "./jwt";

export type TokenFetcher = (url: string, init: RequestInit) => Promise<Response>;

/** Refresh this long before expiry so a token never dies in flight. */
const EARLY_REFRESH_MS = 60_000;
/** The token endpoint is called before the request's own timeout starts: it gets its own. */
const TOKEN_TIMEOUT_MS = 10_000;

const defaultFetcher: TokenFetcher = (url, init) => fetch(url, init);
let fetcher: TokenFetcher = defaultFetcher;
const cache = new Map<string, { token: string; expiresAt: number }>();
const inflight = new Map<string, Promise<string>>();

/** Tests answer the token exchange themselves; null restores fetch. */
export function setTokenFetcher(f: TokenFetcher | null): void {
  fetcher = f ?? defaultFetcher;
}

export function clearTokenCache(): void {
  cache.clear();
  inflight.clear();
}

export function accessToken(sa: ServiceAccount, now: Date): Promise<string> {
  const key = sa.client_email;
  const hit = cache.get(key);
  if (hit && now.getTime() < hit.expiresAt - EARLY_REFRESH_MS) return Promise.resolve(hit.token);
  let pending = inflight.get(key);
  if (!pending) {
    pending = mint(sa, now).finally(() => inflight.delete(key));
    inflight.set(key, pending);
  }
  return pending;
}

async function mint(sa: ServiceAccount, now: Date): Promise<string> {
  const assertion = await signServiceAccountJwt(sa, now);
  const form = new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion });
  let res: Response;
  let text: string;
  try {
    res = await fetcher(sa.token_uri || DEFAULT_TOKEN_URI, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form.toString(),
      signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
      // A redirect would carry the signed assertion to wherever it points: it is an error instead.
      redirect: "manual",
    });
    text = await res.text();
  } catch {
    throw new BifrostError({ status: 502, type: "upstream_error", code: "token_exchange_failed", message: "vertex token endpoint is unreachable" });
  }
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {}
  if (!res.ok || typeof json?.access_token !== "string") throw exchangeError(res.status, json);
  registerSecret(json.access_token);
  const ttlMs = (typeof json.expires_in === "number" ? json.expires_in : 3600) * 1000;
  cache.set(sa.client_email, { token: json.access_token, expiresAt: now.getTime() + ttlMs });
  return json.access_token;
}

/** A refused grant is the key's fault (401, so the key is rotated); a failing endpoint is Google's (502). */
function exchangeError(status: number, json: any): BifrostError {
  const reason = [json?.error, json?.error_description].filter((s) => typeof s === "string").join(": ");
  const client = status >= 400 && status < 500;
  return new BifrostError({
    status: client ? 401 : 502,
    type: client ? "authentication_error" : "upstream_error",
    code: "token_exchange_failed",
    message: `vertex token exchange failed (HTTP ${status})${reason ? `: ${reason}` : ""}`,
    isBifrostError: false,
  });
}
