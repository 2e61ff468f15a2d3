/** Anthropic Message → canonical chat completion. */
import type { AssistantMessage, ChatResponse, ToolCall } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import type { ProviderTarget } from "../types";
import { gatherBlocks } from "./citations";
import { mapStopReason, nativeFinishReason, toUsage } from "./finish";
import type { AnthropicResponse } from "./types";

/** Blocks with a chat-completions equivalent; every other block is a server tool's. */
const CLIENT_BLOCKS = new Set(["text", "tool_use", "thinking", "redacted_thinking"]);

export function fromAnthropicResponse(body: AnthropicResponse, target: ProviderTarget, now = Date.now): ChatResponse {
  if (!body || !Array.isArray(body.content)) {
    throw new BifrostError({ status: 502, type: "upstream_error", message: "upstream answered without content", extra: { provider: target.provider } });
  }
  const thinking: string[] = [];
  const tool_calls: ToolCall[] = [];
  const reasoning_details: NonNullable<AssistantMessage["reasoning_details"]> = [];
  // Server-tool calls and results (web search, code execution) have no chat-completions equivalent: kept verbatim.
  const { texts, annotations, serverBlocks } = gatherBlocks(body.content, (b) => !CLIENT_BLOCKS.has(b.type), (block) => {
    if (block.type === "tool_use") {
      tool_calls.push({ id: block.id, type: "function", function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } });
    } else if (block.type === "thinking") {
      thinking.push(block.thinking);
      reasoning_details.push({ type: "reasoning.text", text: block.thinking, signature: block.signature });
    } else if (block.type === "redacted_thinking") reasoning_details.push({ type: "reasoning.encrypted", data: block.data });
  });

  const message: AssistantMessage = { role: "assistant", content: texts.length ? texts.join("") : null };
  if (tool_calls.length) message.tool_calls = tool_calls;
  if (thinking.length) message.reasoning = thinking.join("");
  if (reasoning_details.length) message.reasoning_details = reasoning_details;
  if (annotations.length) message.annotations = annotations;
  if (serverBlocks.length) message.server_tool_blocks = serverBlocks;

  const response: ChatResponse = {
    id: body.id,
    object: "chat.completion",
    created: Math.floor(now() / 1000),
    model: body.model,
    choices: [{ index: 0, message, finish_reason: mapStopReason(body.stop_reason) ?? "stop" }],
  };
  if (body.usage) response.usage = toUsage(body.usage);
  const native = nativeFinishReason(body.stop_reason);
  if (native) response.extra_fields = native as ChatResponse["extra_fields"];
  return response;
}
