/** Canonical content with citations and provider-run tool blocks → Anthropic's interleaved text, server-tool and cited text blocks. */
import type { AnthropicResponseBlock } from "../../providers/anthropic/types";
import type { CitationAnnotation, ServerToolBlock } from "../../schemas/chat";

/** Cut at every citation edge and tool-block offset: each piece is one text block, cited by the annotations covering it. */
export function interleavedBlocks(text: string, annotations: CitationAnnotation[], serverBlocks: ServerToolBlock[]): AnthropicResponseBlock[] {
  const cuts = [...new Set([0, text.length, ...annotations.flatMap((a) => [a.start_index, a.end_index]), ...serverBlocks.map((b) => b.at ?? text.length)])]
    .filter((n) => n >= 0 && n <= text.length)
    .sort((a, b) => a - b);
  const out: AnthropicResponseBlock[] = [];
  cuts.forEach((from, k) => {
    for (const s of serverBlocks) if ((s.at ?? text.length) === from) out.push(s.block);
    const to = cuts[k + 1];
    if (to === undefined || to === from) return;
    const citations = annotations.filter((a) => a.start_index <= from && a.end_index >= to).map((a) => a.citation);
    out.push(citations.length ? { type: "text", text: text.slice(from, to), citations } : { type: "text", text: text.slice(from, to) });
  });
  return out;
}
