/** Responses API request → canonical chat request. */
import type { ChatRequest } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import type { IngressParams } from "../types";
import { toChatMessages } from "./input";
import { rejectStatefulParams } from "./stateless";
import { toChatToolChoice, toChatTools, toResponseFormat } from "./tools";

export function toChatRequest(body: any, _params: IngressParams): ChatRequest {
  if (!body || typeof body !== "object" || Array.isArray(body)) throw BifrostError.badRequest("request body must be a JSON object");
  if (typeof body.model !== "string" || !body.model) throw required("model");
  rejectStatefulParams(body);
  if (body.input == null) throw required("input");

  const req: ChatRequest = { model: body.model, messages: toChatMessages(body.input, body.instructions) };
  if (req.messages.length === 0) throw BifrostError.badRequest("input: must not be empty", "input");
  if (body.tools != null) {
    const tools = toChatTools(body.tools);
    if (tools.length) req.tools = tools;
  }
  if (body.tool_choice != null) req.tool_choice = toChatToolChoice(body.tool_choice);
  if (typeof body.parallel_tool_calls === "boolean") req.parallel_tool_calls = body.parallel_tool_calls;
  if (body.max_output_tokens != null) req.max_completion_tokens = body.max_output_tokens;
  if (body.temperature != null) req.temperature = body.temperature;
  if (body.top_p != null) req.top_p = body.top_p;
  const format = toResponseFormat(body.text?.format);
  if (format) req.response_format = format;
  if (typeof body.reasoning?.effort === "string") req.reasoning_effort = body.reasoning.effort;
  if (body.metadata != null) req.metadata = body.metadata;
  const user = body.user ?? body.safety_identifier;
  if (typeof user === "string" && user) req.user = user;
  if (body.stream === true) {
    req.stream = true;
    // response.completed reports usage, so the upstream must send it.
    req.stream_options = { include_usage: true };
  }
  return req;
}

function required(field: string): BifrostError {
  return BifrostError.badRequest(`${field}: field required`, field);
}
