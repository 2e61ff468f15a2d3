/** Converse system + messages → canonical chat messages (system first, tool results as `tool` messages). */
import type { ChatMessage, ContentPart, ToolCall } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import { imageDataUrl } from "../../providers/bedrock/media";

type ReasoningDetail = NonNullable<ChatMessage["reasoning_details"]>[number];

export function toChatMessages(system: unknown, messages: unknown[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  const sys = systemText(system);
  if (sys) out.push({ role: "system", content: sys });
  messages.forEach((m: any, i) => {
    if (!m || typeof m !== "object") throw BifrostError.badRequest(`messages[${i}]: must be an object`, `messages[${i}]`);
    if (!Array.isArray(m.content)) throw BifrostError.badRequest(`messages[${i}].content: must be an array of content blocks`, `messages[${i}].content`);
    if (m.role === "user") out.push(...userMessages(m.content, i));
    else if (m.role === "assistant") out.push(assistantMessage(m.content, i));
    else throw BifrostError.badRequest(`messages[${i}].role: must be "user" or "assistant"`, `messages[${i}].role`);
  });
  return out;
}

/** Converse's system is a list of blocks; one system message keeps every upstream happy. Cache points have no equivalent. */
function systemText(system: unknown): string {
  if (system == null) return "";
  if (!Array.isArray(system)) throw BifrostError.badRequest("system: must be an array of system content blocks", "system");
  return system
    .map((b: any, j) => {
      if (typeof b?.text === "string") return b.text;
      if (b?.cachePoint) return "";
      throw BifrostError.badRequest(`system[${j}]: only text blocks are supported`, `system[${j}]`);
    })
    .filter(Boolean)
    .join("\n\n");
}

/** Tool results come first: OpenAI wants `tool` messages right after the assistant turn that called them. */
function userMessages(content: any[], i: number): ChatMessage[] {
  const tools: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  content.forEach((b, j) => {
    const param = `messages[${i}].content[${j}]`;
    if (typeof b?.text === "string") {
      if (b.text) parts.push({ type: "text", text: b.text });
    } else if (b?.image) parts.push(imagePart(b.image, `${param}.image`));
    else if (b?.toolResult) {
      const { message, images } = toolResult(b.toolResult, `${param}.toolResult`);
      tools.push(message);
      parts.push(...images);
    } else if (!b?.cachePoint) throw unsupportedBlock(b, param);
  });
  if (parts.length === 0) return tools;
  const only = parts.length === 1 && parts[0]!.type === "text" ? (parts[0] as { text: string }).text : null;
  return [...tools, { role: "user", content: only ?? parts }];
}

/** OpenAI tool messages carry text only: json results are serialized, images follow in the next user message. */
function toolResult(r: any, param: string): { message: ChatMessage; images: ContentPart[] } {
  if (typeof r.toolUseId !== "string" || !r.toolUseId) throw BifrostError.badRequest(`${param}.toolUseId: field required`, `${param}.toolUseId`);
  const texts: string[] = [];
  const images: ContentPart[] = [];
  (Array.isArray(r.content) ? r.content : []).forEach((c: any, k: number) => {
    if (typeof c?.text === "string") texts.push(c.text);
    else if (c && "json" in c) texts.push(JSON.stringify(c.json));
    else if (c?.image) images.push(imagePart(c.image, `${param}.content[${k}].image`));
    else throw unsupportedBlock(c, `${param}.content[${k}]`);
  });
  return { message: { role: "tool", tool_call_id: r.toolUseId, content: texts.join("\n") }, images };
}

function assistantMessage(content: any[], i: number): ChatMessage {
  const texts: string[] = [];
  const tool_calls: ToolCall[] = [];
  const reasoning: string[] = [];
  const details: ReasoningDetail[] = [];
  content.forEach((b, j) => {
    const param = `messages[${i}].content[${j}]`;
    if (typeof b?.text === "string") texts.push(b.text);
    else if (b?.toolUse) {
      const t = b.toolUse;
      if (typeof t.toolUseId !== "string" || typeof t.name !== "string") throw BifrostError.badRequest(`${param}.toolUse: toolUseId and name are required`, `${param}.toolUse`);
      tool_calls.push({ id: t.toolUseId, type: "function", function: { name: t.name, arguments: JSON.stringify(t.input ?? {}) } });
    } else if (b?.reasoningContent?.reasoningText) {
      const r = b.reasoningContent.reasoningText;
      reasoning.push(r.text ?? "");
      details.push(r.signature ? { type: "reasoning.text", text: r.text ?? "", signature: r.signature } : { type: "reasoning.text", text: r.text ?? "" });
    } else if (typeof b?.reasoningContent?.redactedContent === "string") details.push({ type: "reasoning.encrypted", data: b.reasoningContent.redactedContent });
    else if (!b?.cachePoint) throw unsupportedBlock(b, param);
  });
  const msg: ChatMessage = { role: "assistant", content: texts.length ? texts.join("") : null };
  if (tool_calls.length) msg.tool_calls = tool_calls;
  if (reasoning.length) msg.reasoning = reasoning.join("");
  if (details.length) msg.reasoning_details = details;
  return msg;
}

function imagePart(image: any, param: string): ContentPart {
  if (typeof image?.format !== "string" || typeof image?.source?.bytes !== "string") {
    throw BifrostError.badRequest(`${param}: only images with format and source.bytes are supported`, param);
  }
  return { type: "image_url", image_url: { url: imageDataUrl(image) } };
}

function unsupportedBlock(b: unknown, param: string): BifrostError {
  const kind = b && typeof b === "object" ? Object.keys(b)[0] : typeof b;
  return BifrostError.badRequest(`${param}: content block "${kind}" is not supported`, param);
}
