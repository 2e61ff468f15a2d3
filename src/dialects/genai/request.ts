/** A GenAI GenerateContentRequest (model and streaming from the path) → canonical chat request. */
import type { ChatRequest } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import type { IngressParams } from "../types";
import { applyGenerationConfig } from "./config";
import { field, isObject } from "./fields";
import { toCanonicalMessages } from "./messages";
import { toCanonicalToolChoice, toCanonicalTools } from "./tools";

export function genaiToChatRequest(body: unknown, params: IngressParams): ChatRequest {
  if (!isObject(body)) throw BifrostError.badRequest("request body must be a JSON object");
  const messages = toCanonicalMessages(field(body, "contents"), field(body, "systemInstruction"));
  if (!messages.some((m) => m.role !== "system")) throw BifrostError.badRequest("contents must not be empty", "contents");
  const req: ChatRequest = { model: modelFromPath(params.model), messages };
  // Usage comes last in a GenAI stream; OpenAI-compatible upstreams only send it when asked.
  if (params.stream) {
    req.stream = true;
    req.stream_options = { include_usage: true };
  }
  const tools = toCanonicalTools(field(body, "tools"));
  if (tools && tools.length) {
    req.tools = tools;
    const choice = toCanonicalToolChoice(field(body, "toolConfig"));
    if (choice) req.tool_choice = choice;
  }
  applyGenerationConfig(field(body, "generationConfig"), req);
  return req;
}

/** The {model} path segment: SDKs send "models/x"; "provider/model" may arrive percent-encoded. */
export function modelFromPath(raw: string | undefined): string {
  let model = raw ?? "";
  if (model.includes("%")) {
    try {
      model = decodeURIComponent(model);
    } catch {}
  }
  model = model.replace(/^models\//, "");
  if (!model) throw BifrostError.badRequest("the model is missing from the path (…/models/{model}:generateContent)", "model");
  return model;
}
