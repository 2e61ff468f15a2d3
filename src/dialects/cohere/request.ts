/** Cohere v2 chat request → canonical chat request; the model name is kept as the client gave it ("provider/model" routes). */
import type { ChatRequest } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import type { IngressParams } from "../types";
import { toChatMessages } from "./messages";
import { toChatToolChoice, toChatTools } from "./tools";

/** Cohere-only fields kept on the canonical request: the Cohere adapter sends them on, others ignore or refuse them. */
const COHERE_FIELDS = ["documents", "citation_options", "safety_mode", "priority"] as const;

const NUMBERS = { temperature: "temperature", seed: "seed", frequency_penalty: "frequency_penalty", presence_penalty: "presence_penalty", p: "top_p" } as const;

export function toChatRequest(body: any, params: IngressParams): ChatRequest {
  if (!body || typeof body !== "object" || Array.isArray(body)) throw BifrostError.badRequest("request body must be a JSON object");
  const model = typeof body.model === "string" && body.model ? body.model : params.model;
  if (!model) throw required("model");
  if (body.messages == null) throw required("messages");
  if (!Array.isArray(body.messages) || body.messages.length === 0) throw BifrostError.badRequest("messages: must be a non-empty list", "messages");

  const req: ChatRequest = { model, messages: toChatMessages(body.messages) };
  if (body.max_tokens != null) {
    if (!Number.isInteger(body.max_tokens)) throw BifrostError.badRequest("max_tokens: must be an integer", "max_tokens");
    req.max_tokens = body.max_tokens;
  }
  for (const [from, to] of Object.entries(NUMBERS)) {
    if (body[from] == null) continue;
    if (typeof body[from] !== "number") throw BifrostError.badRequest(`${from}: must be a number`, from);
    (req as Record<string, unknown>)[to] = body[from];
  }
  // k = 0 is Cohere's "no top-k".
  if (body.k != null && body.k !== 0) req.top_k = body.k;
  if (body.stop_sequences != null) {
    if (!Array.isArray(body.stop_sequences) || !body.stop_sequences.every((s: unknown) => typeof s === "string")) {
      throw BifrostError.badRequest("stop_sequences: must be a list of strings", "stop_sequences");
    }
    if (body.stop_sequences.length) req.stop = body.stop_sequences;
  }
  if (body.logprobs === true) req.logprobs = true;
  if (body.tools != null) {
    const tools = toChatTools(body.tools, body.strict_tools === true);
    if (tools.length) req.tools = tools;
  }
  Object.assign(req, toChatToolChoice(body.tool_choice));
  if (body.response_format != null) req.response_format = toResponseFormat(body.response_format);
  Object.assign(req, toReasoning(body.thinking));
  for (const f of COHERE_FIELDS) if (body[f] != null) req[f] = body[f];
  if (body.stream === true || params.stream === true) {
    req.stream = true;
    // message-end reports usage, so the upstream must send it.
    req.stream_options = { include_usage: true };
  }
  return req;
}

function toResponseFormat(rf: any): NonNullable<ChatRequest["response_format"]> {
  if (rf?.type === "text") return { type: "text" };
  if (rf?.type === "json_object") {
    const schema = rf.json_schema;
    if (!schema || typeof schema !== "object") return { type: "json_object" };
    // A schema is OpenAI's json_schema format; Cohere gives it no name, so it gets a neutral one.
    const withSchema = { type: "json_schema", json_schema: { name: "response", schema } };
    return withSchema;
  }
  throw BifrostError.badRequest('response_format.type: must be "text" or "json_object"', "response_format.type");
}

/** thinking → OpenAI-style reasoning: a budget when given, max_tokens 0 to turn it off. */
function toReasoning(thinking: any): Pick<ChatRequest, "reasoning"> {
  if (thinking == null) return {};
  if (thinking.type === "disabled") return { reasoning: { max_tokens: 0 } };
  if (thinking.type !== "enabled") throw BifrostError.badRequest('thinking.type: must be "enabled" or "disabled"', "thinking.type");
  if (thinking.token_budget == null) return { reasoning: { effort: "medium" } };
  if (!Number.isInteger(thinking.token_budget) || thinking.token_budget < 1) {
    throw BifrostError.badRequest("thinking.token_budget: must be a positive integer", "thinking.token_budget");
  }
  return { reasoning: { max_tokens: thinking.token_budget } };
}

function required(field: string): BifrostError {
  return BifrostError.badRequest(`${field}: field required`, field);
}
