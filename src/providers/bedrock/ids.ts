/** Converse answers carry no id (only the x-amzn-requestid header, which adapters do not see): one is made up. */
export function newCompletionId(): string {
  return `chatcmpl-${crypto.randomUUID().replace(/-/g, "")}`;
}
