/** Validation of inbound canonical requests: compiled checks on the hot path, paths in the errors. */
import type { TSchema } from "@sinclair/typebox";
import { BifrostError } from "./error";
import { compile, schemaProblems } from "./check";
import { ChatRequestSchema, type ChatRequest } from "./chat";
import { EmbeddingRequestSchema, type EmbeddingRequest } from "./embeddings";

const chatCheck = compile(ChatRequestSchema);
const embeddingCheck = compile(EmbeddingRequestSchema);

function fail(schema: TSchema, value: unknown): never {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw BifrostError.badRequest("request body must be a JSON object");
  }
  const problems = schemaProblems(schema, value);
  const first = problems[0] ?? "(root): invalid request";
  const param = first.slice(0, first.indexOf(":"));
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more: ${problems.slice(1, 4).join("; ")})` : "";
  throw BifrostError.badRequest(`invalid request: ${first}${more}`, param === "(root)" ? null : param, "invalid_request");
}

export function validateChatRequest(body: unknown): ChatRequest {
  if (!chatCheck.Check(body)) fail(ChatRequestSchema, body);
  return body as ChatRequest;
}

export function validateEmbeddingRequest(body: unknown): EmbeddingRequest {
  if (!embeddingCheck.Check(body)) fail(EmbeddingRequestSchema, body);
  return body as EmbeddingRequest;
}
