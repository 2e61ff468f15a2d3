/** The rules: built-in PII detectors and configured patterns, compiled once at setup. */
import { assertSafeRegex } from "bifrost/plugin";
import type { GuardrailsConfig } from "./config";

export interface Rule {
  name: string;
  action: "redact" | "block";
  /** Global: used with matchAll. */
  regex: RegExp;
  /** A second opinion on a regex match (credit cards: the Luhn check). */
  validate?: (match: string) => boolean;
}

type PiiName = keyof GuardrailsConfig["pii"];

/** Ordered by priority: when two matches start at the same place, the earlier rule wins. */
const PII: Record<PiiName, { regex: RegExp; validate?: (m: string) => boolean }> = {
  credit_card: { regex: /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g, validate: luhn },
  ssn: { regex: /(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])/g },
  // Starts only where a run of local-part characters starts (the lookbehind), so a long run without an
  // "@" is read once, not once per position (which was quadratic: 160 KB of letters took seconds).
  email: { regex: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g },
  ip_address: {
    regex: /(?<![\w.:])(?:(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)|(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4})(?![\w:]|\.\d)/g,
  },
  // Not a run of digit groups inside a longer one (card numbers, IDs): no digit group right before or after.
  phone: { regex: /(?<![\w+]|\d[ .-])(?:\+\d{10,14}|(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)[ .-]?|\d{2,4}[ .-])\d{3,4}[ .-]\d{3,4})(?!\w|[ .-]\d)/g },
};

/**
 * Configured patterns first (in order), then the enabled PII detectors. Throws naming a pattern that
 * does not compile or whose shape backtracks catastrophically (nested quantifiers, overlapping alternatives).
 */
export function compileRules(cfg: GuardrailsConfig): Rule[] {
  const rules: Rule[] = cfg.patterns.map((p, i) => {
    let regex: RegExp;
    try {
      regex = new RegExp(p.regex, [...new Set(`${p.flags ?? ""}g`)].join(""));
    } catch (e) {
      throw new Error(`patterns "${p.name}": ${(e as Error).message}`);
    }
    assertSafeRegex(p.regex, `patterns "${p.name}" (patterns[${i}].regex)`);
    return { name: p.name, action: p.action, regex };
  });
  for (const [name, d] of Object.entries(PII) as Array<[PiiName, (typeof PII)[PiiName]]>) {
    if (cfg.pii[name]) rules.push({ name, action: cfg.pii_action, regex: d.regex, validate: d.validate });
  }
  return rules;
}

/** The Luhn checksum every payment card number carries: tells a card from any 16 digits. */
export function luhn(text: string): boolean {
  const digits = text.replace(/\D/g, "");
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1 && (d *= 2) > 9) d -= 9;
    sum += d;
  }
  return sum % 10 === 0;
}
