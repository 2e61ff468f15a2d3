/**
 * The gateway always asks the upstream for a stream's usage (it needs it for cost, logs and limits);
 * an OpenAI client that did not ask (`stream_options.include_usage`) gets the stream without it: the
 * usage-only chunk (no choices) is dropped, as OpenAI would never have sent it, and its
 * `extra_fields.cost` moves onto the finish chunk, which is held back until the usage arrived.
 */
import type { ChunkStream } from "../core/provider-call";
import type { ChatChunk } from "../schemas/chat";

/** Did the client ask for the usage chunk? */
export function asksForUsage(body: unknown): boolean {
  return (body as { stream_options?: { include_usage?: unknown } } | null)?.stream_options?.include_usage === true;
}

export function withoutUsage(src: ChunkStream): ChunkStream {
  let held: ChatChunk | null = null;
  let done = false;
  return {
    async next() {
      while (!done) {
        const batch = await src.next();
        if (batch === null) {
          done = true;
          break;
        }
        const out: ChatChunk[] = [];
        for (const c of batch) {
          if (c.usage != null && !c.choices?.length) {
            // The usage-only chunk: its cost goes on the held finish chunk; the chunk itself is not sent.
            const cost = c.extra_fields?.cost;
            if (held && cost !== undefined) held.extra_fields = { ...held.extra_fields!, cost };
            continue;
          }
          if (c.usage !== undefined) delete c.usage;
          if (held) out.push(held), (held = null);
          if (c.choices?.some((ch) => ch.finish_reason)) held = c;
          else out.push(c);
        }
        if (out.length) return out;
      }
      if (held) {
        const last = held;
        held = null;
        return [last];
      }
      return null;
    },
    cancel: () => src.cancel(),
  };
}
