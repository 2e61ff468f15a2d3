/**
 * Gemini's thoughtSignature, carried through the canonical message as a reasoning_details entry.
 * Gemini 3 rejects a function-calling history whose functionCall parts lost their signature, so
 * the signature rides on the assistant message and goes back on the part it came from: the tool
 * call with the same id, or (no id) the text. Its own type keeps other providers from reading it.
 */
import type { AssistantMessage } from "../../schemas/chat";

export const THOUGHT_SIGNATURE = "gemini.thought_signature";

type Detail = NonNullable<AssistantMessage["reasoning_details"]>[number];

export interface SignatureDetail {
  type: typeof THOUGHT_SIGNATURE;
  signature: string;
  /** The tool call the signature belongs to; absent for a signature on text. */
  id?: string;
}

export function signatureDetail(signature: string, id?: string): Detail {
  const d: SignatureDetail = id === undefined ? { type: THOUGHT_SIGNATURE, signature } : { type: THOUGHT_SIGNATURE, signature, id };
  return d as Detail;
}

export interface Signatures {
  byCallId: Map<string, string>;
  text?: string;
}

/** The signatures an assistant message carries, keyed by tool call id. */
export function readSignatures(details: ReadonlyArray<Detail> | undefined): Signatures {
  const out: Signatures = { byCallId: new Map() };
  for (const d of (details ?? []) as Array<Partial<SignatureDetail> & { type: string }>) {
    if (d.type !== THOUGHT_SIGNATURE || typeof d.signature !== "string" || !d.signature) continue;
    if (typeof d.id === "string") out.byCallId.set(d.id, d.signature);
    else out.text ??= d.signature;
  }
  return out;
}
