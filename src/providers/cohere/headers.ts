import type { ProviderTarget } from "../types";

/** Cohere takes a bearer token; extra headers win (names lower-cased so they replace, not duplicate). */
export function cohereHeaders(target: ProviderTarget, json = true): Record<string, string> {
  const headers: Record<string, string> = json ? { "content-type": "application/json" } : {};
  // A keyless target (a proxy authenticating via extraHeaders) sends no empty bearer.
  if (target.apiKey) headers.authorization = `Bearer ${target.apiKey}`;
  for (const [name, value] of Object.entries(target.extraHeaders)) headers[name.toLowerCase()] = value;
  return headers;
}
