/** Cohere v2 messages → canonical messages: tool_plan is the assistant's text, documents become the tool result's text. */
import type { ChatMessage, ContentPart, ToolCall } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";

export function toChatMessages(messages: unknown[]): ChatMessage[] {
  return messages.map((m: any, i): ChatMessage => {
    if (!m || typeof m !== "object" || Array.isArray(m)) throw BifrostError.badRequest(`messages[${i}]: must be an object`, `messages[${i}]`);
    switch (m.role) {
      case "system":
        return { role: "system", content: plainText(m.content, i) };
      case "user":
        return { role: "user", content: userContent(m.content, i) };
      case "assistant":
        return assistantMessage(m, i);
      case "tool":
        return toolMessage(m, i);
      default:
        throw BifrostError.badRequest(`messages[${i}].role: must be one of system, user, assistant, tool`, `messages[${i}].role`);
    }
  });
}

/** A string, or text parts joined (system prompts are plain text for every upstream). */
function plainText(content: unknown, i: number): string {
  if (content == null) return "";
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) throw invalidContent(i);
  return content
    .map((p: any, j) => {
      if (p?.type !== "text" || typeof p.text !== "string") throw unsupportedPart(p?.type, i, j);
      return p.text;
    })
    .join("");
}

function userContent(content: unknown, i: number): string | ContentPart[] {
  if (content == null) return "";
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) throw invalidContent(i);
  return content.map((p: any, j): ContentPart => {
    if (p?.type === "text" && typeof p.text === "string") return { type: "text", text: p.text };
    if (p?.type === "image_url" && typeof p.image_url?.url === "string") {
      const image_url = typeof p.image_url.detail === "string" ? { url: p.image_url.url, detail: p.image_url.detail } : { url: p.image_url.url };
      return { type: "image_url", image_url };
    }
    throw unsupportedPart(p?.type, i, j);
  });
}

function assistantMessage(m: any, i: number): ChatMessage {
  let text = "";
  let thinking = "";
  if (typeof m.content === "string") text = m.content;
  else if (Array.isArray(m.content)) {
    m.content.forEach((p: any, j: number) => {
      if (p?.type === "text" && typeof p.text === "string") text += p.text;
      else if (p?.type === "thinking" && typeof p.thinking === "string") thinking += p.thinking;
      else throw unsupportedPart(p?.type, i, j);
    });
  } else if (m.content != null) throw invalidContent(i);
  // Cohere puts the words said before tool calls in tool_plan; everywhere else they are the content.
  const said = text || (typeof m.tool_plan === "string" ? m.tool_plan : "");
  const out: ChatMessage = { role: "assistant", content: said || null };
  if (Array.isArray(m.tool_calls) && m.tool_calls.length) out.tool_calls = m.tool_calls.map((c: any, j: number) => toolCall(c, i, j));
  if (thinking) out.reasoning = thinking;
  return out;
}

function toolCall(c: any, i: number, j: number): ToolCall {
  const param = `messages[${i}].tool_calls[${j}]`;
  if (typeof c?.function?.name !== "string" || !c.function.name) throw BifrostError.badRequest(`${param}.function.name: field required`, `${param}.function.name`);
  const args = c.function.arguments;
  // Cohere sends arguments as a JSON string; hand-built histories sometimes pass the object.
  const argumentsJson = typeof args === "string" ? args : args == null ? "{}" : JSON.stringify(args);
  return { id: typeof c.id === "string" ? c.id : "", type: "function", function: { name: c.function.name, arguments: argumentsJson } };
}

/** Tool results as text: documents' data as given (Cohere's guide sends JSON strings), objects serialised; parts one per line. */
function toolMessage(m: any, i: number): ChatMessage {
  if (typeof m.tool_call_id !== "string" || !m.tool_call_id) throw BifrostError.badRequest(`messages[${i}].tool_call_id: field required`, `messages[${i}].tool_call_id`);
  let content: string;
  if (m.content == null || typeof m.content === "string") content = m.content ?? "";
  else if (Array.isArray(m.content)) {
    content = m.content
      .map((p: any, j: number) => {
        if (p?.type === "text" && typeof p.text === "string") return p.text;
        if (p?.type === "document" && p.document && "data" in p.document) return typeof p.document.data === "string" ? p.document.data : JSON.stringify(p.document.data);
        throw unsupportedPart(p?.type, i, j);
      })
      .join("\n");
  } else throw invalidContent(i);
  return { role: "tool", tool_call_id: m.tool_call_id, content };
}

function invalidContent(i: number): BifrostError {
  return BifrostError.badRequest(`messages[${i}].content: must be a string or a list of content parts`, `messages[${i}].content`);
}

function unsupportedPart(type: unknown, i: number, j: number): BifrostError {
  return BifrostError.badRequest(`messages[${i}].content[${j}]: content type "${String(type)}" is not supported here`, `messages[${i}].content[${j}].type`);
}
