/** Canonical chat request → Gemini generateContent request. Built field by field: Gemini rejects unknown fields. */
import type { ChatRequest } from "../../schemas/chat";
import { modelPathSegments } from "../../core/model-name";
import { BifrostError } from "../../schemas/error";
import type { ProviderTarget, WireRequest } from "../types";
import { toGenerationConfig } from "./config";
import { toGeminiContents } from "./contents";
import { geminiHeaders } from "./headers";
import { toGeminiToolConfig, toGeminiTools } from "./tools";
import type { GeminiRequest } from "./types";

export function toGeminiRequest(req: ChatRequest): GeminiRequest {
  const { systemInstruction, contents } = toGeminiContents(req.messages);
  if (contents.length === 0) throw BifrostError.badRequest("messages must include a user or assistant message", "messages");
  const body: GeminiRequest = { contents };
  if (systemInstruction) body.systemInstruction = systemInstruction;
  // A toolConfig without tools means nothing, so tool_choice alone is dropped.
  if (req.tools && req.tools.length) {
    body.tools = toGeminiTools(req.tools);
    const toolConfig = toGeminiToolConfig(req.tool_choice);
    if (toolConfig) body.toolConfig = toolConfig;
  }
  const generationConfig = toGenerationConfig(req);
  if (generationConfig) body.generationConfig = generationConfig;
  return body;
}

/** `models/x` for base models; tuned models are addressed as `tunedModels/x` and kept as given. */
export function geminiModelPath(model: string): string {
  return model.startsWith("models/") || model.startsWith("tunedModels/") ? model : `models/${model}`;
}

export function geminiChatRequest(req: ChatRequest, target: ProviderTarget, stream: boolean): WireRequest {
  // Without alt=sse the stream is one long JSON array, not events.
  const method = stream ? "streamGenerateContent?alt=sse" : "generateContent";
  return {
    url: `${target.baseUrl}/v1beta/${modelPathSegments(geminiModelPath(target.model))}:${method}`,
    method: "POST",
    headers: geminiHeaders(target),
    body: JSON.stringify(toGeminiRequest(req)),
  };
}
