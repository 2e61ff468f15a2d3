/** Canonical image generation: OpenAI's /v1/images/generations. */
import { Type as t, type Static } from "@sinclair/typebox";

export const ImageGenerationRequestSchema = t.Object(
  {
    model: t.String({ minLength: 1, maxLength: 512 }),
    prompt: t.String({ minLength: 1, maxLength: 32_000 }),
    n: t.Optional(t.Integer()),
    size: t.Optional(t.String()),
    quality: t.Optional(t.String()),
    style: t.Optional(t.String()),
    response_format: t.Optional(t.Union([t.Literal("url"), t.Literal("b64_json")])),
    user: t.Optional(t.String()),
    fallbacks: t.Optional(t.Array(t.String({ minLength: 1 }))),
  },
  { additionalProperties: true },
);
export type ImageGenerationRequest = Static<typeof ImageGenerationRequestSchema> & Record<string, unknown>;

export interface ImageGenerationResponse {
  created: number;
  data: Array<{ url?: string; b64_json?: string; revised_prompt?: string }>;
  usage?: Record<string, unknown>;
  extra_fields?: { provider: string; model_requested: string; latency_ms?: number };
  [k: string]: unknown;
}
