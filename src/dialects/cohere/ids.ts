/** Cohere ids are UUIDs; an upstream id is kept as it is, a missing one invented (clients log and send feedback with it). */
export function responseId(id: string | undefined): string {
  return id || crypto.randomUUID();
}

/** A tool call without an id still needs one: the client answers with tool_call_id. */
export function toolCallId(id: string | undefined, name: string): string {
  return id || `${name || "tool"}_${crypto.randomUUID().replace(/-/g, "").slice(0, 12)}`;
}
