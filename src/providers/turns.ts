/**
 * Canonical messages → a top-level system prompt plus strictly alternating user/assistant turns,
 * the shape Anthropic Messages and Bedrock Converse share. Each provider supplies its block builders.
 */
import type { ChatMessage } from "../schemas/chat";
import { BifrostError } from "../schemas/error";

/** A message with the previous message's role is merged into it (these APIs require alternation). */
export function appendTurn<R, B>(out: Array<{ role: R; content: B[] }>, role: R, blocks: B[]): void {
  if (blocks.length === 0) return;
  const last = out[out.length - 1];
  if (last && last.role === role) last.content.push(...blocks);
  else out.push({ role, content: blocks });
}

export interface TurnBuilders<S, B> {
  /** Named in the error for roles it cannot take. */
  provider: string;
  system(m: ChatMessage, i: number): S[];
  user(m: ChatMessage, i: number): B[];
  assistant(m: ChatMessage, i: number): B[];
  /** A tool result goes back in a user turn. */
  tool(m: ChatMessage, i: number): B;
}

export interface Turns<S, B> {
  system?: S[];
  messages: Array<{ role: "user" | "assistant"; content: B[] }>;
}

export function toTurns<S, B>(messages: ChatMessage[], b: TurnBuilders<S, B>): Turns<S, B> {
  const system: S[] = [];
  const out: Turns<S, B>["messages"] = [];
  messages.forEach((m, i) => {
    switch (m.role) {
      case "system":
      case "developer":
        system.push(...b.system(m, i));
        break;
      case "user":
        appendTurn(out, "user", b.user(m, i));
        break;
      case "assistant":
        appendTurn(out, "assistant", b.assistant(m, i));
        break;
      case "tool":
        appendTurn(out, "user", [b.tool(m, i)]);
        break;
      default:
        throw BifrostError.badRequest(`role "${m.role}" is not supported by ${b.provider}; use "tool"`, `messages[${i}].role`);
    }
  });
  return system.length ? { system, messages: out } : { messages: out };
}
