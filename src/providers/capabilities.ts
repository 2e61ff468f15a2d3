/** What each built-in provider can do, read off its adapter: the README's provider table is generated from this. */
import { getAdapter } from ".";
import { PROVIDERS } from "./catalog";
import type { Op } from "../schemas/ops";

export interface ProviderRow {
  provider: string;
  chat: boolean;
  stream: boolean;
  /** Tool calls translated (or passed through to an OpenAI-compatible upstream). */
  tools: boolean;
  embeddings: boolean;
  audio: string[];
  images: boolean;
  rerank: boolean;
  keyEnv: string;
}

export function providerRows(): ProviderRow[] {
  return Object.entries(PROVIDERS).map(([name, entry]) => {
    const caps = getAdapter(name).capabilities;
    const has = (c: Op) => caps.has(c);
    return {
      provider: name,
      chat: has("chat"),
      stream: has("chatStream"),
      tools: has("chat"),
      embeddings: has("embeddings"),
      audio: [has("speech") ? "speech" : "", has("transcription") ? "transcription" : ""].filter(Boolean),
      images: has("imageGeneration"),
      rerank: has("rerank"),
      keyEnv: entry.keyless ? `${entry.urlEnv} (keyless)` : entry.keyEnv.length ? entry.keyEnv.join(" or ") : "config only (vertex_key_config)",
    };
  });
}

const mark = (b: boolean) => (b ? "✓" : "–");

export function providerTableMarkdown(): string {
  const head = "| Provider | Chat | Stream | Tools | Embeddings | Audio | Images | Rerank | Key from |\n|---|---|---|---|---|---|---|---|---|";
  const rows = providerRows().map(
    (r) =>
      `| ${r.provider} | ${mark(r.chat)} | ${mark(r.stream)} | ${mark(r.tools)} | ${mark(r.embeddings)} | ${r.audio.join(", ") || "–"} | ${mark(r.images)} | ${mark(r.rerank)} | \`${r.keyEnv}\` |`,
  );
  return [head, ...rows].join("\n");
}

export const TABLE_START = "<!-- provider-table:start (generated: bifrost providers --markdown) -->";
export const TABLE_END = "<!-- provider-table:end -->";
