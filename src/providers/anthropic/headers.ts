import type { ProviderTarget } from "../types";
import { ANTHROPIC_VERSION } from "./types";

/** Anthropic's auth and version headers; extra headers win (names lower-cased so they replace, not duplicate). */
export function anthropicHeaders(target: ProviderTarget): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "anthropic-version": ANTHROPIC_VERSION,
  };
  // A keyless target (e.g. a proxy authenticating via extraHeaders) sends no empty x-api-key.
  if (target.apiKey) headers["x-api-key"] = target.apiKey;
  for (const [name, value] of Object.entries(target.extraHeaders)) headers[name.toLowerCase()] = value;
  return headers;
}
