/** Converse request (model from the path) → canonical chat request. */
import type { ChatRequest } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import type { IngressParams } from "../types";
import { toChatMessages } from "./messages";
import { toChatTools } from "./tools";

export function toChatRequest(body: any, params: IngressParams): ChatRequest {
  if (!body || typeof body !== "object" || Array.isArray(body)) throw BifrostError.badRequest("request body must be a JSON object");
  const model = modelFromPath(params.model);
  if (!Array.isArray(body.messages)) throw BifrostError.badRequest("messages: must be an array", "messages");

  const req: ChatRequest = { model, messages: toChatMessages(body.system, body.messages) };
  Object.assign(req, inference(body.inferenceConfig));
  if (body.toolConfig != null) Object.assign(req, toChatTools(body.toolConfig));
  Object.assign(req, modelFields(body.additionalModelRequestFields));
  if (params.stream) {
    req.stream = true;
    // ConverseStream ends with a metadata event carrying usage, so the upstream must report it.
    req.stream_options = { include_usage: true };
  }
  return req;
}

/** The SDKs escape the model id as one path segment ("openai%2Fgpt-4o-mini"); routers may or may not have decoded it. */
function modelFromPath(raw: string | undefined): string {
  if (!raw) throw BifrostError.badRequest("model: the model id is required in the path /model/{modelId}/converse", "model");
  let model = raw;
  try {
    model = decodeURIComponent(raw);
  } catch {
    // Not percent-encoded after all: the id as given.
  }
  return model;
}

function inference(cfg: any): Partial<ChatRequest> {
  if (cfg == null) return {};
  if (typeof cfg !== "object") throw BifrostError.badRequest("inferenceConfig: must be an object", "inferenceConfig");
  const out: Partial<ChatRequest> = {};
  if (cfg.maxTokens != null) {
    if (!Number.isInteger(cfg.maxTokens)) throw BifrostError.badRequest("inferenceConfig.maxTokens: must be an integer", "inferenceConfig.maxTokens");
    out.max_tokens = cfg.maxTokens;
  }
  if (cfg.temperature != null) out.temperature = number(cfg.temperature, "inferenceConfig.temperature");
  if (cfg.topP != null) out.top_p = number(cfg.topP, "inferenceConfig.topP");
  if (cfg.stopSequences != null) {
    if (!Array.isArray(cfg.stopSequences) || !cfg.stopSequences.every((s: unknown) => typeof s === "string")) {
      throw BifrostError.badRequest("inferenceConfig.stopSequences: must be an array of strings", "inferenceConfig.stopSequences");
    }
    if (cfg.stopSequences.length) out.stop = cfg.stopSequences;
  }
  return out;
}

/** The Claude fields Converse clients send through additionalModelRequestFields; others have no canonical meaning. */
function modelFields(fields: any): Partial<ChatRequest> {
  if (!fields || typeof fields !== "object") return {};
  const out: Partial<ChatRequest> = {};
  const thinking = fields.thinking;
  if (thinking?.type === "enabled") {
    if (!Number.isInteger(thinking.budget_tokens)) {
      throw BifrostError.badRequest("additionalModelRequestFields.thinking.budget_tokens: must be an integer", "additionalModelRequestFields.thinking.budget_tokens");
    }
    out.reasoning = { max_tokens: thinking.budget_tokens };
  }
  if (Number.isInteger(fields.top_k)) out.top_k = fields.top_k;
  return out;
}

function number(v: unknown, param: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw BifrostError.badRequest(`${param}: must be a number`, param);
  return v;
}
