/**
 * Guarding a stream: per choice, the last `holdback` characters of content wait for the next chunk,
 * so a match split across chunks is still seen whole; a match straddling the cut waits entirely.
 * The finishing chunk flushes what is held. A blocking match ends the stream with an error chunk.
 */
import type { Rule } from "./rules";
import { findMatches, redact } from "./scan";
import type { ChatChunk, ChunkResult, ResponseExtraFields } from "bifrost/plugin";

const END = { end: true } as const;
const DROP = { drop: true } as const;

export class StreamGuard {
  private readonly held = new Map<number, string>();
  private blocked = false;
  readonly redacted = new Set<string>();

  constructor(
    private readonly rules: Rule[],
    private readonly template: string,
    private readonly holdback: number,
  ) {}

  /** Rewrites the chunk in place; drops one left empty, and ends the stream after a block. */
  onChunk(chunk: ChatChunk): ChunkResult {
    if (this.blocked) return END;
    let finished = false;
    for (const ch of chunk.choices ?? []) {
      const final = ch.finish_reason != null;
      finished ||= final;
      const content = ch.delta?.content;
      const text = (this.held.get(ch.index) ?? "") + (typeof content === "string" ? content : "");
      if (!text) continue;
      const spans = findMatches(text, this.rules);
      const block = spans.find((s) => s.rule.action === "block");
      if (block) {
        this.blocked = true;
        return { chunk: blockedChunk(chunk, ch.index, block.rule.name) };
      }
      let cut = final ? text.length : Math.max(0, text.length - this.holdback);
      // Spans are sorted and disjoint: at most one straddles the cut.
      for (const s of spans) if (s.start < cut && s.end > cut) cut = s.start;
      const sent = spans.filter((s) => s.end <= cut);
      for (const s of sent) this.redacted.add(s.rule.name);
      ch.delta.content = redact(text.slice(0, cut), sent, this.template);
      this.held.set(ch.index, text.slice(cut));
    }
    if (finished && this.redacted.size) chunk.extra_fields = { ...chunk.extra_fields, guardrails: { output: [...this.redacted] } } as ResponseExtraFields;
    if (onlyEmptyContent(chunk)) return DROP;
  }
}

/** The stream's last word: the choice stops as filtered, and an OpenAI-style error tells SDKs why. */
function blockedChunk(chunk: ChatChunk, index: number, rule: string): ChatChunk {
  return {
    id: chunk.id,
    object: "chat.completion.chunk",
    created: chunk.created,
    model: chunk.model,
    choices: [{ index, delta: {}, finish_reason: "content_filter" }],
    is_bifrost_error: true,
    status_code: 400,
    error: { type: "guardrail_blocked", code: rule, message: `response blocked by guardrail "${rule}"`, param: null },
    ...(chunk.extra_fields ? { extra_fields: chunk.extra_fields } : {}),
  };
}

/** A chunk that carried nothing but content now held back is dropped rather than sent empty. */
function onlyEmptyContent(chunk: ChatChunk): boolean {
  if (chunk.choices?.length !== 1 || (chunk as { usage?: unknown }).usage) return false;
  const ch = chunk.choices[0]!;
  if (ch.finish_reason != null) return false;
  const keys = Object.keys(ch.delta ?? {});
  return keys.length === 1 && keys[0] === "content" && ch.delta.content === "";
}
