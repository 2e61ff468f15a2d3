/** For providers that require alternating roles: a message with the previous message's role is merged into it. */
export function appendTurn<R, B>(out: Array<{ role: R; content: B[] }>, role: R, blocks: B[]): void {
  if (blocks.length === 0) return;
  const last = out[out.length - 1];
  if (last && last.role === role) last.content.push(...blocks);
  else out.push({ role, content: blocks });
}
