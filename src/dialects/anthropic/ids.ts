/** Canonical ids → Anthropic ids ("msg_…", "toolu_…" shapes are what clients log and echo back). */

export function messageId(id: string | undefined): string {
  if (!id) return `msg_${randomId()}`;
  return id.startsWith("msg_") ? id : `msg_${id}`;
}

/** A tool call that arrived without an id still needs one: the client answers with tool_result.tool_use_id. */
export function toolUseId(id: string | undefined): string {
  return id || `toolu_${randomId()}`;
}

function randomId(): string {
  return crypto.randomUUID().replace(/-/g, "");
}
