/** Test helpers for the Bedrock dialect: fixtures, and frames decoded back into events. */
import { fixtures } from "../../../../tests/support/fixtures";
import { decodeMessage, stringHeader } from "../../../providers/bedrock/eventstream";
import type { Frame } from "../../types";

/** fixtureChunks reads canonical chunks recorded one JSON a line (`.chunks.jsonl`). */
export const { fixtureText, fixtureJson, fixtureJsonLines: fixtureChunks } = fixtures(import.meta.dir);

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
