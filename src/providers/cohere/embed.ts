/** Canonical embeddings ⇄ Cohere v2 /v2/embed (texts only; float vectors, or base64 ones when the client asks for them). */
import type { EmbeddingRequest, EmbeddingResponse } from "../../schemas/embeddings";
import { BifrostError } from "../../schemas/error";
import type { ProviderTarget, WireRequest } from "../types";
import { cohereHeaders } from "./headers";
import type { CohereEmbedRequest, CohereEmbedResponse } from "./types";

/** Documents for retrieval is what OpenAI-style callers mostly embed; `input_type` on the request overrides it. */
const DEFAULT_INPUT_TYPE = "search_document";

export function toCohereEmbedRequest(req: EmbeddingRequest, target: ProviderTarget): CohereEmbedRequest {
  const texts = typeof req.input === "string" ? [req.input] : req.input;
  if (!texts.every((t): t is string => typeof t === "string")) {
    throw BifrostError.badRequest("cohere embeds text only: input must be a string or an array of strings", "input");
  }
  const body: CohereEmbedRequest = {
    model: target.model,
    texts,
    input_type: typeof req.input_type === "string" ? req.input_type : DEFAULT_INPUT_TYPE,
    // Cohere's base64 is OpenAI's (little-endian float32 bytes), so the answer alone says which the client wanted.
    embedding_types: [req.encoding_format === "base64" ? "base64" : "float"],
  };
  if (req.dimensions !== undefined) body.output_dimension = req.dimensions;
  if (typeof req.truncate === "string") body.truncate = req.truncate;
  return body;
}

export function cohereEmbedRequest(req: EmbeddingRequest, target: ProviderTarget): WireRequest {
  return { url: `${target.baseUrl}/v2/embed`, method: "POST", headers: cohereHeaders(target), body: JSON.stringify(toCohereEmbedRequest(req, target)) };
}

export function fromCohereEmbedResponse(body: CohereEmbedResponse, target: ProviderTarget): EmbeddingResponse {
  const vectors: Array<number[] | string> | undefined = body?.embeddings?.float ?? body?.embeddings?.base64;
  if (!Array.isArray(vectors)) {
    throw new BifrostError({ status: 502, type: "upstream_error", message: "upstream answered without float or base64 embeddings", extra: { provider: target.provider } });
  }
  const tokens = body.meta?.billed_units?.input_tokens ?? body.meta?.tokens?.input_tokens ?? 0;
  return {
    object: "list",
    data: vectors.map((embedding, index) => ({ object: "embedding", index, embedding })),
    model: target.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
