/** Fixtures for the dialect tests: canonical responses (.json) and chunk streams (.chunks.txt), and Cohere requests. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SseParser } from "../../../providers/sse";
import type { ChatChunk, ChatResponse } from "../../../schemas/chat";

export const fixtureText = (name: string): string => readFileSync(join(import.meta.dir, name), "utf8");
export const fixtureJson = (name: string): any => JSON.parse(fixtureText(name));

export const chatResponse = (name: string): ChatResponse => fixtureJson(`${name}.json`);

/** The chunks of a recorded stream, without the [DONE] sentinel. */
export function chatChunks(name: string): ChatChunk[] {
  const sse = new SseParser();
  const events = [...sse.push(fixtureText(`${name}.chunks.txt`)), ...sse.end()];
  return events.filter((e) => e.data !== "[DONE]").map((e) => JSON.parse(e.data));
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
