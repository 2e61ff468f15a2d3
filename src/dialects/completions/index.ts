/**
 * /v1/completions (legacy text completions) served by any provider through chat: the prompt becomes
 * one user message, and the chat answer comes back as text_completion objects (streaming included).
 */
import type { ChatChunk, ChatRequest, ChatResponse } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import type { IngressDialect, StreamEncoder } from "../types";

const PASSED = ["max_tokens", "temperature", "top_p", "n", "stop", "presence_penalty", "frequency_penalty", "logit_bias", "seed", "user", "fallbacks", "stream"] as const;

function toChatRequest(body: any): ChatRequest {
  if (!body || typeof body !== "object" || Array.isArray(body)) throw BifrostError.badRequest("request body must be a JSON object");
  if (typeof body.model !== "string" || !body.model) throw BifrostError.badRequest("model: required", "model");
  let prompt = body.prompt;
  if (Array.isArray(prompt)) {
    if (prompt.length !== 1 || typeof prompt[0] !== "string") throw BifrostError.badRequest("prompt: only a single text prompt is supported", "prompt");
    prompt = prompt[0];
  }
  if (typeof prompt !== "string") throw BifrostError.badRequest("prompt: expected a string", "prompt");
  if (body.suffix != null) throw BifrostError.badRequest("suffix: not supported for chat-backed completions", "suffix");
  const req: ChatRequest = { model: body.model, messages: [{ role: "user", content: prompt }] };
  for (const k of PASSED) if (body[k] !== undefined) (req as Record<string, unknown>)[k] = body[k];
  if (body.stream === true) req.stream_options = { include_usage: true };
  return req;
}

function fromChatResponse(res: ChatResponse) {
  return {
    id: res.id,
    object: "text_completion",
    created: res.created,
    model: res.model,
    choices: res.choices.map((c) => ({ text: c.message.content ?? "", index: c.index, logprobs: null, finish_reason: c.finish_reason })),
    ...(res.usage ? { usage: res.usage } : {}),
    ...(res.extra_fields ? { extra_fields: res.extra_fields } : {}),
  };
}

function streamEncoder(): StreamEncoder {
  return {
    contentType: "text/event-stream; charset=utf-8",
    chunk(c: ChatChunk) {
      const out = {
        id: c.id,
        object: "text_completion",
        created: c.created,
        model: c.model,
        choices: c.choices.map((ch) => ({ text: ch.delta.content ?? "", index: ch.index, logprobs: null, finish_reason: ch.finish_reason })),
        ...(c.usage ? { usage: c.usage } : {}),
        ...(c.extra_fields ? { extra_fields: c.extra_fields } : {}),
      };
      return [`data: ${JSON.stringify(out)}\n\n`];
    },
    end: () => ["data: [DONE]\n\n"],
    error: (e) => [`data: ${JSON.stringify(e.toJSON())}\n\n`],
  };
}

export const completionsDialect: IngressDialect = {
  name: "completions",
  toChatRequest,
  fromChatResponse,
  streamEncoder,
  errorBody: (e) => ({ status: e.status, body: e.toJSON() }),
};
