/**
 * The gateway's token estimate, for providers without a counting endpoint: no upstream call, about
 * 4 characters per token. Characters counted: each message's text (string content, text parts,
 * refusal, tool-call names and arguments; other parts as their JSON), plus the tools' JSON. Each
 * message adds 3 tokens for its role and framing. The total is rounded up; it is an estimate, and
 * the answer says so (`extra_fields.estimated: true`).
 */
import type { ChatRequest } from "../schemas/chat";

export const CHARS_PER_TOKEN = 4;
export const TOKENS_PER_MESSAGE = 3;

export function estimateInputTokens(req: ChatRequest): number {
  let chars = 0;
  for (const m of req.messages) {
    chars += contentChars(m.content);
    if (typeof m.refusal === "string") chars += m.refusal.length;
    for (const call of m.tool_calls ?? []) chars += call.function.name.length + call.function.arguments.length;
  }
  if (req.tools?.length) chars += JSON.stringify(req.tools).length;
  return Math.ceil(chars / CHARS_PER_TOKEN) + TOKENS_PER_MESSAGE * req.messages.length;
}

function contentChars(content: ChatRequest["messages"][number]["content"]): number {
  if (typeof content === "string") return content.length;
  if (!Array.isArray(content)) return 0;
  let n = 0;
  for (const part of content) n += part.type === "text" && typeof (part as { text?: unknown }).text === "string" ? (part as { text: string }).text.length : JSON.stringify(part).length;
  return n;
}
