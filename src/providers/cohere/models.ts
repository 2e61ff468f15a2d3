/** Cohere's model listing (GET /v1/models) → canonical model entries. */
import type { ModelEntry } from "../../schemas/models";
import type { ProviderTarget, WireRequest } from "../types";
import { cohereHeaders } from "./headers";
import type { CohereModelList } from "./types";

/** 1000 is the API's page maximum: one page covers every model Cohere serves. */
export function cohereModelsRequest(target: ProviderTarget): WireRequest {
  return { url: `${target.baseUrl}/v1/models?page_size=1000`, method: "GET", headers: cohereHeaders(target, false) };
}

/** Cohere gives no creation time; its endpoints (chat, embed, rerank) are kept so callers can tell models apart. */
export function fromCohereModels(body: CohereModelList, target: ProviderTarget): ModelEntry[] {
  const models: unknown[] = Array.isArray(body?.models) ? body.models : [];
  return models
    .filter((m: any) => m && typeof m.name === "string")
    .map((m: any) => {
      const entry: ModelEntry = { id: `${target.provider}/${m.name}`, object: "model", created: 0, owned_by: "cohere" };
      if (Array.isArray(m.endpoints)) entry.endpoints = m.endpoints;
      if (typeof m.context_length === "number") entry.context_length = m.context_length;
      return entry;
    });
}
