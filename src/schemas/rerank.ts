/** Canonical rerank: Cohere's shape, as the Go Bifrost exposes it at /v1/rerank. */
import { Type as t, type Static } from "@sinclair/typebox";

export const RerankRequestSchema = t.Object(
  {
    model: t.String({ minLength: 1, maxLength: 512 }),
    query: t.String({ minLength: 1 }),
    documents: t.Array(t.Union([t.String(), t.Object({ text: t.String() }, { additionalProperties: true })]), { minItems: 1, maxItems: 10000 }),
    top_n: t.Optional(t.Integer()),
    return_documents: t.Optional(t.Boolean()),
    max_tokens_per_doc: t.Optional(t.Integer()),
    fallbacks: t.Optional(t.Array(t.String({ minLength: 1 }))),
  },
  { additionalProperties: true },
);
export type RerankRequest = Static<typeof RerankRequestSchema> & Record<string, unknown>;

export interface RerankResponse {
  id?: string;
  object: "list";
  model: string;
  results: Array<{ index: number; relevance_score: number; document?: { text: string } }>;
  usage?: { search_units?: number; prompt_tokens?: number; total_tokens?: number };
  extra_fields?: { provider: string; model_requested: string; latency_ms?: number };
}
