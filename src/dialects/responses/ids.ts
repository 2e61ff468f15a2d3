/** Response and item ids with OpenAI's prefixes (resp_, msg_, rs_, fc_), derived from the canonical id. */

/** The canonical id without its vendor prefix, so "chatcmpl-abc" gives "resp_abc", "msg_abc". */
export function baseId(id: string | undefined): string {
  const base = (id ?? "").replace(/^(chatcmpl-|msg_|resp_|gen-)/, "");
  return base || crypto.randomUUID().replace(/-/g, "");
}

export const responseId = (base: string): string => `resp_${base}`;

/** The n-th item of a kind in one response; the first keeps the plain id. */
export const itemId = (prefix: "msg" | "rs", base: string, n: number): string => (n === 0 ? `${prefix}_${base}` : `${prefix}_${base}_${n}`);

export const functionCallId = (callId: string): string => `fc_${callId}`;

/** A tool call that arrived without an id still needs one: the client answers with function_call_output.call_id. */
export const callId = (id: string | undefined): string => id || `call_${crypto.randomUUID().replace(/-/g, "")}`;
