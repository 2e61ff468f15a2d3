/**
 * Signed or redacted reasoning (Anthropic thinking) must go back to the upstream on the next turn. The Responses
 * API carries it in a reasoning item's opaque encrypted_content: we pack the canonical reasoning_details there.
 */
import type { ChatMessage } from "../../schemas/chat";

export type ReasoningDetail = NonNullable<ChatMessage["reasoning_details"]>[number];

const PREFIX = "bifrost.rd.v1:";

/** undefined when nothing in the details needs to travel back (unsigned text is not verifiable anyway). */
export function packReasoning(details: ReasoningDetail[]): string | undefined {
  if (!details.some((d) => d.signature || (d.type === "reasoning.encrypted" && d.data))) return undefined;
  return PREFIX + Buffer.from(JSON.stringify(details)).toString("base64");
}

/** Details packed by packReasoning; anything else (OpenAI's own encrypted reasoning) is not ours to read. */
export function unpackReasoning(encrypted: unknown): ReasoningDetail[] {
  if (typeof encrypted !== "string" || !encrypted.startsWith(PREFIX)) return [];
  try {
    const details = JSON.parse(Buffer.from(encrypted.slice(PREFIX.length), "base64").toString("utf8"));
    return Array.isArray(details) ? details.filter((d) => d && typeof d.type === "string") : [];
  } catch {
    return [];
  }
}
