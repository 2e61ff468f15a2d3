/**
 * POST /genai/{v}/models/{m}:embedContent ({content, outputDimensionality?} → {embedding:{values}}) and
 * :batchEmbedContents ({requests:[{model, content, …}]} → {embeddings:[{values}]}), through canonical embeddings.
 */
import type { EmbeddingResponse } from "../../schemas/embeddings";
import type { EmbeddingRequest } from "../../schemas/embeddings";
import { BifrostError } from "../../schemas/error";
import type { UnaryIngress } from "../unary";
import { genaiErrorBody } from "./errors";
import { field, isObject } from "./fields";
import { modelFromPath } from "./request";

export const genaiEmbedContent: UnaryIngress<EmbeddingResponse> = {
  op: "embeddings",
  toRequest(body, params) {
    if (!isObject(body)) throw BifrostError.badRequest("request body must be a JSON object");
    return embeddingRequest(modelFromPath(params.model), [contentText(field(body, "content"), "content")], field(body, "outputDimensionality"));
  },
  fromAnswer: (res) => ({ embedding: { values: vector(res.data[0]?.embedding) } }),
  errorBody: genaiErrorBody,
};

export const genaiBatchEmbedContents: UnaryIngress<EmbeddingResponse> = {
  op: "embeddings",
  toRequest(body, params) {
    const requests = isObject(body) ? field(body, "requests") : undefined;
    if (!Array.isArray(requests) || !requests.length) throw BifrostError.badRequest("requests must be a non-empty list", "requests");
    const texts = requests.map((r, i) => contentText(isObject(r) ? field(r, "content") : undefined, `requests[${i}].content`));
    return embeddingRequest(modelFromPath(params.model), texts, field(requests[0], "outputDimensionality"));
  },
  fromAnswer: (res) => ({ embeddings: [...res.data].sort((a, b) => a.index - b.index).map((d) => ({ values: vector(d.embedding) })) }),
  errorBody: genaiErrorBody,
};

function embeddingRequest(model: string, texts: string[], dimensions: unknown): EmbeddingRequest {
  const req: EmbeddingRequest = { model, input: texts.length === 1 ? texts[0]! : texts };
  if (dimensions !== undefined) {
    if (!Number.isInteger(dimensions) || (dimensions as number) < 1) throw BifrostError.badRequest("outputDimensionality must be a positive integer", "outputDimensionality");
    req.dimensions = dimensions as number;
  }
  return req;
}

/** A Content's text parts, joined: embeddings take text only. */
function contentText(content: unknown, param: string): string {
  const parts = isObject(content) ? field(content, "parts") : undefined;
  const text = Array.isArray(parts) ? parts.map((p) => (isObject(p) && typeof p.text === "string" ? p.text : "")).filter(Boolean).join(" ") : "";
  if (!text) throw BifrostError.badRequest(`${param} must have a text part`, param);
  return text;
}

/** Canonical embeddings are floats, or base64 little-endian float32 when an upstream sent them so. */
function vector(e: number[] | string | undefined): number[] {
  if (Array.isArray(e)) return e;
  if (typeof e !== "string") return [];
  const bytes = Buffer.from(e, "base64");
  return Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / 4)));
}
