/** A key's secrets registered with the logger, so that no log line shows them. */
import type { ResolvedKey } from "../config/resolved";
import { registerSecret } from "../log";

/** Names of settings that hold secrets (AWS secret keys, service-account JSON, tokens, …). */
export const SECRET_FIELD = /key|secret|token|password|credential|private/i;

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
