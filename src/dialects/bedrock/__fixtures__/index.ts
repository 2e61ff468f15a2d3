/** Test helpers for the Bedrock dialect: fixtures, and frames decoded back into events. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeMessage, stringHeader } from "../../../providers/bedrock/eventstream";
import type { ChatChunk } from "../../../schemas/chat";
import type { Frame } from "../../types";

export const fixtureText = (name: string): string => readFileSync(join(import.meta.dir, name), "utf8");
export const fixtureJson = (name: string): any => JSON.parse(fixtureText(name));
export const fixtureChunks = (name: string): ChatChunk[] => fixtureText(name).split("\n").filter(Boolean).map((l) => JSON.parse(l));

export interface DecodedFrame {
  /** ":event-type", or "!" + ":exception-type" for an exception. */
  type: string;
  payload: any;
}

/** Frames as the AWS SDK sees them: each decoded, CRCs checked, payload parsed. */
export function decodeFrames(frames: Frame[]): DecodedFrame[] {
  return frames.map((f) => {
    if (typeof f === "string") throw new Error("a Bedrock stream frame must be bytes");
    const m = decodeMessage(f);
    const kind = stringHeader(m.headers, ":message-type");
    const type = kind === "exception" ? `!${stringHeader(m.headers, ":exception-type")}` : stringHeader(m.headers, ":event-type")!;
    return { type, payload: JSON.parse(new TextDecoder().decode(m.body)) };
  });
}
