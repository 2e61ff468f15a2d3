/** Canonical messages → Cohere v2 messages (system, user, assistant with tool_plan/tool_calls, tool results). */
import type { ChatMessage, ContentPart } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import type { CohereDocumentPart, CohereImagePart, CohereMessage, CohereTextPart, CohereThinkingPart, CohereToolCall } from "./types";

export function toCohereMessages(messages: ChatMessage[]): CohereMessage[] {
  return messages.map((m, i): CohereMessage => {
    switch (m.role) {
      case "system":
      case "developer":
        return { role: "system", content: systemContent(m.content, i) };
      case "user":
        return { role: "user", content: userContent(m.content, i) };
      case "assistant":
        return assistantMessage(m, i);
      case "tool":
        return toolMessage(m, i);
      default:
        throw BifrostError.badRequest(`role "${m.role}" is not supported by cohere; use "tool"`, `messages[${i}].role`);
    }
  });
}

const text = (t: string): CohereTextPart => ({ type: "text", text: t });

function systemContent(content: ChatMessage["content"], i: number): string | CohereTextPart[] {
  if (content == null || typeof content === "string") return content ?? "";
  return content.map((p: ContentPart, j) => {
    if (p.type !== "text") throw unsupportedPart(p.type, `messages[${i}].content[${j}]`);
    return text(p.text);
  });
}

function userContent(content: ChatMessage["content"], i: number): string | Array<CohereTextPart | CohereImagePart> {
  if (content == null || typeof content === "string") return content ?? "";
  return content.map((p: ContentPart, j): CohereTextPart | CohereImagePart => {
    if (p.type === "text") return text(p.text);
    if (p.type === "image_url") return imagePart(p, `messages[${i}].content[${j}].image_url.url`);
    throw unsupportedPart(p.type, `messages[${i}].content[${j}]`);
  });
}

function imagePart(p: ContentPart, param: string): CohereImagePart {
  const url = p.image_url?.url;
  // Cohere fetches http(s) URLs itself and reads base64 data: URLs inline.
  if (typeof url !== "string" || !/^(https?:\/\/|data:)/i.test(url)) {
    throw BifrostError.badRequest(`${param} must be an http(s) URL or a base64 data: URL`, param);
  }
  return { type: "image_url", image_url: p.image_url.detail ? { url, detail: p.image_url.detail } : { url } };
}

/** Text the assistant said; refusals are text too when replayed as history. */
function assistantText(content: ChatMessage["content"], i: number): string {
  if (content == null || typeof content === "string") return content ?? "";
  return content
    .map((p: ContentPart, j) => {
      if (p.type === "text") return p.text;
      if (p.type === "refusal") return typeof p.refusal === "string" ? p.refusal : "";
      throw unsupportedPart(p.type, `messages[${i}].content[${j}]`);
    })
    .join("");
}

function thinkingOf(m: ChatMessage): CohereThinkingPart | null {
  const fromDetails = (m.reasoning_details ?? []).map((d) => (d.type === "reasoning.text" ? d.text ?? "" : "")).join("");
  const thinking = m.reasoning || fromDetails;
  return thinking ? { type: "thinking", thinking } : null;
}

/** With tool calls Cohere wants the accompanying text as tool_plan, not content (its own replies come back that way). */
function assistantMessage(m: ChatMessage, i: number): CohereMessage {
  const said = assistantText(m.content, i);
  const thinking = thinkingOf(m);
  if (m.tool_calls?.length) {
    const msg: Extract<CohereMessage, { role: "assistant" }> = { role: "assistant", tool_calls: m.tool_calls.map(toCohereToolCall) };
    if (said) msg.tool_plan = said;
    if (thinking) msg.content = [thinking];
    return msg;
  }
  return { role: "assistant", content: thinking ? [thinking, text(said)] : said };
}

function toCohereToolCall(call: NonNullable<ChatMessage["tool_calls"]>[number]): CohereToolCall {
  // Models may call a no-argument tool with "": Cohere still wants a JSON string.
  const args = call.function.arguments.trim() === "" ? "{}" : call.function.arguments;
  return { id: call.id, type: "function", function: { name: call.function.name, arguments: args } };
}

function toolMessage(m: ChatMessage, i: number): CohereMessage {
  if (!m.tool_call_id) throw BifrostError.badRequest(`messages[${i}].tool_call_id is required for tool messages`, `messages[${i}].tool_call_id`);
  if (m.content == null || typeof m.content === "string") return { role: "tool", tool_call_id: m.tool_call_id, content: toolResult(m.content ?? "") };
  const parts = m.content.map((p: ContentPart, j) => {
    if (p.type !== "text") throw unsupportedPart(p.type, `messages[${i}].content[${j}]`);
    return text(p.text);
  });
  return { role: "tool", tool_call_id: m.tool_call_id, content: parts };
}

/** JSON results become documents (Cohere cites them), one per object of a list, as Cohere's tool-use guide does; other text stays text. */
export function toolResult(result: string): string | CohereDocumentPart[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(result);
  } catch {
    return result;
  }
  const isObject = (v: unknown) => !!v && typeof v === "object" && !Array.isArray(v);
  if (isObject(parsed)) return [document(result)];
  if (Array.isArray(parsed) && parsed.length > 0 && parsed.every(isObject)) return parsed.map((item) => document(JSON.stringify(item)));
  return result;
}

const document = (data: string): CohereDocumentPart => ({ type: "document", document: { data } });

function unsupportedPart(type: string, param: string): BifrostError {
  return BifrostError.badRequest(`content part type "${type}" is not supported by cohere here`, param);
}
