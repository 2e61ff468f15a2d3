/** BifrostError → OpenAI's error body {error:{message, type, param, code}}, as the OpenAI SDKs read it. */
import type { BifrostError } from "../../schemas/error";
import type { OpenAIErrorBody } from "./types";

export function errorBody(e: BifrostError): { status: number; body: OpenAIErrorBody } {
  return { status: e.status, body: { error: { message: e.message, type: e.type, param: e.param, code: e.code } } };
}
