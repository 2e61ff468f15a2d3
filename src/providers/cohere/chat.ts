/** Canonical chat request → Cohere v2 /v2/chat request. Built field by field: Cohere rejects OpenAI-only fields. */
import type { ChatRequest } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import type { ProviderTarget, WireRequest } from "../types";
import { cohereHeaders } from "./headers";
import { toCohereMessages } from "./messages";
import { toCohereThinking } from "./thinking";
import { toCohereTools } from "./tools";
import type { CohereChatRequest, CohereResponseFormat } from "./types";

/** Cohere-only fields a client may send through the gateway; passed as given. */
const COHERE_FIELDS = ["safety_mode", "documents", "citation_options", "strict_tools", "priority"] as const;

export function toCohereRequest(req: ChatRequest, target: ProviderTarget, stream: boolean): CohereChatRequest {
  if (req.n !== undefined && req.n > 1) throw BifrostError.badRequest("n > 1 is not supported by cohere", "n");
  const body: CohereChatRequest = { model: target.model, messages: toCohereMessages(req.messages), ...toCohereTools(req) };
  if (stream) body.stream = true;

  const maxTokens = req.max_completion_tokens ?? req.max_tokens;
  if (maxTokens !== undefined) body.max_tokens = maxTokens;
  const stop = typeof req.stop === "string" ? [req.stop] : req.stop;
  if (stop && stop.length) body.stop_sequences = stop;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.top_p !== undefined) body.p = req.top_p;
  if (req.top_k !== undefined) body.k = req.top_k;
  if (req.seed !== undefined) body.seed = req.seed;
  if (req.frequency_penalty !== undefined) body.frequency_penalty = req.frequency_penalty;
  if (req.presence_penalty !== undefined) body.presence_penalty = req.presence_penalty;
  if (req.logprobs) body.logprobs = true;
  if (req.response_format) body.response_format = toCohereResponseFormat(req.response_format as Record<string, any>);
  const thinking = toCohereThinking(req);
  if (thinking) body.thinking = thinking;
  for (const f of COHERE_FIELDS) if (req[f] !== undefined) (body as Record<string, unknown>)[f] = req[f];
  return body;
}

/** json_schema becomes Cohere's json_object with the schema attached. */
function toCohereResponseFormat(rf: Record<string, any>): CohereResponseFormat {
  if (rf.type === "text") return { type: "text" };
  if (rf.type === "json_object") return rf.schema ? { type: "json_object", json_schema: rf.schema } : { type: "json_object" };
  if (rf.type === "json_schema") {
    const schema = rf.json_schema?.schema;
    return schema && typeof schema === "object" ? { type: "json_object", json_schema: schema } : { type: "json_object" };
  }
  throw BifrostError.badRequest(`response_format type "${rf.type}" is not supported by cohere`, "response_format.type");
}

export function cohereChatRequest(req: ChatRequest, target: ProviderTarget, stream: boolean): WireRequest {
  return {
    url: `${target.baseUrl}/v2/chat`,
    method: "POST",
    headers: cohereHeaders(target),
    body: JSON.stringify(toCohereRequest(req, target, stream)),
  };
}
