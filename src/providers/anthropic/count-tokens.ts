/** Token counting at Anthropic: POST /v1/messages/count_tokens with the Messages body's prompt fields → {input_tokens}. */
import type { ChatRequest } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import { tokenCount, type TokenCountResponse } from "../../schemas/tokens";
import type { ProviderTarget, WireRequest } from "../types";
import { toAnthropicRequest } from "./chat";
import { anthropicHeaders } from "./headers";

/** The fields count_tokens takes; it refuses the generation ones (max_tokens, temperature, stream, …). */
const COUNT_FIELDS = ["model", "messages", "system", "tools", "tool_choice", "thinking"] as const;

export function toAnthropicCountBody(req: ChatRequest, target: ProviderTarget): Record<string, unknown> {
  const full = toAnthropicRequest(req, target, false) as unknown as Record<string, unknown>;
  const body: Record<string, unknown> = {};
  for (const k of COUNT_FIELDS) if (full[k] !== undefined) body[k] = full[k];
  return body;
}

export function anthropicCountTokensRequest(req: ChatRequest, target: ProviderTarget): WireRequest {
  return { url: `${target.baseUrl}/v1/messages/count_tokens`, method: "POST", headers: anthropicHeaders(target), body: JSON.stringify(toAnthropicCountBody(req, target)) };
}

export function fromAnthropicCount(body: any, target: ProviderTarget): TokenCountResponse {
  if (!Number.isInteger(body?.input_tokens)) {
    throw new BifrostError({ status: 502, type: "upstream_error", message: "upstream answered without input_tokens", extra: { provider: target.provider } });
  }
  return tokenCount(target.model, body.input_tokens);
}
