/**
 * Repairing truncated JSON. `JsonRepair` is a streaming transducer: text goes in as it arrives,
 * `output` grows only at "safe points" (where closing the open strings, arrays and objects yields
 * valid JSON), and `finish()` returns what closes the document. Whatever it emits is a
 * prefix-consistent subset of the full document: strings may be cut short, arrays and objects may
 * lack their last members, but nothing is invented. Partial keys, dangling commas and unfinished
 * numbers are held back (and dropped at the end); partial true/false/null are completed.
 */

type Frame = "obj" | "arr";
type Expect = "value" | "value_or_end" | "value_after_comma" | "key_or_end" | "key_after_comma" | "colon" | "after_value" | "done";
type Token = "none" | "string" | "key" | "number" | "literal";

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const NUMBER_CHAR = /[0-9+\-.eE]/;
const SIMPLE_ESCAPES = "\"\\/bfnrt";
const LITERALS: Record<string, string> = { t: "true", f: "false", n: "null" };

export class JsonRepair {
  /** The safe text so far: only ever grows, so a stream may emit it as it grows. */
  output = "";
  /** Set when the text stopped being JSON (or had content after the document); later input is ignored. */
  failed = false;
  /** After a failure: the raw text not reflected in `output` (for passing it through unchanged). */
  unconsumed = "";

  private pending = "";
  private pendingRaw = "";
  private readonly stack: Frame[] = [];
  private expect: Expect = "value";
  private token: Token = "none";
  private escape: string | null = null;
  private literal = "";
  /** Where the current number or literal starts in `pending` (after any comma, key and colon held with it). */
  private tokenAt = 0;
  private started = false;

  push(text: string): void {
    if (this.failed) return;
    for (let i = 0; i < text.length; i++) {
      // Fast path: a run of plain characters inside a string value is safe as it comes.
      if (this.token === "string" && this.escape === null) {
        let j = i;
        while (j < text.length && isPlainStringChar(text.charCodeAt(j))) j++;
        if (j > i) {
          this.output += text.slice(i, j);
          i = j - 1;
          continue;
        }
      }
      if (!this.step(text[i]!)) {
        this.failed = true;
        this.unconsumed = this.pendingRaw + text.slice(i + 1);
        return;
      }
    }
  }

  /** What closes `output` right now (ignores held-back text): for progressive snapshots. */
  closing(): string {
    return (this.token === "string" ? '"' : "") + this.closers();
  }

  /** The text that completes the document after `output`; "" when nothing was started. */
  finish(): string {
    let tail = "";
    if (!this.failed) {
      if (this.token === "literal") tail = this.pending + this.literal.slice(this.pending.length - this.tokenAt);
      else if (this.token === "number" && this.stack.length === 0 && NUMBER.test(this.pending.slice(this.tokenAt))) tail = this.pending;
      else if (this.token === "string") tail = '"';
      if (this.token === "literal" || this.token === "number") this.token = "none";
    } else if (this.token === "string") tail = '"';
    if (this.token === "string") this.token = "none";
    this.pending = "";
    return tail + this.closers();
  }

  private closers(): string {
    let s = "";
    for (let i = this.stack.length - 1; i >= 0; i--) s += this.stack[i] === "obj" ? "}" : "]";
    return s;
  }

  private commit(extra = ""): void {
    this.output += this.pending + extra;
    this.pending = "";
    this.pendingRaw = "";
  }

  private afterValue(): void {
    this.token = "none";
    this.expect = this.stack.length ? "after_value" : "done";
  }

  /** One character; false when the text is not JSON from here on. */
  private step(c: string): boolean {
    this.pendingRaw += c;
    if (this.token === "string" || this.token === "key") return this.inString(c);
    if (this.token === "literal") {
      const at = this.pending.length - this.tokenAt;
      if (c !== this.literal[at]) return false;
      this.pending += c;
      if (at + 1 === this.literal.length) this.commit(), this.afterValue();
      return true;
    }
    if (this.token === "number") {
      if (NUMBER_CHAR.test(c)) return (this.pending += c), true;
      if (!NUMBER.test(this.pending.slice(this.tokenAt))) return false;
      this.commit();
      this.afterValue();
      this.pendingRaw = c;
    }
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      // Whitespace before the document or after it is dropped; inside, it rides with the next token.
      if (this.started && this.expect !== "done") this.pending += c;
      return true;
    }
    switch (this.expect) {
      case "value":
      case "value_or_end":
      case "value_after_comma":
        return this.valueStart(c);
      case "key_or_end":
      case "key_after_comma":
        if (c === '"') return (this.token = "key"), (this.pending += c), true;
        if (c !== "}") return false;
        return this.close(c, this.expect === "key_after_comma");
      case "colon":
        if (c !== ":") return false;
        this.pending += c;
        this.expect = "value";
        return true;
      case "after_value":
        if (c === ",") {
          this.pending += c;
          this.expect = this.stack.at(-1) === "arr" ? "value_after_comma" : "key_after_comma";
          return true;
        }
        if (c === (this.stack.at(-1) === "arr" ? "]" : "}")) return this.close(c, false);
        return false;
      case "done":
        return false;
    }
  }

  private valueStart(c: string): boolean {
    this.started = true;
    if (c === "{" || c === "[") {
      this.commit(c);
      this.stack.push(c === "{" ? "obj" : "arr");
      this.expect = c === "{" ? "key_or_end" : "value_or_end";
      return true;
    }
    if (c === '"') {
      this.commit(c);
      this.token = "string";
      return true;
    }
    if (c === "-" || (c >= "0" && c <= "9")) {
      this.token = "number";
      this.tokenAt = this.pending.length;
      this.pending += c;
      return true;
    }
    if (LITERALS[c]) {
      this.token = "literal";
      this.literal = LITERALS[c]!;
      this.tokenAt = this.pending.length;
      this.pending += c;
      return true;
    }
    if (c === "]" && this.expect !== "value") return this.close(c, this.expect === "value_after_comma");
    return false;
  }

  /** Close the innermost container; a dangling comma (held in `pending`) is dropped. */
  private close(c: string, danglingComma: boolean): boolean {
    if (danglingComma) this.pending = "";
    this.commit(c);
    this.stack.pop();
    this.afterValue();
    return true;
  }

  private inString(c: string): boolean {
    const write = (s: string) => (this.token === "string" ? this.commit(s) : (this.pending += s));
    if (this.escape !== null) {
      this.escape += c;
      if (this.escape.length === 2) {
        if (c === "u") return true;
        if (!SIMPLE_ESCAPES.includes(c)) return false;
      } else if (!/[0-9a-fA-F]/.test(c)) return false;
      else if (this.escape.length < 6) return true;
      write(this.escape);
      this.escape = null;
      return true;
    }
    if (c === "\\") return (this.escape = "\\"), true;
    if (c === '"') {
      if (this.token === "string") return this.commit(c), this.afterValue(), true;
      this.pending += c;
      this.token = "none";
      this.expect = "colon";
      return true;
    }
    const code = c.charCodeAt(0);
    // Raw control characters are invalid in JSON strings; models emit them anyway, so escape them.
    write(code < 0x20 ? escapeControl(code) : c);
    return true;
  }
}

/** A complete repaired document, or null when the text holds no JSON value at all. */
export function repairJson(text: string): string | null {
  const r = new JsonRepair();
  r.push(text);
  const doc = r.output + r.finish();
  return doc === "" ? null : doc;
}

/** True when `text` parses as JSON as it is. */
export function isValidJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function isPlainStringChar(code: number): boolean {
  return code >= 0x20 && code !== 0x22 && code !== 0x5c;
}

function escapeControl(code: number): string {
  if (code === 0x0a) return "\\n";
  if (code === 0x0d) return "\\r";
  if (code === 0x09) return "\\t";
  return "\\u" + code.toString(16).padStart(4, "0");
}
