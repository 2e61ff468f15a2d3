/** Canonical rerank ⇄ Cohere v2 /v2/rerank. v2 takes documents as strings and never returns them: they are echoed from the request. */
import { BifrostError } from "../../schemas/error";
import type { RerankRequest, RerankResponse } from "../../schemas/rerank";
import type { ProviderTarget, WireRequest } from "../types";
import { cohereHeaders } from "./headers";
import type { CohereRerankRequest, CohereRerankResponse } from "./types";

const documentText = (d: RerankRequest["documents"][number]): string => (typeof d === "string" ? d : d.text);

export function toCohereRerankRequest(req: RerankRequest, target: ProviderTarget): CohereRerankRequest {
  const body: CohereRerankRequest = { model: target.model, query: req.query, documents: req.documents.map(documentText) };
  if (req.top_n !== undefined) body.top_n = req.top_n;
  if (req.max_tokens_per_doc !== undefined) body.max_tokens_per_doc = req.max_tokens_per_doc;
  return body;
}

export function cohereRerankRequest(req: RerankRequest, target: ProviderTarget): WireRequest {
  return { url: `${target.baseUrl}/v2/rerank`, method: "POST", headers: cohereHeaders(target), body: JSON.stringify(toCohereRerankRequest(req, target)) };
}

/** `req` (the canonical request) lets documents be echoed when it asked for return_documents. */
export function fromCohereRerankResponse(body: CohereRerankResponse, target: ProviderTarget, req?: RerankRequest): RerankResponse {
  if (!body || !Array.isArray(body.results)) {
    throw new BifrostError({ status: 502, type: "upstream_error", message: "upstream answered without results", extra: { provider: target.provider } });
  }
  const echo = req?.return_documents === true;
  const results = body.results.map((r): RerankResponse["results"][number] => {
    const result: RerankResponse["results"][number] = { index: r.index, relevance_score: r.relevance_score };
    const original = req?.documents[r.index];
    if (echo && original !== undefined) result.document = { text: documentText(original) };
    else if (echo && typeof r.document?.text === "string") result.document = { text: r.document.text };
    return result;
  });
  const response: RerankResponse = { object: "list", model: target.model, results };
  if (body.id) response.id = body.id;
  const searchUnits = body.meta?.billed_units?.search_units;
  if (searchUnits !== undefined) response.usage = { search_units: searchUnits };
  return response;
}
