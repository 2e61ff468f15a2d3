import { BifrostError } from "../../schemas/error";
import type { ProviderTarget } from "../types";

/** Upstream error → BifrostError, keeping the upstream status and message. OpenAI-style bodies and the common variants. */
export function openAIError(status: number, bodyText: string, target: ProviderTarget): BifrostError {
  let message = "";
  let type: string | undefined;
  let code: string | null = null;
  let param: string | null = null;
  try {
    const body = JSON.parse(bodyText);
    const e = Array.isArray(body) ? body[0]?.error : body?.error ?? body;
    if (typeof e === "string") message = e;
    else if (e && typeof e === "object") {
      message = typeof e.message === "string" ? e.message : typeof e.detail === "string" ? e.detail : "";
      if (typeof e.type === "string") type = e.type;
      if (e.code != null) code = String(e.code);
      if (typeof e.param === "string") param = e.param;
    }
  } catch {
    message = bodyText.trim().slice(0, 500);
  }
  return new BifrostError({
    status,
    message: message || `upstream returned ${status}`,
    type,
    code,
    param,
    isBifrostError: false,
    extra: { provider: target.provider },
  });
}
