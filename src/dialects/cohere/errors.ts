/** BifrostError → Cohere's error body {message}, under the same status (the cohere-ai SDK maps statuses to its error classes). */
import type { CohereErrorBody } from "../../providers/cohere/types";
import type { BifrostError } from "../../schemas/error";

export function errorBody(e: BifrostError): { status: number; body: CohereErrorBody } {
  return { status: e.status, body: { message: e.message } };
}
