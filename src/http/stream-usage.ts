/**
 * The gateway always asks the upstream for a stream's usage (it needs it for cost, logs and limits);
 * an OpenAI client that did not ask (`stream_options.include_usage`) gets the stream without it, as
 * OpenAI would send it: the usage-only chunk (no choices, the one carrying `extra_fields.cost`) is
 * dropped and no other chunk keeps a `usage`. Nothing is held back: holding the finish chunk until the
 * usage arrived would delay it by the upstream's pace.
 */
import type { ChunkStream } from "../core/provider-call";
import type { ChatChunk } from "../schemas/chat";

/** Did the client ask for the usage chunk? */
export function asksForUsage(body: unknown): boolean {
  return (body as { stream_options?: { include_usage?: unknown } } | null)?.stream_options?.include_usage === true;
}

export function withoutUsage(src: ChunkStream): ChunkStream {
  return {
    async next() {
      for (;;) {
        const batch = await src.next();
        if (batch === null) return null;
        let out: ChatChunk[] | null = null;
        for (let i = 0; i < batch.length; i++) {
          const c = batch[i]!;
          const usageOnly = c.usage != null && !c.choices?.length;
          if (usageOnly && !out) out = batch.slice(0, i);
          else if (!usageOnly) {
            if (c.usage !== undefined) delete c.usage;
            out?.push(c);
          }
        }
        const kept = out ?? batch;
        if (kept.length) return kept;
      }
    },
    cancel: () => src.cancel(),
  };
}
