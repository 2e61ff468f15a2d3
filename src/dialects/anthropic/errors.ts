/** BifrostError → Anthropic's error body {type:"error", error:{type, message}}, as the Anthropic SDKs read it. */
import type { AnthropicErrorBody } from "../../providers/anthropic/types";
import type { BifrostError } from "../../schemas/error";

const TYPE_BY_STATUS: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  504: "timeout_error",
  529: "overloaded_error",
};

/** Anthropic's own error type for a status; unlisted 4xx are invalid requests, unlisted 5xx api errors. */
export function anthropicErrorType(status: number): string {
  return TYPE_BY_STATUS[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
}

export function anthropicErrorBody(e: BifrostError): AnthropicErrorBody {
  return { type: "error", error: { type: anthropicErrorType(e.status), message: e.message } };
}

export function errorBody(e: BifrostError): { status: number; body: AnthropicErrorBody } {
  return { status: e.status, body: anthropicErrorBody(e) };
}
