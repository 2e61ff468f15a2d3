/** Reading one `__fixtures__` folder of recorded wire traffic by file name; each folder's index.ts is a thin use of this. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SseParser } from "../../src/providers/sse";
import type { ChatChunk, ChatResponse } from "../../src/schemas/chat";

export function fixtures(dir: string) {
  const fixtureText = (name: string): string => readFileSync(join(dir, name), "utf8");
  const fixtureJson = (name: string): any => JSON.parse(fixtureText(name));
  return {
    fixtureText,
    fixtureJson,
    /** A `.jsonl` file: one JSON value a line. */
    fixtureJsonLines: (name: string): any[] => fixtureText(name).split("\n").filter(Boolean).map((l) => JSON.parse(l)),
    /** A canonical response, `<name>.json`. */
    chatResponse: (name: string): ChatResponse => fixtureJson(`${name}.json`),
    /** The canonical chunks of a recorded stream, `<name>.chunks.txt` (SSE), without the [DONE] sentinel. */
    chatChunks(name: string): ChatChunk[] {
      const sse = new SseParser();
      const events = [...sse.push(fixtureText(`${name}.chunks.txt`)), ...sse.end()];
      return events.filter((e) => e.data !== "[DONE]").map((e) => JSON.parse(e.data));
    },
  };
}

/** A fixed clock so chunks and responses compare equal across runs. */
export const NOW_MS = 1_760_000_000_000;
export const now = () => NOW_MS;
