import type { ProviderTarget } from "../types";

/** ElevenLabs authenticates with xi-api-key; extra headers win (names lower-cased so they replace, not duplicate). */
export function elevenlabsHeaders(target: ProviderTarget, json = true): Record<string, string> {
  const headers: Record<string, string> = json ? { "content-type": "application/json" } : {};
  if (target.apiKey) headers["xi-api-key"] = target.apiKey;
  for (const [name, value] of Object.entries(target.extraHeaders)) headers[name.toLowerCase()] = value;
  return headers;
}
