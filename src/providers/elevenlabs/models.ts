/** ElevenLabs' model listing (GET /v1/models, a bare array) → canonical model entries. */
import type { ModelEntry } from "../../schemas/models";
import type { ProviderTarget, WireRequest } from "../types";
import { elevenlabsHeaders } from "./headers";

export function elevenlabsModelsRequest(target: ProviderTarget): WireRequest {
  return { url: `${target.baseUrl}/v1/models`, method: "GET", headers: elevenlabsHeaders(target, false) };
}

/** Only models that can speak: speech is all the gateway routes to ElevenLabs. */
export function fromElevenlabsModels(body: unknown, target: ProviderTarget): ModelEntry[] {
  const models: unknown[] = Array.isArray(body) ? body : [];
  return models
    .filter((m: any) => m && typeof m.model_id === "string" && m.can_do_text_to_speech !== false)
    .map((m: any) => {
      const entry: ModelEntry = { id: `${target.provider}/${m.model_id}`, object: "model", created: 0, owned_by: "elevenlabs" };
      if (typeof m.name === "string") entry.name = m.name;
      return entry;
    });
}
