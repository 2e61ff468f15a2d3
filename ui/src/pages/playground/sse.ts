/**
 * Reading an OpenAI-style SSE body as it arrives: bytes in (split anywhere, even inside a UTF-8
 * character or between CR and LF), events out, per the EventSource rules (LF, CRLF or CR line ends;
 * a blank line ends an event; `data:` lines joined by "\n"; `:` comments and other fields ignored).
 * Then each event as the chat stream means it: a chunk, `[DONE]`, or an in-stream error frame.
 */

export interface SseEvent {
  /** The `event:` field ("" when none: OpenAI sends none). */
  event: string;
  data: string;
}

export class SseDecoder {
  private readonly text = new TextDecoder();
  private buf = "";
  /** The previous piece ended in CR: a LF starting this one belongs to that line end. */
  private afterCR = false;
  private data: string[] = [];
  private event = "";

  /** Feed the next piece of the body; returns the events it completed. */
  push(piece: Uint8Array | string): SseEvent[] {
    let s = typeof piece === "string" ? piece : this.text.decode(piece, { stream: true });
    if (!s) return [];
    if (this.afterCR && s.charCodeAt(0) === 10) s = s.slice(1);
    this.afterCR = s.endsWith("\r");
    this.buf += s;
    const out: SseEvent[] = [];
    let start = 0;
    for (let i = 0; i < this.buf.length; i++) {
      const c = this.buf.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.line(this.buf.slice(start, i), out);
      if (c === 13 && this.buf.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
    this.buf = this.buf.slice(start);
    return out;
  }

  /** The body ended: a last event without its blank line still counts (servers cut short). */
  end(): SseEvent[] {
    const out: SseEvent[] = [];
    const rest = this.text.decode();
    if (rest) out.push(...this.push(rest));
    if (this.buf) this.line(this.buf, out);
    this.buf = "";
    this.dispatch(out);
    return out;
  }

  private line(line: string, out: SseEvent[]): void {
    if (line === "") return this.dispatch(out);
    if (line.charCodeAt(0) === 58) return; // ":" a comment (keep-alive pings)
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
  }

  private dispatch(out: SseEvent[]): void {
    if (this.data.length) out.push({ event: this.event, data: this.data.join("\n") });
    this.data = [];
    this.event = "";
  }
}

/** An error as the gateway (or a provider) states it. */
export interface StreamError {
  message: string;
  status?: number;
  code?: string | null;
  type?: string | null;
}

export type StreamItem = { kind: "chunk"; chunk: ChatChunkLike } | { kind: "done" } | { kind: "error"; error: StreamError };

/** The parts of a chat.completion.chunk the playground reads. */
export interface ChatChunkLike {
  id?: string;
  model?: string;
  choices?: Array<{
    index?: number;
    delta?: { role?: string; content?: string | null; reasoning?: string | null; reasoning_content?: string | null; refusal?: string | null; tool_calls?: unknown[] };
    finish_reason?: string | null;
  }>;
  usage?: Usage | null;
  extra_fields?: { provider?: string; model_requested?: string; cost?: { total_cost?: number } | null; [k: string]: unknown };
}

export interface Usage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
}

/** One event as the chat stream means it. */
export function streamItem(ev: SseEvent): StreamItem {
  const data = ev.data.trim();
  if (data === "[DONE]") return { kind: "done" };
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return { kind: "error", error: { message: `the stream sent a frame that is not JSON: ${data.slice(0, 120)}` } };
  }
  const err = errorIn(value);
  if (err || ev.event === "error") return { kind: "error", error: err ?? { message: data.slice(0, 200) } };
  return { kind: "chunk", chunk: value as ChatChunkLike };
}

/**
 * The error a body states, or null: the gateway's `{status_code, error: {message, type, code}}`,
 * OpenAI's `{error: {message}}`, or a bare `{message}` with no choices.
 */
export function errorIn(value: unknown): StreamError | null {
  if (!value || typeof value !== "object") return null;
  const v = value as Record<string, any>;
  const e = v.error;
  if (e && typeof e === "object" && typeof e.message === "string") {
    return { message: e.message, status: typeof v.status_code === "number" ? v.status_code : undefined, code: e.code ?? null, type: e.type ?? null };
  }
  if (typeof e === "string") return { message: e };
  return null;
}

/** What an SSE body says, a batch per read, until it ends (aborting the fetch rejects the read). */
export async function* readStream(body: ReadableStream<Uint8Array>): AsyncGenerator<StreamItem[]> {
  const reader = body.getReader();
  const sse = new SseDecoder();
  let ended = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const items = sse.push(value).map(streamItem);
      if (items.length) yield items;
    }
    ended = true;
    const last = sse.end().map(streamItem);
    if (last.length) yield last;
  } finally {
    // The reader left early (an error frame, a stop): let the server know the body is no longer read.
    if (!ended) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
