/** BifrostError → Google's error body ({error:{code, message, status}}), which the GenAI SDKs parse. */
import type { BifrostError } from "../../schemas/error";

const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ABORTED",
  413: "INVALID_ARGUMENT",
  422: "INVALID_ARGUMENT",
  429: "RESOURCE_EXHAUSTED",
  499: "CANCELLED",
  500: "INTERNAL",
  501: "UNIMPLEMENTED",
  502: "UNAVAILABLE",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
  529: "UNAVAILABLE",
};

/** An upstream Google status ("RESOURCE_EXHAUSTED") passes as is; otherwise it comes from the HTTP status. */
export function googleStatus(e: BifrostError): string {
  if (/^[A-Z][A-Z_]+$/.test(e.type)) return e.type;
  return STATUS_NAMES[e.status] ?? (e.status >= 500 ? "INTERNAL" : "INVALID_ARGUMENT");
}

export function googleErrorJson(e: BifrostError): { error: { code: number; message: string; status: string } } {
  return { error: { code: e.status, message: e.message, status: googleStatus(e) } };
}

export function genaiErrorBody(e: BifrostError): { status: number; body: unknown } {
  return { status: e.status, body: googleErrorJson(e) };
}
