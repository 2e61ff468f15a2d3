/** ListFoundationModels (control plane) → canonical model entries. */
import type { ModelEntry } from "../../schemas/models";
import type { ProviderTarget, WireRequest } from "../types";
import { baseHeaders, controlPlaneBase } from "./config";
import type { FoundationModelSummary } from "./types";

export function bedrockModelsRequest(target: ProviderTarget): WireRequest {
  const { "content-type": _, ...headers } = baseHeaders(target);
  return { url: `${controlPlaneBase(target)}/foundation-models`, method: "GET", headers };
}

export function fromBedrockModels(body: { modelSummaries?: FoundationModelSummary[] }, target: ProviderTarget): ModelEntry[] {
  const summaries: unknown[] = Array.isArray(body?.modelSummaries) ? body.modelSummaries : [];
  return summaries
    .filter((m: any) => m && typeof m.modelId === "string")
    .map((m: any) => ({
      id: `${target.provider}/${m.modelId}`,
      object: "model" as const,
      // ListFoundationModels has no creation date.
      created: 0,
      owned_by: typeof m.providerName === "string" && m.providerName ? m.providerName.toLowerCase() : "bedrock",
    }));
}
