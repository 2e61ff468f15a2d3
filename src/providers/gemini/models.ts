/** Gemini's model listing → canonical model entries, keeping only models that chat or embed. */
import type { ModelEntry } from "../../schemas/models";
import type { ProviderTarget, WireRequest } from "../types";
import { geminiHeaders } from "./headers";
import type { GeminiModelList } from "./types";

const SERVED = new Set(["generateContent", "embedContent"]);

/** 1000 is the API's page maximum: one page covers every model Google serves. */
export function geminiModelsRequest(target: ProviderTarget): WireRequest {
  return { url: `${target.baseUrl}/v1beta/models?pageSize=1000`, method: "GET", headers: geminiHeaders(target) };
}

export function fromGeminiModels(body: GeminiModelList, target: ProviderTarget): ModelEntry[] {
  const models: unknown[] = Array.isArray(body?.models) ? body.models : [];
  return models
    .filter((m: any) => m && typeof m.name === "string" && Array.isArray(m.supportedGenerationMethods) && m.supportedGenerationMethods.some((g: string) => SERVED.has(g)))
    .map((m: any) => ({
      id: `${target.provider}/${m.name.replace(/^models\//, "")}`,
      object: "model" as const,
      created: 0,
      owned_by: "google",
    }));
}
