/** ElevenLabs error bodies ({detail:{status,message}}, or FastAPI's {detail:[{loc,msg}]}) → BifrostError, keeping the status. */
import { BifrostError } from "../../schemas/error";
import type { ProviderTarget } from "../types";

export function elevenlabsError(status: number, bodyText: string, target: ProviderTarget): BifrostError {
  const { message, code } = readBody(bodyText);
  return new BifrostError({
    status,
    message: redact(message, target.apiKey) || `upstream returned ${status}`,
    code,
    isBifrostError: false,
    extra: { provider: target.provider },
  });
}

function readBody(bodyText: string): { message: string; code: string | null } {
  let body: any;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return { message: bodyText.trim().slice(0, 500), code: null };
  }
  const detail = body?.detail;
  if (typeof detail === "string") return { message: detail, code: null };
  if (Array.isArray(detail)) {
    // Validation errors: each names the field it is about.
    const message = detail.map((d: any) => (Array.isArray(d?.loc) ? `${d.msg} (${d.loc.join(".")})` : String(d?.msg ?? ""))).join("; ");
    return { message, code: "validation_error" };
  }
  if (detail && typeof detail === "object") {
    return { message: typeof detail.message === "string" ? detail.message : "", code: typeof detail.status === "string" ? detail.status : null };
  }
  return { message: typeof body?.message === "string" ? body.message : "", code: null };
}

// A proxy or misconfigured upstream could echo the key back; it never leaves the gateway.
function redact(message: string, apiKey: string): string {
  return apiKey ? message.split(apiKey).join("[redacted]") : message;
}
