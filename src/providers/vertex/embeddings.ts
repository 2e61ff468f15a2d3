/** Canonical embeddings ⇄ Vertex's :predict for Google embedding models (instances in, predictions out). */
import type { EmbeddingRequest, EmbeddingResponse } from "../../schemas/embeddings";
import { BifrostError } from "../../schemas/error";
import { embeddingTexts } from "../gemini";
import type { ProviderTarget, WireRequest } from "../types";
import { vertexHeaders } from "./chat";
import { readVertexConfig } from "./config";
import { vertexModelUrl } from "./urls";

export interface VertexPredictResponse {
  predictions?: Array<{ embeddings?: { values?: number[]; statistics?: { token_count?: number; truncated?: boolean } } }>;
}

export function vertexEmbeddingRequest(req: EmbeddingRequest, target: ProviderTarget): WireRequest {
  const body: Record<string, unknown> = { instances: embeddingTexts(req).map((content) => ({ content })) };
  if (req.dimensions !== undefined) body.parameters = { outputDimensionality: req.dimensions };
  return { url: vertexModelUrl(target, readVertexConfig(target), "google", "predict"), method: "POST", headers: vertexHeaders(target), body: JSON.stringify(body) };
}

export function fromVertexEmbeddings(body: VertexPredictResponse, target: ProviderTarget): EmbeddingResponse {
  if (!body || !Array.isArray(body.predictions)) {
    throw new BifrostError({ status: 502, type: "upstream_error", message: "upstream answered without predictions", extra: { provider: target.provider } });
  }
  let tokens = 0;
  const data = body.predictions.map((p, index) => {
    tokens += p?.embeddings?.statistics?.token_count ?? 0;
    return { object: "embedding" as const, index, embedding: Array.isArray(p?.embeddings?.values) ? p.embeddings.values : [] };
  });
  return { object: "list", data, model: target.model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}
