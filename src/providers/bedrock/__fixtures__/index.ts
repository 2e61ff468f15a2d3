/** Test helpers: recorded wire fixtures, eventstream transcripts turned into bytes, and the target every test calls. */
import { fixtures } from "../../../../tests/support/fixtures";
import type { ProviderTarget } from "../../types";
import { encodeEvent, encodeException } from "../eventstream";

export const { fixtureText, fixtureJson } = fixtures(import.meta.dir);
export { now, NOW_MS } from "../../../../tests/support/fixtures";

export interface TranscriptEvent {
  /** ":event-type", or ":exception-type" when `exception`. */
  type: string;
  exception: boolean;
  payload: unknown;
}

/**
 * A `.events.txt` transcript: one frame per line, `<eventType> <json payload>` or `!<exceptionType> <json payload>`;
 * `#` lines are comments. The frames are what Bedrock sends; the bytes come from our encoder (pinned to AWS's
 * own vectors in eventstream.test.ts).
 */
export function fixtureEvents(name: string): TranscriptEvent[] {
  return fixtureText(name)
    .split("\n")
    .filter((l) => l.trim() && !l.startsWith("#"))
    .map((line) => {
      const sp = line.indexOf(" ");
      const head = line.slice(0, sp);
      const exception = head.startsWith("!");
      return { type: exception ? head.slice(1) : head, exception, payload: JSON.parse(line.slice(sp + 1)) };
    });
}

export function fixtureFrames(name: string): Uint8Array[] {
  return fixtureEvents(name).map((e) => (e.exception ? encodeException(e.type, e.payload) : encodeEvent(e.type, e.payload)));
}

export function fixtureStream(name: string): Uint8Array {
  return concatBytes(fixtureFrames(name));
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
export const SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
export const MODEL = "anthropic.claude-3-7-sonnet-20250219-v1:0";

export const target = (over: Partial<ProviderTarget> = {}): ProviderTarget => ({
  provider: "bedrock",
  model: MODEL,
  baseUrl: "https://bedrock-runtime.{region}.amazonaws.com",
  apiKey: "",
  extraHeaders: {},
  keyConfig: { access_key: ACCESS_KEY, secret_key: SECRET_KEY, region: "us-west-2" },
  ...over,
});

/** A fixed id so chunks and responses compare equal across runs. */
export const ID = "chatcmpl-fixture0000000000000000000";
export const newId = () => ID;
