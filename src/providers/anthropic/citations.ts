/** Canonical content with citations and provider-run tool blocks → Anthropic's interleaved text, server-tool and cited text blocks. */
import type { AnthropicResponseBlock } from "./types";
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

export interface GatheredText {
  texts: string[];
  annotations: CitationAnnotation[];
  serverBlocks: ServerToolBlock[];
}

/**
 * The inverse of interleavedBlocks, for an answer and for an assistant turn given back: text blocks joined, their
 * citations as annotations over the joined text, server-tool blocks kept verbatim at their offsets; the rest to `other`.
 */
export function gatherBlocks(blocks: readonly any[], isServerBlock: (b: any) => boolean, other: (b: any, j: number) => void): GatheredText {
  const out: GatheredText = { texts: [], annotations: [], serverBlocks: [] };
  let at = 0;
  blocks.forEach((b, j) => {
    if (b?.type === "text" && typeof b.text === "string") {
      for (const citation of Array.isArray(b.citations) ? b.citations : []) out.annotations.push({ type: "citation", start_index: at, end_index: at + b.text.length, citation });
      out.texts.push(b.text);
      at += b.text.length;
    } else if (isServerBlock(b)) out.serverBlocks.push({ at, block: b });
    else other(b, j);
  });
  return out;
}
