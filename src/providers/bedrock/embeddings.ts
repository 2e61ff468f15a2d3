/**
 * Embeddings through InvokeModel (/model/{id}/invoke): Titan takes one text per call, Cohere a list.
 * The adapter sends one request, so Titan accepts a single input only.
 */
import type { EmbeddingRequest, EmbeddingResponse } from "../../schemas/embeddings";
import { BifrostError } from "../../schemas/error";
import type { ProviderTarget, WireRequest } from "../types";
import { baseHeaders, modelPath, runtimeBase } from "./config";
import type { CohereEmbeddingRequest, CohereEmbeddingResponse, TitanEmbeddingRequest, TitanEmbeddingResponse } from "./types";

type Family = "titan" | "cohere";

export function embeddingFamily(model: string): Family | undefined {
  if (/(?:^|[./])amazon\.titan-embed/.test(model)) return "titan";
  if (/(?:^|[./])cohere\.embed/.test(model)) return "cohere";
  return undefined;
}

export function bedrockEmbeddingRequest(req: EmbeddingRequest, target: ProviderTarget): WireRequest {
  const texts = inputTexts(req.input);
  let body: TitanEmbeddingRequest | CohereEmbeddingRequest;
  switch (familyOf(target)) {
    case "titan":
      if (texts.length !== 1) {
        throw BifrostError.badRequest(`amazon.titan-embed models embed one text per request; send input as a single string (got ${texts.length})`, "input");
      }
      body = { inputText: texts[0]! };
      if (req.dimensions !== undefined) body.dimensions = req.dimensions;
      break;
    case "cohere": {
      const inputType = typeof req.input_type === "string" ? req.input_type : "search_document";
      body = { texts, input_type: inputType };
      if (req.dimensions !== undefined) {
        // Only Embed v4 lets the caller pick the size.
        if (!/embed-v4/.test(target.model)) throw BifrostError.badRequest(`dimensions is not supported by ${target.model}`, "dimensions");
        body.output_dimension = req.dimensions;
      }
      break;
    }
  }
  return { url: `${runtimeBase(target)}${modelPath(target)}/invoke`, method: "POST", headers: baseHeaders(target), body: JSON.stringify(body) };
}

/** Always floats: the provider call re-encodes them as base64 for clients that asked for it. */
export function fromBedrockEmbedding(body: TitanEmbeddingResponse | CohereEmbeddingResponse, target: ProviderTarget): EmbeddingResponse {
  const vectors = familyOf(target) === "titan" ? [(body as TitanEmbeddingResponse).embedding] : cohereVectors(body as CohereEmbeddingResponse);
  if (!vectors.every((v) => Array.isArray(v))) {
    throw new BifrostError({ status: 502, type: "upstream_error", message: "upstream answered without embeddings", extra: { provider: target.provider } });
  }
  // Titan counts input tokens; Cohere on Bedrock reports them only in a response header.
  const tokens = familyOf(target) === "titan" ? ((body as TitanEmbeddingResponse).inputTextTokenCount ?? 0) : 0;
  return {
    object: "list",
    data: vectors.map((embedding, index) => ({ object: "embedding", index, embedding })),
    model: target.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

function cohereVectors(body: CohereEmbeddingResponse): number[][] {
  const e = body?.embeddings;
  if (Array.isArray(e)) return e;
  return e && Array.isArray(e.float) ? e.float : [undefined as unknown as number[]];
}

function familyOf(target: ProviderTarget): Family {
  const family = embeddingFamily(target.model);
  if (!family) throw BifrostError.badRequest(`${target.model} is not a bedrock embedding model this gateway speaks (amazon.titan-embed-*, cohere.embed-*)`, "model");
  return family;
}

function inputTexts(input: EmbeddingRequest["input"]): string[] {
  if (typeof input === "string") return [input];
  if (Array.isArray(input) && input.every((x) => typeof x === "string")) return input as string[];
  throw BifrostError.badRequest("bedrock embeddings take text: input must be a string or an array of strings, not token ids", "input");
}
