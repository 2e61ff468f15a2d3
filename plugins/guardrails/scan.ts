/** Finding the rules' matches in a text, and redacting them. */
import type { Rule } from "./rules";

export interface Span {
  start: number;
  end: number;
  rule: Rule;
}

/** Every rule's matches, sorted and without overlaps (earlier start wins, then rule order, then the longer). */
export function findMatches(text: string, rules: Rule[]): Span[] {
  const all: Array<Span & { priority: number }> = [];
  rules.forEach((rule, priority) => {
    for (const m of text.matchAll(rule.regex)) {
      if (!m[0] || (rule.validate && !rule.validate(m[0]))) continue;
      all.push({ start: m.index!, end: m.index! + m[0].length, rule, priority });
    }
  });
  if (all.length < 2) return all;
  all.sort((a, b) => a.start - b.start || a.priority - b.priority || b.end - a.end);
  const out: Span[] = [];
  let end = -1;
  for (const s of all) if (s.start >= end) out.push(s), (end = s.end);
  return out;
}

export function redact(text: string, spans: Span[], template: string): string {
  if (!spans.length) return text;
  let out = "";
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + template.replace(/\{name\}|<name>/g, s.rule.name);
    at = s.end;
  }
  return out + text.slice(at);
}

/** What scanning one text found: its redacted form, the names redacted, or the rule that blocks it. */
export interface Verdict {
  text: string;
  redacted: string[];
  blockedBy: Rule | null;
}

export function check(text: string, rules: Rule[], template: string): Verdict {
  const spans = findMatches(text, rules);
  const block = spans.find((s) => s.rule.action === "block");
  if (block) return { text, redacted: [], blockedBy: block.rule };
  return { text: redact(text, spans, template), redacted: spans.map((s) => s.rule.name), blockedBy: null };
}
