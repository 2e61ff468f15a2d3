/**
 * Per-provider and per-key settings as a call envelope carries them: serialised once, not per
 * request; and the key's secrets registered so that no log line shows them.
 */
import type { ResolvedKey, ResolvedProvider } from "../config/resolved";
import { registerSecret } from "../log";

const EXTRA_HEADERS_JSON = new WeakMap<ResolvedProvider, string>();

export function extraHeadersJson(p: ResolvedProvider): string {
  let s = EXTRA_HEADERS_JSON.get(p);
  if (s === undefined) EXTRA_HEADERS_JSON.set(p, (s = Object.keys(p.extraHeaders).length ? JSON.stringify(p.extraHeaders) : ""));
  return s;
}

const KEY_CONFIG_JSON = new WeakMap<ResolvedKey, string>();

export function keyConfigJson(k: ResolvedKey): string {
  let s = KEY_CONFIG_JSON.get(k);
  if (s === undefined) KEY_CONFIG_JSON.set(k, (s = k.config ? JSON.stringify(k.config) : ""));
  return s;
}

const SECRET_FIELD = /key|secret|token|password|credential|private/i;

/** The key's value, and the secrets inside its provider settings (AWS secret keys, service-account JSON, …). */
export function registerKeySecrets(k: ResolvedKey): void {
  registerSecret(k.value);
  if (k.config) registerConfigSecrets(k.config);
}

function registerConfigSecrets(obj: Record<string, any>, parentSecret = false) {
  for (const [k, v] of Object.entries(obj)) {
    const secret = parentSecret || SECRET_FIELD.test(k);
    if (typeof v === "string" && secret) registerSecret(v);
    else if (v && typeof v === "object") registerConfigSecrets(v, secret);
  }
}
