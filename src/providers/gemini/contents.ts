/** Canonical messages → Gemini's systemInstruction plus user/model contents. */
import type { ChatMessage, ContentPart } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import { documentPart, imagePart } from "./media";
import { readSignatures } from "./signatures";
import type { GeminiContent, GeminiPart, GeminiRole } from "./types";

export interface GeminiConversation {
  systemInstruction?: GeminiContent;
  contents: GeminiContent[];
}

export function toGeminiContents(messages: ChatMessage[]): GeminiConversation {
  const system: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  // functionResponse needs the function's name; OpenAI's tool message only has the call id.
  const toolNames = new Map<string, string>();
  // Gemini wants alternating turns, so a message with the previous message's role is merged into it.
  const append = (role: GeminiRole, parts: GeminiPart[]) => {
    if (parts.length === 0) return;
    const last = contents[contents.length - 1];
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };

  messages.forEach((m, i) => {
    switch (m.role) {
      case "system":
      case "developer":
        system.push(...textParts(m.content, `messages[${i}].content`));
        break;
      case "user":
        append("user", userParts(m.content, i));
        break;
      case "assistant":
        for (const call of m.tool_calls ?? []) toolNames.set(call.id, call.function.name);
        append("model", modelParts(m, i));
        break;
      case "tool":
        append("user", [toolResult(m, i, toolNames)]);
        break;
      case "function":
        if (!m.name) throw BifrostError.badRequest(`messages[${i}].name is required for function messages`, `messages[${i}].name`);
        append("user", [{ functionResponse: { name: m.name, response: { content: resultValue(m.content, i) } } }]);
        break;
    }
  });
  return system.length ? { systemInstruction: { parts: system }, contents } : { contents };
}

/** Text-only content (system, developer); empty text parts are dropped (Gemini rejects them). */
function textParts(content: ChatMessage["content"], param: string): GeminiPart[] {
  if (content == null) return [];
  if (typeof content === "string") return content ? [{ text: content }] : [];
  return content.flatMap((p: ContentPart, j) => {
    if (p.type !== "text") throw unsupportedPart(p.type, `${param}[${j}]`);
    return p.text ? [{ text: p.text }] : [];
  });
}

function userParts(content: ChatMessage["content"], i: number): GeminiPart[] {
  if (content == null) return [];
  if (typeof content === "string") return content ? [{ text: content }] : [];
  return content.flatMap((p: ContentPart, j): GeminiPart[] => {
    const param = `messages[${i}].content[${j}]`;
    if (p.type === "text") return p.text ? [{ text: p.text }] : [];
    if (p.type === "image_url") return [imagePart(p.image_url?.url, `${param}.image_url.url`)];
    if (p.type === "input_audio") {
      const { data, format } = p.input_audio ?? {};
      if (typeof data !== "string" || typeof format !== "string") throw BifrostError.badRequest(`${param}.input_audio needs data and format`, `${param}.input_audio`);
      return [{ inlineData: { mimeType: `audio/${format}`, data } }];
    }
    if (p.type === "file") return [documentPart(p, param)];
    throw unsupportedPart(p.type, param);
  });
}

/** Text, then function calls, each with the thought signature it was answered with. */
function modelParts(m: ChatMessage, i: number): GeminiPart[] {
  const signatures = readSignatures(m.reasoning_details);
  const parts: GeminiPart[] = [];
  if (typeof m.content === "string") {
    if (m.content) parts.push({ text: m.content });
  } else if (m.content) {
    m.content.forEach((p: ContentPart, j) => {
      if (p.type === "text") {
        if (p.text) parts.push({ text: p.text });
      } else if (p.type !== "refusal") throw unsupportedPart(p.type, `messages[${i}].content[${j}]`);
    });
  }
  if (signatures.text && parts.length) parts[parts.length - 1]!.thoughtSignature = signatures.text;
  (m.tool_calls ?? []).forEach((call, j) => {
    const part: GeminiPart = { functionCall: { name: call.function.name, args: parseArguments(call.function.arguments, i, j) } };
    const signature = signatures.byCallId.get(call.id);
    if (signature) part.thoughtSignature = signature;
    parts.push(part);
  });
  return parts;
}

function parseArguments(args: string, i: number, j: number): Record<string, unknown> {
  const param = `messages[${i}].tool_calls[${j}].function.arguments`;
  // Models may call a no-argument tool with "": Gemini still needs an object.
  if (args.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    throw BifrostError.badRequest(`${param} is not valid JSON`, param);
  }
  // functionCall.args is a protobuf Struct: only an object fits.
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw BifrostError.badRequest(`${param} must be a JSON object`, param);
  return parsed as Record<string, unknown>;
}

function toolResult(m: ChatMessage, i: number, toolNames: Map<string, string>): GeminiPart {
  const param = `messages[${i}].tool_call_id`;
  if (!m.tool_call_id) throw BifrostError.badRequest(`${param} is required for tool messages`, param);
  const name = toolNames.get(m.tool_call_id) ?? m.name;
  if (!name) throw BifrostError.badRequest(`${param} "${m.tool_call_id}" matches no earlier assistant tool call`, param);
  return { functionResponse: { name, response: { content: resultValue(m.content, i) } } };
}

/** A tool result as Gemini's response struct wants it: parsed JSON when it is JSON, else the text. */
function resultValue(content: ChatMessage["content"], i: number): unknown {
  const text = typeof content === "string" ? content : textParts(content, `messages[${i}].content`).map((p) => p.text).join("");
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function unsupportedPart(type: string, param: string): BifrostError {
  return BifrostError.badRequest(`content part type "${type}" is not supported by gemini here`, param);
}
