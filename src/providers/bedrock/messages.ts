/** Canonical messages → Converse's top-level system plus alternating user/assistant messages of content blocks. */
import { toTurns } from "../turns";
import type { ChatMessage, ContentPart } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import { documentBlock } from "./documents";
import { imageBlock } from "./media";
import type { ContentBlock, ConverseMessage, ConverseRequest, ToolResultContent } from "./types";

export interface ConverseConversation {
  system?: NonNullable<ConverseRequest["system"]>;
  messages: ConverseMessage[];
}

export function toConverseMessages(messages: ChatMessage[]): ConverseConversation {
  return toTurns<{ text: string } | typeof CACHE_POINT, ContentBlock>(messages, {
    provider: "bedrock",
    system: (m, i) => textBlocks(m.content, `messages[${i}].content`),
    user: (m, i) => userBlocks(m.content, `messages[${i}].content`),
    assistant: assistantBlocks,
    tool: toolResult,
  }) as ConverseConversation;
}

/** Converse rejects blank text blocks ("The text field in the ContentBlock object is blank"): empty text is dropped. */
/** Converse marks a cacheable prefix with a cachePoint block after it: where a part carries cache_control. */
const CACHE_POINT = { cachePoint: { type: "default" as const } };

function textBlocks(content: ChatMessage["content"], param: string): Array<{ text: string } | typeof CACHE_POINT> {
  if (content == null) return [];
  if (typeof content === "string") return content ? [{ text: content }] : [];
  return content.flatMap((p: ContentPart, j) => {
    if (p.type !== "text") throw unsupportedPart(p.type, `${param}[${j}]`);
    if (!p.text) return [];
    return p.cache_control ? [{ text: p.text }, CACHE_POINT] : [{ text: p.text }];
  });
}

function userBlocks(content: ChatMessage["content"], param: string): ContentBlock[] {
  if (content == null) return [];
  if (typeof content === "string") return content ? [{ text: content }] : [];
  return content.flatMap((p: ContentPart, j): ContentBlock[] => {
    if (p.type === "text") return !p.text ? [] : p.cache_control ? [{ text: p.text }, CACHE_POINT] : [{ text: p.text }];
    if (p.type === "image_url") return [{ image: imageBlock(p.image_url?.url, `${param}[${j}].image_url.url`) }];
    if (p.type === "file") {
      const document = { document: documentBlock(p, `${param}[${j}]`) };
      return p.cache_control ? [document, CACHE_POINT] : [document];
    }
    throw unsupportedPart(p.type, `${param}[${j}]`);
  });
}

/** Reasoning first (Anthropic models want it before text and tool use), then text, then tool calls. */
function assistantBlocks(m: ChatMessage, i: number): ContentBlock[] {
  const blocks: ContentBlock[] = [];
  for (const d of m.reasoning_details ?? []) {
    // Reasoning without a signature cannot be verified by the model (e.g. another provider's): dropped.
    if (d.type === "reasoning.text" && d.signature) blocks.push({ reasoningContent: { reasoningText: { text: d.text ?? "", signature: d.signature } } });
    else if (d.type === "reasoning.encrypted" && d.data) blocks.push({ reasoningContent: { redactedContent: d.data } });
  }
  if (typeof m.content === "string") {
    if (m.content) blocks.push({ text: m.content });
  } else if (m.content) {
    m.content.forEach((p: ContentPart, j) => {
      if (p.type === "text") {
        if (p.text) blocks.push({ text: p.text });
      } else if (p.type !== "refusal") throw unsupportedPart(p.type, `messages[${i}].content[${j}]`);
    });
  }
  (m.tool_calls ?? []).forEach((call, j) => {
    blocks.push({ toolUse: { toolUseId: call.id, name: call.function.name, input: parseArguments(call.function.arguments, i, j) } });
  });
  return blocks;
}

function parseArguments(args: string, i: number, j: number): unknown {
  const param = `messages[${i}].tool_calls[${j}].function.arguments`;
  // Models may call a no-argument tool with "": Converse still needs a JSON document.
  if (args.trim() === "") return {};
  try {
    return JSON.parse(args);
  } catch {
    throw BifrostError.badRequest(`${param} is not valid JSON`, param);
  }
}

function toolResult(m: ChatMessage, i: number): ContentBlock {
  if (!m.tool_call_id) throw BifrostError.badRequest(`messages[${i}].tool_call_id is required for tool messages`, `messages[${i}].tool_call_id`);
  return { toolResult: { toolUseId: m.tool_call_id, content: toolResultContent(m.content, `messages[${i}].content`) } };
}

/** A JSON object result goes as {json} (models read it structured); anything else as {text}. */
function toolResultContent(content: ChatMessage["content"], param: string): ToolResultContent[] {
  if (content == null || content === "") return [{ text: "" }];
  if (typeof content === "string") {
    const json = jsonObject(content);
    return json ? [{ json }] : [{ text: content }];
  }
  const blocks = userBlocks(content, param) as ToolResultContent[];
  return blocks.length ? blocks : [{ text: "" }];
}

function jsonObject(s: string): Record<string, unknown> | undefined {
  if (!s.trimStart().startsWith("{")) return undefined;
  try {
    const v = JSON.parse(s);
    return v && typeof v === "object" && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function unsupportedPart(type: string, param: string): BifrostError {
  return BifrostError.badRequest(`content part type "${type}" is not supported by bedrock here`, param);
}
