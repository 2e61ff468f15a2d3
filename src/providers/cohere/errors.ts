/** Cohere error bodies ({id?, message}) → BifrostError, keeping the upstream status. */
import { BifrostError } from "../../schemas/error";
import type { ProviderTarget } from "../types";

export function cohereError(status: number, bodyText: string, target: ProviderTarget): BifrostError {
  return new BifrostError({
    status,
    message: redact(errorMessage(bodyText), target.apiKey) || `upstream returned ${status}`,
    isBifrostError: false,
    extra: { provider: target.provider },
  });
}

/** Cohere says `message`; proxies in front of it may answer OpenAI-style `{error:{message}}` or plain text. */
function errorMessage(bodyText: string): string {
  try {
    const body = JSON.parse(bodyText);
    if (typeof body?.message === "string") return body.message;
    if (typeof body?.error === "string") return body.error;
    if (typeof body?.error?.message === "string") return body.error.message;
    return "";
  } catch {
    return bodyText.trim().slice(0, 500);
  }
}

// A proxy or misconfigured upstream could echo the key back; it never leaves the gateway.
function redact(message: string, apiKey: string): string {
  return apiKey ? message.split(apiKey).join("[redacted]") : message;
}
