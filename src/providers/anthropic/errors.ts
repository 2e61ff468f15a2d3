/** Anthropic error bodies ({type:"error", error:{type, message}}) → BifrostError, keeping the upstream status. */
import { BifrostError } from "../../schemas/error";
import type { ProviderTarget } from "../types";

export function anthropicError(status: number, bodyText: string, target: ProviderTarget): BifrostError {
  let message = "";
  let type: string | undefined;
  try {
    const e = JSON.parse(bodyText)?.error;
    if (e && typeof e === "object") {
      if (typeof e.message === "string") message = e.message;
      if (typeof e.type === "string") type = e.type;
    } else if (typeof e === "string") message = e;
  } catch {
    message = bodyText.trim().slice(0, 500);
  }
  return new BifrostError({
    status,
    message: redact(message, target.apiKey) || `upstream returned ${status}`,
    type,
    isBifrostError: false,
    extra: { provider: target.provider },
  });
}

/** Mid-stream errors arrive after a 200, so their status comes from the error type. */
export function streamErrorStatus(type: string | undefined): number {
  if (type === "overloaded_error") return 529;
  if (type === "rate_limit_error") return 429;
  if (type === "api_error") return 500;
  return 502;
}

// A proxy or misconfigured upstream could echo the key back; it never leaves the gateway.
function redact(message: string, apiKey: string): string {
  return apiKey ? message.split(apiKey).join("[redacted]") : message;
}
