/** Anthropic Messages request → canonical chat request; the model name is kept as the client gave it. */
import type { ChatRequest } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import type { IngressParams } from "../types";
import { toChatMessages } from "./messages";
import { toChatToolChoice, toChatTools } from "./tools";

export function toChatRequest(body: any, _params: IngressParams): ChatRequest {
  if (!body || typeof body !== "object" || Array.isArray(body)) throw BifrostError.badRequest("request body must be a JSON object");
  if (typeof body.model !== "string" || !body.model) throw required("model");
  if (body.max_tokens == null) throw required("max_tokens");
  if (!Number.isInteger(body.max_tokens)) throw BifrostError.badRequest("max_tokens: must be an integer", "max_tokens");
  if (body.messages == null) throw required("messages");
  if (!Array.isArray(body.messages)) throw BifrostError.badRequest("messages: must be an array", "messages");

  const req: ChatRequest = { model: body.model, messages: toChatMessages(body.system, body.messages), max_tokens: body.max_tokens };
  if (body.stop_sequences != null) {
    if (!Array.isArray(body.stop_sequences)) throw BifrostError.badRequest("stop_sequences: must be an array of strings", "stop_sequences");
    if (body.stop_sequences.length) req.stop = body.stop_sequences;
  }
  if (body.temperature != null) req.temperature = body.temperature;
  // -1 is LangChain ChatAnthropic's "unset" for top_k/top_p: dropped, not sent to a provider that would refuse it.
  for (const k of ["top_p", "top_k"] as const) if (body[k] != null && body[k] !== -1) req[k] = body[k];
  if (body.tools != null) {
    const tools = toChatTools(body.tools);
    if (tools.length) req.tools = tools;
  }
  Object.assign(req, toChatToolChoice(body.tool_choice));
  if (body.thinking?.type === "enabled") {
    if (!Number.isInteger(body.thinking.budget_tokens)) throw BifrostError.badRequest("thinking.budget_tokens: must be an integer", "thinking.budget_tokens");
    req.reasoning = { max_tokens: body.thinking.budget_tokens };
  }
  if (typeof body.metadata?.user_id === "string" && body.metadata.user_id) req.user = body.metadata.user_id;
  if (body.stream === true) {
    req.stream = true;
    // message_delta reports usage, so the upstream must send it.
    req.stream_options = { include_usage: true };
  }
  return req;
}

function required(field: string): BifrostError {
  return BifrostError.badRequest(`${field}: field required`, field);
}
