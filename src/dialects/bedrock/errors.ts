/** BifrostError → Bedrock's errors: a JSON {message} body over HTTP, an exception frame inside a stream. */
import { encodeException } from "../../providers/bedrock/eventstream";
import type { StreamExceptionType } from "../../providers/bedrock/types";
import type { BifrostError } from "../../schemas/error";

const HTTP_TYPE_BY_STATUS: Record<number, string> = {
  400: "ValidationException",
  401: "UnrecognizedClientException",
  403: "AccessDeniedException",
  404: "ResourceNotFoundException",
  408: "ModelTimeoutException",
  424: "ModelErrorException",
  429: "ThrottlingException",
  503: "ServiceUnavailableException",
};

/** The error name the AWS SDKs throw for a status; the HTTP layer sends it as x-amzn-errortype. */
export function bedrockErrorType(status: number): string {
  return HTTP_TYPE_BY_STATUS[status] ?? (status >= 500 ? "InternalServerException" : "ValidationException");
}

export function errorBody(e: BifrostError): { status: number; body: { message: string } } {
  return { status: e.status, body: { message: e.message } };
}

/** ConverseStream's modeled exceptions are the only ones the SDKs decode mid-stream. */
export function streamExceptionType(status: number): StreamExceptionType {
  if (status === 429) return "throttlingException";
  if (status === 503) return "serviceUnavailableException";
  if (status === 502 || status === 504) return "modelStreamErrorException";
  if (status >= 500) return "internalServerException";
  return "validationException";
}

export function exceptionFrame(e: BifrostError): Uint8Array {
  return encodeException(streamExceptionType(e.status), { message: e.message });
}
