/** Google error bodies ({error:{code, message, status}}) → BifrostError, keeping the upstream status. */
import { BifrostError } from "../../schemas/error";
import type { ProviderTarget } from "../types";

export function googleError(status: number, bodyText: string, target: ProviderTarget): BifrostError {
  let message = "";
  let type: string | undefined;
  try {
    let json = JSON.parse(bodyText);
    // streamGenerateContent without alt=sse wraps its error in an array.
    if (Array.isArray(json)) json = json[0];
    const e = json?.error;
    if (e && typeof e === "object") {
      if (typeof e.message === "string") message = e.message;
      // status is Google's ("INVALID_ARGUMENT"); type is Anthropic's, for Claude on Vertex.
      if (typeof e.status === "string") type = e.status;
      else if (typeof e.type === "string") type = e.type;
    } else if (typeof e === "string") {
      // OAuth token endpoint: {error: "invalid_grant", error_description: "..."}
      type = e;
      message = typeof json.error_description === "string" ? json.error_description : e;
    }
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

/** A stream's error event arrives after the 200; its own code is the status, or 502 when it has none. */
export function googleStreamError(error: { code?: unknown }, data: string, target: ProviderTarget): BifrostError {
  const code = typeof error?.code === "number" && error.code >= 400 && error.code <= 599 ? error.code : 502;
  return googleError(code, data, target);
}

// A proxy or misconfigured upstream could echo the key back; it never leaves the gateway.
function redact(message: string, apiKey: string): string {
  return apiKey ? message.split(apiKey).join("[redacted]") : message;
}
