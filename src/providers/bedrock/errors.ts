/** Bedrock errors → BifrostError: HTTP bodies {message} / {Message}, and in-stream exception events. */
import { BifrostError } from "../../schemas/error";
import type { ProviderTarget } from "../types";
import { bedrockConfig } from "./config";

/**
 * A non-2xx answer. Bedrock names the error in the x-amzn-errortype header, which adapters do not see;
 * when the body carries it (__type or code, as some AWS front ends send) it becomes the error code.
 */
export function bedrockError(status: number, bodyText: string, target: ProviderTarget): BifrostError {
  let message = "";
  let code: string | undefined;
  try {
    const body = JSON.parse(bodyText);
    if (body && typeof body === "object") {
      const m = body.message ?? body.Message;
      if (typeof m === "string") message = m;
      code = errorCode(body.__type ?? body.code);
    }
  } catch {
    message = bodyText.trim().slice(0, 500);
  }
  return new BifrostError({
    status,
    message: redact(message, target) || `upstream returned ${status}`,
    code: code ?? null,
    isBifrostError: false,
    extra: { provider: target.provider },
  });
}

const STREAM_EXCEPTION_STATUS: Record<string, number> = {
  throttlingException: 429,
  validationException: 400,
  modelStreamErrorException: 500,
  internalServerException: 500,
  serviceUnavailableException: 503,
  modelTimeoutException: 408,
};

/** Mid-stream exceptions arrive after a 200, so their status comes from the exception type. */
export function streamExceptionStatus(type: string | undefined): number {
  return (type && STREAM_EXCEPTION_STATUS[type]) || 502;
}

/** An `:message-type: exception` (or unmodeled `error`) frame → the error the stream ends with. */
export function streamException(type: string | undefined, payload: string, target: ProviderTarget): BifrostError {
  let message = "";
  try {
    const body = JSON.parse(payload);
    const m = body?.message ?? body?.Message;
    if (typeof m === "string") message = m;
  } catch {
    message = payload.trim().slice(0, 500);
  }
  return new BifrostError({
    status: streamExceptionStatus(type),
    message: redact(message, target) || `upstream stream failed${type ? ` (${type})` : ""}`,
    code: type ?? null,
    isBifrostError: false,
    extra: { provider: target.provider },
  });
}

/** "ValidationException:http://internal.amazon.com/…" or "com.amazon.coral#ValidationException" → "ValidationException". */
function errorCode(raw: unknown): string | undefined {
  if (typeof raw !== "string" || !raw) return undefined;
  let code = raw.split(",")[0]!.split(":")[0]!;
  if (code.includes("#")) code = code.split("#")[1]!;
  return code || undefined;
}

// A proxy or misconfigured upstream could echo a credential back; none leaves the gateway.
function redact(message: string, target: ProviderTarget): string {
  const { credentials } = bedrockConfig(target);
  const secrets = [target.apiKey, credentials?.secretKey, credentials?.sessionToken].filter((s): s is string => !!s && s.length >= 8);
  return secrets.reduce((m, s) => m.split(s).join("[redacted]"), message);
}
