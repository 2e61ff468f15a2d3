/** GenAI contents (user/model turns of parts) → canonical chat messages. */
import type { AssistantMessage, ChatMessage, ContentPart, ToolCall } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import { signatureDetail } from "../../providers/gemini/signatures";
import { field, isObject } from "./fields";

interface Call {
  id: string;
  name: string;
}

export function toCanonicalMessages(contents: unknown, systemInstruction: unknown): ChatMessage[] {
  if (!Array.isArray(contents)) throw BifrostError.badRequest("contents must be an array of Content", "contents");
  const messages: ChatMessage[] = [];
  const system = systemText(systemInstruction);
  if (system) messages.push({ role: "system", content: system });

  let calls = 0;
  // The model turn's calls not answered yet: functionResponse parts are matched to them.
  let open: Call[] = [];
  contents.forEach((content, i) => {
    const parts = field(content, "parts");
    if (!Array.isArray(parts)) throw BifrostError.badRequest(`contents[${i}].parts must be an array`, `contents[${i}].parts`);
    if (field(content, "role") === "model") {
      const message = modelMessage(parts, () => `call_${calls++}`);
      open = (message.tool_calls ?? []).map((c) => ({ id: c.id, name: c.function.name }));
      // A model turn with neither text nor calls (thoughts only) is an empty assistant message upstreams reject.
      if (message.content !== null || message.tool_calls) messages.push(message);
    } else {
      // "user", a missing role, and the legacy "function" role all come from the client.
      messages.push(...clientMessages(parts, i, open));
    }
  });
  return messages;
}

function systemText(instruction: unknown): string {
  if (typeof instruction === "string") return instruction;
  const parts = field(instruction, "parts");
  if (!Array.isArray(parts)) return "";
  return parts.map((p) => (typeof p?.text === "string" ? p.text : "")).filter(Boolean).join("\n");
}

function modelMessage(parts: unknown[], nextId: () => string): ChatMessage {
  const texts: string[] = [];
  const thoughts: string[] = [];
  const tool_calls: ToolCall[] = [];
  const details: NonNullable<AssistantMessage["reasoning_details"]> = [];
  for (const p of parts) {
    if (!isObject(p)) continue;
    const signature = field(p, "thoughtSignature");
    const fc = field(p, "functionCall");
    if (isObject(fc) && typeof fc.name === "string") {
      const id = typeof fc.id === "string" && fc.id ? fc.id : nextId();
      tool_calls.push({ id, type: "function", function: { name: fc.name, arguments: JSON.stringify(fc.args ?? {}) } });
      if (typeof signature === "string") details.push(signatureDetail(signature, id));
      continue;
    }
    if (typeof p.text === "string") (p.thought === true ? thoughts : texts).push(p.text);
    if (typeof signature === "string") details.push(signatureDetail(signature));
  }
  const message: ChatMessage = { role: "assistant", content: texts.length ? texts.join("") : null };
  if (tool_calls.length) message.tool_calls = tool_calls;
  if (thoughts.length) message.reasoning = thoughts.join("");
  if (details.length) message.reasoning_details = details;
  return message;
}

/** Function responses become tool messages (first, as OpenAI wants them right after the calls), the rest one user message. */
function clientMessages(parts: unknown[], i: number, open: Call[]): ChatMessage[] {
  const tools: ChatMessage[] = [];
  const content: ContentPart[] = [];
  parts.forEach((p, j) => {
    if (!isObject(p)) return;
    const fr = field(p, "functionResponse");
    if (isObject(fr)) {
      tools.push(toolMessage(fr, open));
      return;
    }
    const part = userPart(p, `contents[${i}].parts[${j}]`);
    if (part) content.push(part);
  });
  if (content.length === 0) return tools;
  const only = content.length === 1 && content[0]!.type === "text" ? (content[0] as { text: string }).text : null;
  return [...tools, { role: "user", content: only ?? content }];
}

function toolMessage(fr: Record<string, any>, open: Call[]): ChatMessage {
  const name = typeof fr.name === "string" ? fr.name : "";
  // By id when the client echoes it, else the first open call of that name.
  const at = open.findIndex((c) => (typeof fr.id === "string" && fr.id ? c.id === fr.id : c.name === name));
  const call = at === -1 ? undefined : open.splice(at, 1)[0];
  const response = fr.response;
  const text = isObject(response) && typeof response.content === "string" && Object.keys(response).length === 1 ? response.content : JSON.stringify(response ?? {});
  const message: ChatMessage = { role: "tool", tool_call_id: call?.id ?? (typeof fr.id === "string" && fr.id ? fr.id : `call_${name}`), content: text };
  // Unmatched: the name is the only link left (Gemini upstreams use it).
  if (!call && name) message.name = name;
  return message;
}

function userPart(p: Record<string, any>, param: string): ContentPart | null {
  if (typeof p.text === "string") return p.text ? { type: "text", text: p.text } : null;
  const inline = field(p, "inlineData");
  if (isObject(inline)) {
    const mime = String(field(inline, "mimeType") ?? "");
    const data = String(inline.data ?? "");
    if (mime.startsWith("image/")) return { type: "image_url", image_url: { url: `data:${mime};base64,${data}` } };
    if (mime.startsWith("audio/")) return { type: "input_audio", input_audio: { data, format: mime.slice(6) } };
    return { type: "file", file: { file_data: `data:${mime};base64,${data}` } };
  }
  const file = field(p, "fileData");
  if (isObject(file) && typeof field(file, "fileUri") === "string") return { type: "image_url", image_url: { url: field(file, "fileUri") } };
  if (p.thought === true || field(p, "thoughtSignature") !== undefined) return null;
  throw BifrostError.badRequest(`${param}: only text, inlineData, fileData and functionResponse parts are supported in user turns`, param);
}
