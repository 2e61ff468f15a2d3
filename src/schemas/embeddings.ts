/** Canonical embeddings schema: OpenAI's. */
import { Type as t, type Static } from "@sinclair/typebox";

export const EmbeddingRequestSchema = t.Object(
  {
    model: t.String({ minLength: 1, maxLength: 512 }),
    input: t.Union([
      t.String(),
      t.Array(t.String(), { minItems: 1 }),
      t.Array(t.Integer(), { minItems: 1 }),
      t.Array(t.Array(t.Integer(), { minItems: 1 }), { minItems: 1 }),
    ]),
    encoding_format: t.Optional(t.Union([t.Literal("float"), t.Literal("base64")])),
    dimensions: t.Optional(t.Integer()),
    user: t.Optional(t.String()),
    fallbacks: t.Optional(t.Array(t.String({ minLength: 1 }))),
  },
  { additionalProperties: true },
);

export type EmbeddingRequest = Static<typeof EmbeddingRequestSchema> & Record<string, unknown>;

export interface EmbeddingResponse {
  object: "list";
  data: Array<{ object: "embedding"; index: number; embedding: number[] | string }>;
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
  extra_fields?: { provider: string; model_requested: string; latency_ms?: number };
  [k: string]: unknown;
}
