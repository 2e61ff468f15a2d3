/** Secrets registered with the logger, so that no log line shows them; and the credentials one upstream call carries. */
import type { ResolvedKey, ResolvedProvider } from "../config/resolved";
import { registerSecret } from "../log";

/** Names of settings that hold secrets (AWS secret keys, service-account JSON, tokens, …). */
export const SECRET_FIELD = /key|secret|token|password|credential|private/i;

/**
 * Request headers that carry credentials. Every `extra_headers` value counts as one too: a proxy's
 * Authorization is configured there, and the gateway cannot tell which of them a proxy treats as secret.
 */
export const AUTH_HEADER = /^(authorization|proxy-authorization|x-api-key|api-key|x-goog-api-key|x-amz-security-token|cookie)$|key|token|secret|auth/i;

/** The key's value, and the secrets inside its provider settings (AWS secret keys, service-account JSON, …). */
export function registerKeySecrets(k: ResolvedKey): void {
  registerSecret(k.value);
  if (k.config) registerConfigSecrets(k.config);
}

/** A provider's keys and every one of its `extra_headers` values. */
export function registerProviderSecrets(p: ResolvedProvider): void {
  for (const k of p.keys) registerKeySecrets(k);
  for (const v of Object.values(p.extraHeaders)) registerSecret(v);
}

function registerConfigSecrets(obj: Record<string, any>, parentSecret = false) {
  for (const v of configSecrets(obj, parentSecret)) registerSecret(v);
}

/** The secret strings inside provider settings (bedrock secret_key, session_token, vertex auth_credentials, …). */
export function configSecrets(obj: Record<string, any> | null | undefined, parentSecret = false, out: string[] = []): string[] {
  for (const [k, v] of Object.entries(obj ?? {})) {
    const secret = parentSecret || SECRET_FIELD.test(k);
    if (typeof v === "string" && secret) out.push(v);
    else if (v && typeof v === "object") configSecrets(v, secret, out);
  }
  return out;
}

/**
 * What one wire request revealed: its credential headers' values (and, for "Bearer x", the x), the
 * `extra_headers` values, the key and its settings' secrets. Hostile upstream text is masked with these.
 */
export function sentCredentials(headers: Record<string, string>, target: { apiKey: string; extraHeaders: Record<string, string>; keyConfig?: Record<string, any> }): string[] {
  const out = new Set<string>();
  const add = (v: string | undefined) => {
    if (!v) return;
    out.add(v);
    // "Bearer tok", "AWS4-HMAC-SHA256 Credential=…, Signature=…": the parts after the scheme too.
    const sp = v.indexOf(" ");
    if (sp > 0) for (const part of v.slice(sp + 1).split(/[\s,]+/)) if (part) out.add(part.includes("=") ? part.slice(part.indexOf("=") + 1) : part);
  };
  const extra = new Set(Object.keys(target.extraHeaders).map((h) => h.toLowerCase()));
  for (const [name, value] of Object.entries(headers)) if (AUTH_HEADER.test(name) || extra.has(name.toLowerCase())) add(value);
  for (const v of Object.values(target.extraHeaders)) add(v);
  add(target.apiKey);
  for (const v of configSecrets(target.keyConfig)) add(v);
  return [...out];
}
