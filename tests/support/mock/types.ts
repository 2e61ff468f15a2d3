/**
 * The contract of one provider dialect of the mock upstream (tests/support/mock-upstream.ts).
 * A dialect recognises its own requests, answers them deterministically, and shapes its errors.
 * The mock applies faults (status, delay, reset, stall, in-stream error) the same way to every dialect.
 */

export interface MockCtx {
  /** How many words a reply has. */
  words: number;
  /** A fresh number per answer, for ids. */
  nextId(): number;
}

export type MockReply =
  | { kind: "json"; status: number; body: unknown; headers?: Record<string, string> }
  /** A text stream (SSE or JSON lines): one frame per chunk; `errorFrame` is the provider's in-stream error. */
  | { kind: "sse"; frames: string[]; errorFrame: string; contentType?: string }
  /** A binary stream (e.g. AWS eventstream): one encoded message per frame. */
  | { kind: "binary"; frames: Uint8Array[]; errorFrame: Uint8Array; contentType: string }
  /** Raw bytes (audio, images). */
  | { kind: "bytes"; status: number; body: Uint8Array; contentType: string };

export interface MockDialect {
  name: string;
  /** True when this request belongs to this dialect (path, headers). */
  owns(req: Request, url: URL): boolean;
  /** Answer it; auth and validation failures are ordinary replies with an error status. */
  handle(req: Request, url: URL, body: any, ctx: MockCtx): MockReply | Promise<MockReply>;
  /** The provider's error body for a status-code fault. */
  errorBody(status: number, message: string): unknown;
  /** The provider's in-stream error frame, for an errorEventAfterChunks fault. */
  streamErrorFrame(message: string): string | Uint8Array;
}

const FILLER = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"];

export function countWords(text: string): number {
  const t = text.trim();
  return t ? t.split(/\s+/).length : 0;
}

/** The deterministic reply every dialect gives: "mock reply to: <text>", cut or padded to n words. */
export function replyWords(userText: string, n: number): string[] {
  const words = `mock reply to: ${userText}`.trim().split(/\s+/);
  const out = words.slice(0, n);
  for (let i = 0; out.length < n; i++) out.push(FILLER[i % FILLER.length]!);
  return out;
}

/** Deterministic embedding values (multiples of 1/1024, so float and base64 forms agree). */
export function embed(text: string, dims: number): number[] {
  const out: number[] = [];
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  for (let i = 0; i < dims; i++) {
    h = Math.imul(h ^ (i + 1), 16777619) >>> 0;
    out.push(((h % 2048) - 1024) / 1024);
  }
  return out;
}

/** A prompt whose last user text says "cached" reports this many of its tokens as read from a prompt cache. */
export const CACHED_TOKENS = 2;

/** How many prompt tokens every dialect reports as cache reads for this request (each in its own fields). */
export function cachedTokens(userText: string, promptTokens: number): number {
  return /\bcached\b/i.test(userText) ? Math.min(CACHED_TOKENS, promptTokens) : 0;
}

/** A string cut into `pieces` nearly equal parts (stream deltas). */
export function splitInto(s: string, pieces: number): string[] {
  const size = Math.max(1, Math.ceil(s.length / pieces));
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}

/** A named SSE event. */
export function sseEvent(event: string, obj: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(obj)}\n\n`;
}

/** Text of an OpenAI/Anthropic message content (a string or content blocks); tool results only when asked. */
export function textOf(content: unknown, withToolResults = false): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  const parts: string[] = [];
  for (const block of content) {
    if (block?.type === "text" && typeof block.text === "string") parts.push(block.text);
    else if (withToolResults && block?.type === "tool_result") parts.push(textOf(block.content));
  }
  return parts.join(" ");
}

/** The last user message that carries text (tool-result-only turns are skipped, like OpenAI's role "tool"). */
export function lastUserText(messages: any[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.role !== "user") continue;
    const text = textOf(messages[i].content).trim();
    if (text) return text;
  }
  return "";
}
