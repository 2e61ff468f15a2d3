/** Canonical embeddings ⇄ Gemini batchEmbedContents: one request per input, answers in the same order. */
import { modelPathSegments } from "../../core/model-name";
import type { EmbeddingRequest, EmbeddingResponse } from "../../schemas/embeddings";
import { BifrostError } from "../../schemas/error";
import type { ProviderTarget, WireRequest } from "../types";
import { geminiModelPath } from "./chat";
import { geminiHeaders } from "./headers";
import type { GeminiBatchEmbedResponse, GeminiEmbedRequest } from "./types";

/** The inputs as text; Gemini has no token-array input. */
export function embeddingTexts(req: EmbeddingRequest): string[] {
  const inputs: unknown[] = typeof req.input === "string" ? [req.input] : req.input;
  if (!inputs.every((s) => typeof s === "string")) {
    throw BifrostError.badRequest("input must be a string or an array of strings: Google embeds text, not token arrays", "input");
  }
  return inputs as string[];
}

export function geminiEmbeddingRequest(req: EmbeddingRequest, target: ProviderTarget): WireRequest {
  const model = geminiModelPath(target.model);
  const requests = embeddingTexts(req).map((text): GeminiEmbedRequest => {
    const r: GeminiEmbedRequest = { model, content: { parts: [{ text }] } };
    if (req.dimensions !== undefined) r.outputDimensionality = req.dimensions;
    return r;
  });
  return {
    url: `${target.baseUrl}/v1beta/${modelPathSegments(model)}:batchEmbedContents`,
    method: "POST",
    headers: geminiHeaders(target),
    body: JSON.stringify({ requests }),
  };
}

export function fromGeminiEmbeddings(body: GeminiBatchEmbedResponse, target: ProviderTarget): EmbeddingResponse {
  if (!body || !Array.isArray(body.embeddings)) {
    throw new BifrostError({ status: 502, type: "upstream_error", message: "upstream answered without embeddings", extra: { provider: target.provider } });
  }
  // batchEmbedContents reports no usage on most models: 0 says "not counted", not "free".
  const tokens = body.usageMetadata?.promptTokenCount ?? 0;
  return {
    object: "list",
    data: body.embeddings.map((e, index) => ({ object: "embedding" as const, index, embedding: Array.isArray(e?.values) ? e.values : [] })),
    model: target.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
