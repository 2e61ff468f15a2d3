import type { ProviderTarget } from "../types";

/** JSON plus the API key in x-goog-api-key (a key in the URL would end up in access logs); extra headers win. */
export function geminiHeaders(target: ProviderTarget): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  // A keyless target (a proxy authenticating via extraHeaders) sends no empty key.
  if (target.apiKey) headers["x-goog-api-key"] = target.apiKey;
  for (const [name, value] of Object.entries(target.extraHeaders)) headers[name.toLowerCase()] = value;
  return headers;
}
