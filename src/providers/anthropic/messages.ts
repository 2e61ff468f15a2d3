/** Canonical messages → Anthropic's top-level system plus strictly alternating user/assistant messages. */
import { toTurns } from "../turns";
import { isCitation, type ChatMessage, type ContentPart } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import { interleavedBlocks } from "./citations";
import { DATA_URL, documentBlock } from "./documents";
import type {
  AnthropicCacheControl,
  AnthropicDocumentBlock,
  AnthropicImageBlock,
  AnthropicMessage,
  AnthropicRequestBlock,
  AnthropicTextBlock,
  AnthropicToolResultBlock,
} from "./types";

export interface AnthropicConversation {
  system?: AnthropicTextBlock[];
  messages: AnthropicMessage[];
}

export function toAnthropicMessages(messages: ChatMessage[]): AnthropicConversation {
  return toTurns<AnthropicTextBlock, AnthropicRequestBlock>(messages, {
    provider: "anthropic",
    system: (m, i) => textBlocks(m.content, `messages[${i}].content`),
    user: (m, i) => userBlocks(m.content, i),
    assistant: assistantBlocks,
    tool: toolResult,
  }) as AnthropicConversation;
}

/** A text block; a part's cache_control (prompt caching, as Anthropic's SDK sends it) is kept. */
const text = (t: string, cache_control?: AnthropicCacheControl): AnthropicTextBlock => (cache_control ? { type: "text", text: t, cache_control } : { type: "text", text: t });

/** Text-only content (system, developer); Anthropic rejects empty text blocks, so they are dropped. */
function textBlocks(content: ChatMessage["content"], param: string): AnthropicTextBlock[] {
  if (content == null) return [];
  if (typeof content === "string") return content ? [text(content)] : [];
  return content.flatMap((p: ContentPart, j) => {
    if (p.type !== "text") throw unsupportedPart(p.type, `${param}[${j}]`);
    return p.text ? [text(p.text, p.cache_control)] : [];
  });
}

type UserBlock = AnthropicTextBlock | AnthropicImageBlock | AnthropicDocumentBlock;

function userBlocks(content: ChatMessage["content"], i: number): UserBlock[] {
  if (content == null) return [];
  if (typeof content === "string") return content ? [text(content)] : [];
  return content.flatMap((p: ContentPart, j): UserBlock[] => {
    if (p.type === "text") return p.text ? [text(p.text, p.cache_control)] : [];
    if (p.type === "image_url") return [imageBlock(p.image_url?.url, `messages[${i}].content[${j}].image_url.url`)];
    if (p.type === "file") return [documentBlock(p, `messages[${i}].content[${j}]`)];
    throw unsupportedPart(p.type, `messages[${i}].content[${j}]`);
  });
}

/** Thinking first (Anthropic wants it before text and tool_use), then text, then tool calls. */
function assistantBlocks(m: ChatMessage, i: number): AnthropicRequestBlock[] {
  const blocks: AnthropicRequestBlock[] = [];
  for (const d of m.reasoning_details ?? []) {
    // Thinking without a signature cannot be verified by Anthropic (e.g. another provider's reasoning): dropped.
    if (d.type === "reasoning.text" && d.signature) blocks.push({ type: "thinking", thinking: d.text ?? "", signature: d.signature });
    else if (d.type === "reasoning.encrypted" && d.data) blocks.push({ type: "redacted_thinking", data: d.data });
  }
  const texts = assistantTexts(m, i);
  const citations = (m.annotations ?? []).filter(isCitation);
  if (citations.length || m.server_tool_blocks?.length) {
    // A turn that used server tools or cited sources goes back block for block, as the answer gave it.
    blocks.push(...interleavedBlocks(texts.join(""), citations, m.server_tool_blocks ?? []));
  } else for (const t of texts) if (t) blocks.push(text(t));
  (m.tool_calls ?? []).forEach((call, j) => {
    blocks.push({ type: "tool_use", id: call.id, name: call.function.name, input: parseArguments(call.function.arguments, i, j) });
  });
  return blocks;
}

/** An assistant turn's text parts (refusals dropped); joined, they are what its annotations and server-tool offsets index. */
function assistantTexts(m: ChatMessage, i: number): string[] {
  if (typeof m.content === "string" || m.content == null) return [m.content ?? ""];
  return m.content.map((p: ContentPart, j) => {
    if (p.type === "text") return p.text;
    if (p.type === "refusal") return "";
    throw unsupportedPart(p.type, `messages[${i}].content[${j}]`);
  });
}

function parseArguments(args: string, i: number, j: number): unknown {
  const param = `messages[${i}].tool_calls[${j}].function.arguments`;
  // Models may call a no-argument tool with "": Anthropic still needs an object.
  if (args.trim() === "") return {};
  let input: unknown;
  try {
    input = JSON.parse(args);
  } catch {
    throw BifrostError.badRequest(`${param} is not valid JSON`, param);
  }
  // Anthropic's tool_use.input must be an object.
  if (!input || typeof input !== "object" || Array.isArray(input)) throw BifrostError.badRequest(`${param} must be a JSON object`, param);
  return input;
}

function toolResult(m: ChatMessage, i: number): AnthropicToolResultBlock {
  if (!m.tool_call_id) throw BifrostError.badRequest(`messages[${i}].tool_call_id is required for tool messages`, `messages[${i}].tool_call_id`);
  const content = typeof m.content === "string" || m.content == null ? m.content ?? "" : userBlocks(m.content, i);
  // An empty block list is rejected; an empty string is accepted.
  return { type: "tool_result", tool_use_id: m.tool_call_id, content: Array.isArray(content) && content.length === 0 ? "" : content };
}

function imageBlock(url: unknown, param: string): AnthropicImageBlock {
  if (typeof url === "string") {
    const data = DATA_URL.exec(url);
    if (data) return { type: "image", source: { type: "base64", media_type: data[1]!, data: data[2]! } };
    if (/^https?:\/\//i.test(url)) return { type: "image", source: { type: "url", url } };
  }
  throw BifrostError.badRequest(`${param} must be an http(s) URL or a base64 data: URL`, param);
}

function unsupportedPart(type: string, param: string): BifrostError {
  return BifrostError.badRequest(`content part type "${type}" is not supported by anthropic here`, param);
}
