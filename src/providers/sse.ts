/** Server-sent events: an incremental parser (any chunk split) and the frame encoder. */

export interface SseEvent {
  event: string | null;
  data: string;
}

export class SseParser {
  private buffer = "";
  private event: string | null = null;
  private data: string[] = [];

  /** Feed decoded text; returns the events completed by it. */
  push(text: string): SseEvent[] {
    this.buffer += text;
    const out: SseEvent[] = [];
    let start = 0;
    const buf = this.buffer;
    for (let i = 0; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      // A lone \r at the very end may be half of \r\n: wait for the next chunk.
      if (c === 13 && i === buf.length - 1) break;
      this.line(buf.slice(start, i), out);
      if (c === 13 && buf.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
    this.buffer = buf.slice(start);
    return out;
  }

  /** The stream closed: dispatch a last event that had no blank line after it. */
  end(): SseEvent[] {
    const out: SseEvent[] = [];
    if (this.buffer.length) this.line(this.buffer, out);
    this.buffer = "";
    this.line("", out);
    return out;
  }

  private line(line: string, out: SseEvent[]) {
    if (line.length === 0) {
      if (this.data.length) out.push({ event: this.event, data: this.data.join("\n") });
      this.event = null;
      this.data = [];
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' comment */) return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
  }
}

export function sseData(json: string): string {
  return `data: ${json}\n\n`;
}

export function sseEvent(event: string, json: string): string {
  return `event: ${event}\ndata: ${json}\n\n`;
}

export const SSE_DONE = "data: [DONE]\n\n";
