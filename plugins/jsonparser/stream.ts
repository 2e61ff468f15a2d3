/**
 * Streamed JSON, repaired as it flows: per choice, the JSON-mode content and each tool call's
 * arguments go through a JsonRepair. Deltas carry only the repair's safe output (a partial key,
 * dangling comma or unfinished number waits for the next chunk), and the finishing chunk carries
 * what closes the document, so concatenating the deltas always gives parseable JSON.
 */
import { JsonRepair } from "./repair";
import type { ChatChunk, ResponseExtraFields } from "bifrost/plugin";

export interface StreamOptions {
  content: boolean;
  toolCalls: boolean;
  /** Also attach the parseable document so far to every chunk that extends one. */
  everyChunk: boolean;
}

/** Which document a note is about. */
export type Target = { choice: number; target: "content" } | { choice: number; target: "tool_call"; tool_call: number };

interface Buffer {
  where: Target;
  repair: JsonRepair;
  /** Everything received, to tell whether the result differs from it. */
  raw: string;
  /** How much of repair.output was sent. */
  sent: number;
  /** No longer JSON: passed through untouched from here on. */
  broken: boolean;
}

export class StreamRepairs {
  private readonly buffers = new Map<string, Buffer>();

  constructor(private readonly opts: StreamOptions) {}

  /** Rewrites the chunk in place. */
  onChunk(chunk: ChatChunk): void {
    const partial: Array<Target & { json: string }> = [];
    const repaired: Target[] = [];
    for (const ch of chunk.choices ?? []) {
      const touched: Buffer[] = [];
      if (this.opts.content && typeof ch.delta?.content === "string" && ch.delta.content) {
        const b = this.buffer(`${ch.index}:c`, { choice: ch.index, target: "content" });
        ch.delta.content = feed(b, ch.delta.content);
        touched.push(b);
      }
      for (const tc of this.opts.toolCalls ? (ch.delta?.tool_calls ?? []) : []) {
        const args = tc.function?.arguments;
        if (typeof args !== "string" || !args) continue;
        const b = this.buffer(`${ch.index}:t${tc.index}`, { choice: ch.index, target: "tool_call", tool_call: tc.index });
        tc.function!.arguments = feed(b, args);
        touched.push(b);
      }
      if (ch.finish_reason) {
        for (const [key, b] of this.buffers) {
          if (b.where.choice !== ch.index) continue;
          this.buffers.delete(key);
          if (closeInto(b, ch.delta)) repaired.push(b.where);
        }
      } else if (this.opts.everyChunk) {
        for (const b of touched) if (!b.broken && b.repair.output) partial.push({ ...b.where, json: b.repair.output + b.repair.closing() });
      }
    }
    if (partial.length || repaired.length) {
      chunk.extra_fields = { ...chunk.extra_fields, jsonparser: { ...(partial.length ? { partial } : {}), ...(repaired.length ? { repaired } : {}) } } as ResponseExtraFields;
    }
  }

  private buffer(key: string, where: Target): Buffer {
    let b = this.buffers.get(key);
    if (!b) this.buffers.set(key, (b = { where, repair: new JsonRepair(), raw: "", sent: 0, broken: false }));
    return b;
  }
}

/** Push a delta; what to send in its place. */
function feed(b: Buffer, text: string): string {
  b.raw += text;
  if (b.broken) return text;
  b.repair.push(text);
  let out = b.repair.output.slice(b.sent);
  b.sent = b.repair.output.length;
  if (b.repair.failed) {
    // Not JSON after all (e.g. prose in JSON mode): hand everything on as it came.
    out += b.repair.unconsumed;
    b.broken = true;
  }
  return out;
}

/** Append what is held back plus the closing text to the finishing delta; true when that changed the document. */
function closeInto(b: Buffer, delta: ChatChunk["choices"][number]["delta"]): boolean {
  if (b.broken) return false;
  const closing = b.repair.finish();
  const doc = b.repair.output + closing;
  const tail = b.repair.output.slice(b.sent) + closing;
  if (tail) {
    if (b.where.target === "content") delta.content = (delta.content ?? "") + tail;
    else {
      const index = b.where.tool_call;
      const calls = (delta.tool_calls ??= []);
      const tc = calls.find((c) => c.index === index);
      if (tc) tc.function = { ...tc.function, arguments: (tc.function?.arguments ?? "") + tail };
      else calls.push({ index, function: { arguments: tail } });
    }
  }
  return doc !== "" && doc !== b.raw.trim();
}
