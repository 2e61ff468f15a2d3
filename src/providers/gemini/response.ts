/** Gemini GenerateContentResponse → canonical chat completion. */
import type { ChatResponse } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import type { ProviderTarget } from "../types";
import { mapFinishReason, toUsage } from "./finish";
import { blockedRefusal, toAssistantMessage } from "./parts";
import type { GeminiResponse } from "./types";

export function fromGeminiResponse(body: GeminiResponse, target: ProviderTarget, now = Date.now): ChatResponse {
  if (!body || typeof body !== "object") throw malformed(target, "upstream answered without a response object");
  const candidates = Array.isArray(body.candidates) ? body.candidates : [];
  let calls = 0;
  const nextCall = () => calls++;
  let choices: ChatResponse["choices"];

  if (candidates.length) {
    choices = candidates.map((c, i) => {
      const message = toAssistantMessage(Array.isArray(c?.content?.parts) ? c.content.parts : [], nextCall);
      return { index: c?.index ?? i, message, finish_reason: mapFinishReason(c?.finishReason, !!message.tool_calls) ?? "stop" };
    });
  } else if (body.promptFeedback?.blockReason) {
    const { blockReason, blockReasonMessage } = body.promptFeedback;
    const refusal = blockedRefusal(blockReason, blockReasonMessage);
    choices = [{ index: 0, message: { role: "assistant", content: null, refusal }, finish_reason: "content_filter" }];
  } else {
    throw malformed(target, "upstream answered without candidates");
  }

  const response: ChatResponse = {
    id: body.responseId || `chatcmpl-${crypto.randomUUID()}`,
    object: "chat.completion",
    created: Math.floor(now() / 1000),
    model: body.modelVersion || target.model,
    choices,
  };
  if (body.usageMetadata) response.usage = toUsage(body.usageMetadata);
  return response;
}

function malformed(target: ProviderTarget, message: string): BifrostError {
  return new BifrostError({ status: 502, type: "upstream_error", message, extra: { provider: target.provider } });
}
