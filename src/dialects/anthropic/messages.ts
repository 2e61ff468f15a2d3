/** Anthropic system + messages → canonical chat messages (system first, tool results as `tool` messages). */
import { gatherBlocks } from "../../providers/anthropic/citations";
import type { ChatMessage, ContentPart, ToolCall } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import { documentPart, imagePart, unsupportedBlock } from "./content";

type ReasoningDetail = NonNullable<ChatMessage["reasoning_details"]>[number];

export function toChatMessages(system: unknown, messages: unknown[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  const sys = systemContent(system);
  if (sys.length) out.push({ role: "system", content: sys });
  messages.forEach((m: any, i) => {
    if (!m || typeof m !== "object") throw BifrostError.badRequest(`messages[${i}]: must be an object`, `messages[${i}]`);
    if (m.role === "user") out.push(...userMessages(m.content, i));
    else if (m.role === "assistant") out.push(assistantMessage(m.content, i));
    else throw BifrostError.badRequest(`messages[${i}].role: must be "user" or "assistant"`, `messages[${i}].role`);
  });
  return out;
}

/**
 * Anthropic's system is a string or text blocks; one system message keeps every upstream happy. Blocks
 * marked for prompt caching stay blocks (text parts with cache_control), so the cache survives the round trip.
 */
function systemContent(system: unknown): string | ContentPart[] {
  if (system == null) return "";
  if (typeof system === "string") return system;
  if (!Array.isArray(system)) throw BifrostError.badRequest("system: must be a string or an array of text blocks", "system");
  const blocks = system.filter((b: any, j) => {
    if (b?.type !== "text" || typeof b.text !== "string") throw BifrostError.badRequest(`system[${j}]: only text blocks are allowed`, `system[${j}]`);
    return b.text !== "";
  });
  if (!blocks.some((b: any) => b.cache_control)) return blocks.map((b: any) => b.text).join("\n\n");
  return blocks.map((b: any) => textPart(b.text, b.cache_control));
}

function textPart(text: string, cache_control?: unknown): ContentPart {
  return cache_control ? { type: "text", text, cache_control } : { type: "text", text };
}

function blocks(content: unknown, i: number): any[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (!Array.isArray(content)) throw BifrostError.badRequest(`messages[${i}].content: must be a string or an array of content blocks`, `messages[${i}].content`);
  return content;
}

/** Tool results come first: OpenAI wants `tool` messages right after the assistant turn that called them. */
function userMessages(content: unknown, i: number): ChatMessage[] {
  if (typeof content === "string") return [{ role: "user", content }];
  const tools: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  blocks(content, i).forEach((b, j) => {
    const param = `messages[${i}].content[${j}]`;
    switch (b?.type) {
      case "text":
        // Anthropic rejects empty text blocks; OpenAI-compatible upstreams may too.
        if (typeof b.text === "string" && b.text) parts.push(textPart(b.text, b.cache_control));
        break;
      case "image":
        parts.push(imagePart(b, param));
        break;
      case "document":
        parts.push(documentPart(b, param));
        break;
      case "tool_result": {
        const { message, images } = toolResult(b, param);
        tools.push(message);
        parts.push(...images);
        break;
      }
      default:
        throw unsupportedBlock(b?.type, param);
    }
  });
  if (parts.length === 0) return tools;
  const only = parts.length === 1 && parts[0]!.type === "text" && !parts[0]!.cache_control ? (parts[0] as { text: string }).text : null;
  return [...tools, { role: "user", content: only ?? parts }];
}

/** OpenAI tool messages carry text only: a result's images follow in the next user message. */
function toolResult(b: any, param: string): { message: ChatMessage; images: ContentPart[] } {
  if (typeof b.tool_use_id !== "string" || !b.tool_use_id) throw BifrostError.badRequest(`${param}.tool_use_id: field required`, `${param}.tool_use_id`);
  const texts: string[] = [];
  const images: ContentPart[] = [];
  if (typeof b.content === "string") texts.push(b.content);
  else if (Array.isArray(b.content)) {
    b.content.forEach((c: any, k: number) => {
      if (c?.type === "text" && typeof c.text === "string") texts.push(c.text);
      else if (c?.type === "image") images.push(imagePart(c, `${param}.content[${k}]`));
      else throw unsupportedBlock(c?.type, `${param}.content[${k}]`);
    });
  } else if (b.content != null) throw BifrostError.badRequest(`${param}.content: must be a string or an array of blocks`, `${param}.content`);
  const text = texts.join("\n");
  // Chat completions has no is_error flag: the model learns it from the content.
  const content = b.is_error ? (text ? `Error: ${text}` : "Error") : text;
  return { message: { role: "tool", tool_call_id: b.tool_use_id, content }, images };
}

/**
 * Blocks of a provider-run tool an answer carried (server_tool_use, web_search_tool_result, code_execution_tool_result,
 * mcp_tool_use, …): a client gives them back in its next turn. `tool_result` is the client's own, in user turns.
 */
const SERVER_TOOL_BLOCK = /^(server_tool_use|mcp_tool_use|container_upload|[a-z_]+_tool_result)$/;

/**
 * A previous answer given back: text joined, as the answer's content was, with its citations as annotations and its
 * server-tool blocks at their offsets (as providers/anthropic/response.ts makes them), so Anthropic gets the turn back as it was.
 */
function assistantMessage(content: unknown, i: number): ChatMessage {
  if (typeof content === "string") return { role: "assistant", content };
  const toolCalls: ToolCall[] = [];
  const details: ReasoningDetail[] = [];
  const { texts, annotations, serverBlocks } = gatherBlocks(blocks(content, i), (b) => typeof b?.type === "string" && SERVER_TOOL_BLOCK.test(b.type), (b, j) => {
    const param = `messages[${i}].content[${j}]`;
    switch (b?.type) {
      case "text":
        break;
      case "tool_use":
        if (typeof b.id !== "string" || typeof b.name !== "string") throw BifrostError.badRequest(`${param}: tool_use needs id and name`, param);
        toolCalls.push({ id: b.id, type: "function", function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } });
        break;
      case "thinking": {
        const d: ReasoningDetail = { type: "reasoning.text", text: String(b.thinking ?? "") };
        if (typeof b.signature === "string") d.signature = b.signature;
        details.push(d);
        break;
      }
      case "redacted_thinking":
        details.push({ type: "reasoning.encrypted", data: String(b.data ?? "") });
        break;
      default:
        throw unsupportedBlock(b?.type, param);
    }
  });
  // OpenAI rejects an assistant message with neither content nor tool_calls.
  const message: ChatMessage = { role: "assistant", content: texts.length || toolCalls.length === 0 ? texts.join("") : null };
  if (toolCalls.length) message.tool_calls = toolCalls;
  if (details.length) message.reasoning_details = details;
  if (annotations.length) message.annotations = annotations;
  if (serverBlocks.length) message.server_tool_blocks = serverBlocks;
  return message;
}
