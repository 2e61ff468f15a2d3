/** Which rule answers a request: globs and regexes compiled once, at setup. */
import { assertSafeRegex, type ChatMessage, type RequestContext } from "bifrost/plugin";
import type { Rule } from "./config";

export interface CompiledRule {
  rule: Rule;
  label: string;
  model: RegExp | null;
  provider: RegExp | null;
  content: RegExp | null;
}

/** "/source/flags" is a regex; anything else is a glob (* and ?), matched whole. */
export function toPattern(text: string, glob: boolean): RegExp {
  const re = /^\/(.+)\/([a-z]*)$/s.exec(text);
  // A regex from config or the admin API runs on every request: refused when it could backtrack catastrophically.
  if (re) return checked(new RegExp(re[1]!, re[2]));
  if (!glob) return checked(new RegExp(text));
  const source = text.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${source}$`);
}

/** A compiled regex whose source passed the backtracking check (else it throws saying why). */
function checked(regex: RegExp): RegExp {
  assertSafeRegex(regex.source);
  return regex;
}

/** Throws with the rule's position when a pattern does not compile (the plugin then fails to load, saying why). */
export function compileRules(rules: Rule[]): CompiledRule[] {
  return rules.map((rule, i) => {
    const label = rule.name ?? `rules[${i}]`;
    const compile = (text: string | undefined, glob: boolean, field: string) => {
      if (text === undefined) return null;
      try {
        return toPattern(text, glob);
      } catch (e) {
        throw new Error(`${label}.match.${field}: ${(e as Error).message}`);
      }
    };
    const m = rule.match ?? {};
    return { rule, label, model: compile(m.model, true, "model"), provider: compile(m.provider, true, "provider"), content: compile(m.content, false, "content") };
  });
}

/** The first rule that matches and wins its probability roll. */
export function pickRule(rules: CompiledRule[], requested: string, input: string, rctx: RequestContext): CompiledRule | null {
  for (const r of rules) {
    if (r.model && !r.model.test(requested) && !r.model.test(rctx.model)) continue;
    if (r.provider && !r.provider.test(rctx.provider)) continue;
    if (r.content && !r.content.test(input)) continue;
    if (r.rule.probability < 1 && Math.random() >= r.rule.probability) continue;
    return r;
  }
  return null;
}

export function isMockModel(requested: string, rctx: RequestContext): boolean {
  return rctx.provider === "mock" || requested.startsWith("mock/");
}

export function textOf(content: ChatMessage["content"]): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.flatMap((p) => (p?.type === "text" && "text" in p && typeof p.text === "string" ? [p.text] : [])).join(" ");
}

/** The last user message's text: what the default reply quotes and `match.content` tests. */
export function lastUserText(messages: ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.role !== "user") continue;
    const text = textOf(messages[i]!.content).trim();
    if (text) return text;
  }
  return "";
}
