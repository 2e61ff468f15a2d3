/** Azure's SSE stream is OpenAI's plus a first chunk with no choices that only carries prompt_filter_results: dropped. */
import type { ChatChunk } from "../../schemas/chat";
import { createOpenAIStreamDecoder } from "../openai/adapter";
import type { ProviderTarget, StreamDecoder } from "../types";

export function createAzureStreamDecoder(target: ProviderTarget): StreamDecoder<ChatChunk> {
  const inner = createOpenAIStreamDecoder(target);
  // The usage chunk also has no choices, but it has usage; only the content-filter preamble is empty.
  const keep = (chunks: ChatChunk[]) => chunks.filter((c) => c.choices.length > 0 || c.usage);
  return {
    push: (text) => keep(inner.push(text)),
    end: () => keep(inner.end()),
    get done() {
      return inner.done;
    },
  };
}
