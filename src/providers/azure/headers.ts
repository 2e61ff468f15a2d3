import type { ProviderTarget } from "../types";
import type { AzureRoute } from "./config";

/** api-key for resource keys, a bearer token for Entra ID; extra headers win (names lower-cased so they replace). */
export function azureHeaders(target: ProviderTarget, route: AzureRoute): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (target.apiKey) {
    if (route.bearer) headers.authorization = `Bearer ${target.apiKey}`;
    else headers["api-key"] = target.apiKey;
  }
  for (const [name, value] of Object.entries(target.extraHeaders)) headers[name.toLowerCase()] = value;
  return headers;
}
