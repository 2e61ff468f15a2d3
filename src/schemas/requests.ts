/** Validation of inbound canonical requests: compiled checks on the hot path, paths in the errors. */
import type { TSchema } from "@sinclair/typebox";
import { BifrostError } from "./error";
import { compile, schemaProblems } from "./check";
import { ChatRequestSchema, type ChatRequest } from "./chat";
import { EmbeddingRequestSchema, type EmbeddingRequest } from "./embeddings";
import { RerankRequestSchema, type RerankRequest } from "./rerank";
import { SpeechRequestSchema, type SpeechRequest, type TranscriptionRequest } from "./audio";
import { ImageGenerationRequestSchema, type ImageGenerationRequest } from "./images";
import { Type as t } from "@sinclair/typebox";
import type { StreamOp, UnaryOp } from "./ops";


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


function validator<T>(schema: TSchema) {
  const check = compile(schema);
  return (body: unknown): T => {
    if (!check.Check(body)) fail(schema, body);
    return body as T;
  };
}

export const validateChatRequest = validator<ChatRequest>(ChatRequestSchema);
export const validateEmbeddingRequest = validator<EmbeddingRequest>(EmbeddingRequestSchema);
export const validateRerankRequest = validator<RerankRequest>(RerankRequestSchema);
export const validateSpeechRequest = validator<SpeechRequest>(SpeechRequestSchema);
export const validateImageRequest = validator<ImageGenerationRequest>(ImageGenerationRequestSchema);
export const validateTextCompletionRequest = validator<Record<string, unknown> & { model: string; fallbacks?: string[] }>(
  t.Object(
    {
      model: t.String({ minLength: 1, maxLength: 512 }),
      prompt: t.Union([t.String(), t.Array(t.String()), t.Array(t.Integer()), t.Array(t.Array(t.Integer()))]),
      max_tokens: t.Optional(t.Integer()),
      temperature: t.Optional(t.Number()),
      stream: t.Optional(t.Boolean()),
      fallbacks: t.Optional(t.Array(t.String({ minLength: 1 }))),
    },
    { additionalProperties: true },
  ),
);

/** A Responses API request passed through to a provider that serves it natively: the gateway reads only model and fallbacks. */
export const validateResponsesRequest = validator<Record<string, unknown> & { model: string; fallbacks?: string[] }>(
  t.Object(
    {
      model: t.String({ minLength: 1, maxLength: 512 }),
      stream: t.Optional(t.Boolean()),
      fallbacks: t.Optional(t.Array(t.String({ minLength: 1 }))),
    },
    { additionalProperties: true },
  ),
);

export const validateTranscriptionRequest = validator<TranscriptionRequest>(
  t.Object(
    {
      model: t.String({ minLength: 1, maxLength: 512 }),
      file: t.Object({ name: t.String(), type: t.String(), base64: t.String({ minLength: 1 }) }),
      language: t.Optional(t.String()),
      prompt: t.Optional(t.String()),
      response_format: t.Optional(t.String()),
      temperature: t.Optional(t.Number()),
    },
    { additionalProperties: true },
  ),
);

/** The canonical request's check for each operation that takes a body. */
const BY_OP: Record<UnaryOp | StreamOp, (body: unknown) => unknown> = {
  chat: validateChatRequest,
  chatStream: validateChatRequest,
  textCompletion: validateTextCompletionRequest,
  textCompletionStream: validateTextCompletionRequest,
  embeddings: validateEmbeddingRequest,
  rerank: validateRerankRequest,
  speech: validateSpeechRequest,
  transcription: validateTranscriptionRequest,
  imageGeneration: validateImageRequest,
  // A token count's request is the chat request it would be (src/schemas/tokens.ts).
  countTokens: validateChatRequest,
  responses: validateResponsesRequest,
  responsesStream: validateResponsesRequest,
};

export function validateRequest(op: UnaryOp | StreamOp, body: unknown): unknown {
  return BY_OP[op](body);
}
