/**
 * A static check for regexes that come from config or the admin API (guardrails patterns, mocker
 * rules): refuse the shapes that backtrack catastrophically before the regex is ever run on a request.
 *
 * Refused: sources longer than MAX_REGEX_LENGTH; a repeated group (*, +, {n,}, {n,m}) that itself
 * contains a repetition (`(a+)+`, `(.*)*`, `(?:\w+\s?){2,}`); a repeated group whose alternatives can begin with the same
 * character (`(a|a)*`, `(a|ab)+`, `(\w|\d)*`). Deliberately conservative: a refused regex can nearly
 * always be rewritten without the nesting (`(a+)+` is `a+`). Backreferences are refused too (no
 * linear bound). What it cannot see (e.g. `\w+\w+x` on a long run) is quadratic at worst, which the
 * callers bound by capping the length of what they scan.
 */

export const MAX_REGEX_LENGTH = 1000;

interface Group {
  /** Some atom inside is repeated (*, +, {n,} or {n,m} with m > 1). */
  repeats: boolean;
  /** How each alternative begins: a literal character, or null for "could be many" (a class, `.`, `\w`, a group). */
  starts: Array<string | null | undefined>;
}

/** The reason `source` is refused, or null when it is accepted. */
export function unsafeRegexReason(source: string): string | null {
  if (source.length > MAX_REGEX_LENGTH) return `longer than ${MAX_REGEX_LENGTH} characters`;
  const stack: Group[] = [{ repeats: false, starts: [undefined] }];
  const top = () => stack[stack.length - 1]!;
  /** Notes the first atom of the current alternative. */
  const atom = (first: string | null) => {
    const g = top();
    if (g.starts[g.starts.length - 1] === undefined) g.starts[g.starts.length - 1] = first;
  };
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    let closed: Group | null = null;
    if (c === "\\") {
      const n = source[i + 1] ?? "";
      if (/[1-9k]/.test(n)) return "uses a backreference";
      atom(/[dDwWsSbBpPuxc]/.test(n) ? null : n);
      i += 2;
    } else if (c === "[") {
      let j = i + 1;
      if (source[j] === "^") j++;
      if (source[j] === "]") j++;
      while (j < source.length && source[j] !== "]") j += source[j] === "\\" ? 2 : 1;
      atom(null);
      i = j + 1;
    } else if (c === "(") {
      atom(null);
      stack.push({ repeats: false, starts: [undefined] });
      // (?: (?= (?! (?<= (?<! (?<name>
      if (source[i + 1] === "?") {
        const named = /^\(\?<(?![=!])[^>]*>/.exec(source.slice(i));
        i += named ? named[0].length : source[i + 2] === "<" ? 4 : 3;
      } else i++;
    } else if (c === ")") {
      if (stack.length < 2) return "has an unbalanced )";
      closed = stack.pop()!;
      i++;
    } else if (c === "|") {
      top().starts.push(undefined);
      i++;
    } else {
      if (c !== "^" && c !== "$") atom(c === "." ? null : c); // anchors match no character
      i++;
    }
    // A quantifier on what was just read.
    const q = /^(?:[*+?]|\{(\d*)(?:,(\d*))?\})/.exec(source.slice(i));
    // {n} is an exact count: only *, +, {n,} and {n,m} with m > n may match the same text more than one way.
    const repeated = q !== null && (q[0] === "*" || q[0] === "+" || (q[2] !== undefined && (q[2] === "" || Number(q[2]) > Number(q[1] || 0))));
    if (closed) {
      if (repeated && closed.repeats) return `repeats a group that itself repeats (nested quantifiers, e.g. (a+)+)`;
      if (repeated && overlapping(closed.starts)) return `repeats a group whose alternatives can start alike (e.g. (a|a)*)`;
      if (closed.repeats) top().repeats = true;
    }
    if (repeated) top().repeats = true;
    if (q) i += q[0].length + (source[i + q[0].length] === "?" ? 1 : 0);
  }
  if (stack.length > 1) return "has an unbalanced (";
  return null;
}

/** Two alternatives that may begin with the same character: any non-literal start, or a repeated literal. */
function overlapping(starts: Array<string | null | undefined>): boolean {
  if (starts.length < 2) return false;
  const seen = new Set<string>();
  for (const s of starts) {
    if (s === null || s === undefined) return true;
    if (seen.has(s)) return true;
    seen.add(s);
  }
  return false;
}

/** Throws `<field>: regex refused: <why>` for a catastrophic-backtracking shape (see above). */
export function assertSafeRegex(source: string, field?: string): void {
  const why = unsafeRegexReason(source);
  if (why) throw new Error(`${field ? `${field}: ` : ""}regex refused: it ${why}; such patterns can freeze the gateway on long input`);
}
