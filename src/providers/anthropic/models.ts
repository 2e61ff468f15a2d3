/** Anthropic's model listing → canonical model entries. */
import type { ModelEntry } from "../../schemas/models";
import type { ProviderTarget, WireRequest } from "../types";
import { anthropicHeaders } from "./headers";
import type { AnthropicModelList } from "./types";

/** 1000 is the API's page maximum: one page covers every model Anthropic serves. */
export function anthropicModelsRequest(target: ProviderTarget): WireRequest {
  return { url: `${target.baseUrl}/v1/models?limit=1000`, method: "GET", headers: anthropicHeaders(target) };
}

export function fromAnthropicModels(body: AnthropicModelList, target: ProviderTarget): ModelEntry[] {
  const data: unknown[] = Array.isArray(body?.data) ? body.data : [];
  return data
    .filter((m: any) => m && typeof m.id === "string")
    .map((m: any) => ({
      id: `${target.provider}/${m.id}`,
      object: "model" as const,
      created: toUnixSeconds(m.created_at),
      owned_by: "anthropic",
    }));
}

function toUnixSeconds(rfc3339: unknown): number {
  const ms = typeof rfc3339 === "string" ? Date.parse(rfc3339) : NaN;
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : 0;
}
