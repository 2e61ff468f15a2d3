/** Helpers for the ingress dialects' tests: reading a folder's canonical fixtures, and checking encoder frames. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SseParser } from "../../src/providers/sse";
import type { ChatChunk, ChatResponse } from "../../src/schemas/chat";

/** Canonical responses (.json) and chunk streams (.chunks.txt) stored in `dir`. */
export function canonicalFixtures(dir: string) {
  const fixtureText = (name: string): string => readFileSync(join(dir, name), "utf8");
  const fixtureJson = (name: string): any => JSON.parse(fixtureText(name));
  return {
    fixtureText,
    fixtureJson,
    chatResponse: (name: string): ChatResponse => fixtureJson(`${name}.json`),
    /** The chunks of a recorded stream, without the [DONE] sentinel. */
    chatChunks(name: string): ChatChunk[] {
      const sse = new SseParser();
      const events = [...sse.push(fixtureText(`${name}.chunks.txt`)), ...sse.end()];
      return events.filter((e) => e.data !== "[DONE]").map((e) => JSON.parse(e.data));
    },
  };
}

/** Decodes encoder frames into {event, data} pairs, checking each frame is exactly one SSE event. */
export function sseEvents(frames: Array<string | Uint8Array>): Array<{ event: string | null; data: any }> {
  return frames.map((f) => {
    const sse = new SseParser();
    const events = sse.push(typeof f === "string" ? f : new TextDecoder().decode(f));
    if (events.length !== 1 || sse.end().length) throw new Error(`frame is not exactly one SSE event: ${JSON.stringify(f)}`);
    return { event: events[0]!.event, data: JSON.parse(events[0]!.data) };
  });
}

type Choice = ChatChunk["choices"][number];

/** A one-choice canonical chunk, for encoder tests. */
export const canonicalChunk = (delta: Choice["delta"], finish: Choice["finish_reason"] = null, usage?: ChatChunk["usage"]): ChatChunk => ({
  id: "chatcmpl-x",
  object: "chat.completion.chunk",
  created: 1,
  model: "m",
  choices: [{ index: 0, delta, finish_reason: finish }],
  ...(usage ? { usage } : {}),
});
