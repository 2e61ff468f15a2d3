/** The JSON repair transducer: every truncation of a document repairs to a valid, prefix-consistent subset of it. */
import { describe, expect, test } from "bun:test";
import { JsonRepair, isValidJson, repairJson } from "./repair";

const SAMPLES: Record<string, string> = {
  tool_args: JSON.stringify({ city: "Paris", units: "celsius", days: 3, include: ["rain", "wind"], strict: true, extra: null }),
  nested_pretty: JSON.stringify(
    { user: { name: "Ada \"Countess\" Lovelace", tags: ["math", "poetry\\science"], born: -1815.5e0, active: false }, items: [[1, 2], [], {}, [{ x: 1e-3 }]], note: "line\nbreak\ttab \u00e9 \ud83d\ude00" },
    null,
    2,
  ),
  array_root: JSON.stringify([{ id: 1, ok: true }, { id: 22, ok: false, why: "nope" }, "tail", 0, null]),
  escapes: '{"u":"\\u0041\\u00e9\\ud83d\\ude00","s":"a\\/b\\\\c\\"d"}',
  string_root: JSON.stringify("just a string, with \"quotes\""),
};

/** `part` could be what `full` looks like when cut short: strings are prefixes, containers hold a prefix of their members. */
function prefixConsistent(part: unknown, full: unknown): boolean {
  if (typeof part === "string") return typeof full === "string" && full.startsWith(part);
  if (Array.isArray(part)) {
    if (!Array.isArray(full) || part.length > full.length) return false;
    return part.every((v, i) => (i < part.length - 1 ? Bun.deepEquals(v, full[i]) : prefixConsistent(v, full[i])));
  }
  if (part && typeof part === "object") {
    if (!full || typeof full !== "object" || Array.isArray(full)) return false;
    const pk = Object.keys(part);
    const fk = Object.keys(full);
    if (!pk.every((k, i) => fk[i] === k)) return false;
    return pk.every((k, i) => (i < pk.length - 1 ? Bun.deepEquals((part as any)[k], (full as any)[k]) : prefixConsistent((part as any)[k], (full as any)[k])));
  }
  return part === full;
}

describe("repairJson at every truncation point", () => {
  for (const [name, doc] of Object.entries(SAMPLES)) {
    test(`${name}: valid JSON, prefix-consistent, and never shrinking as the cut moves right`, () => {
      const full = JSON.parse(doc);
      let previous: unknown = undefined;
      for (let i = 0; i <= doc.length; i++) {
        const fixed = repairJson(doc.slice(0, i));
        if (fixed === null) {
          expect(previous).toBeUndefined(); // only an empty start may have nothing to say
          continue;
        }
        expect(isValidJson(fixed)).toBe(true);
        const value = JSON.parse(fixed);
        if (!prefixConsistent(value, full)) throw new Error(`cut at ${i}: ${fixed} is not a prefix of ${doc}`);
        if (previous !== undefined && !prefixConsistent(previous, value)) throw new Error(`cut at ${i}: ${fixed} lost something`);
        previous = value;
      }
      expect(previous).toEqual(full);
    });
  }
});

describe("repairJson cases", () => {
  const cases: Array<[string, string | null]> = [
    ['{"a": "hel', '{"a": "hel"}'],
    ['{"a": 1, "b', '{"a": 1}'],
    ['{"a": 1, "b":', '{"a": 1}'],
    ['{"a": 1,', '{"a": 1}'],
    ["[1, 2,", "[1, 2]"],
    ["[1, 23", "[1]"],
    ['{"ok": tr', '{"ok": true}'],
    ["[nu", "[null]"],
    ['{"s": "a\\', '{"s": "a"}'],
    ['{"s": "\\u00', '{"s": ""}'],
    ['{"a": [1, {"b": "c', '{"a": [1, {"b": "c"}]}'],
    ['{"a":1,}', '{"a":1}'],
    ["[1,2,]", "[1,2]"],
    ['{"t": "a\nb"}', '{"t": "a\\nb"}'],
    ["42", "42"],
    ["-", null],
    ["", null],
    ["   ", null],
    ["Sure! {\"a\": 1}", null],
    ['{"a": 1} and more', '{"a": 1}'],
    ['  {"a": 1}  ', '{"a": 1}'],
  ];
  for (const [input, want] of cases) {
    test(JSON.stringify(input), () => expect(repairJson(input)).toBe(want));
  }
});

describe("JsonRepair as a stream", () => {
  test("any split of the input gives the same output as one push", () => {
    const doc = SAMPLES.nested_pretty!;
    for (let seed = 1; seed <= 50; seed++) {
      const r = new JsonRepair();
      let grown = "";
      let at = 0;
      let rnd = seed;
      while (at < doc.length) {
        rnd = (rnd * 1103515245 + 12345) % 2147483648;
        const n = 1 + (rnd % 9);
        r.push(doc.slice(at, at + n));
        at += n;
        expect(r.output.startsWith(grown)).toBe(true); // output only grows
        grown = r.output;
        expect(isValidJson(r.output + r.closing())).toBe(true);
      }
      expect(r.output + r.finish()).toBe(doc);
    }
  });

  test("a failure hands back the raw text it could not use", () => {
    const r = new JsonRepair();
    r.push('{"a": 1, oops');
    expect(r.failed).toBe(true);
    expect(r.output).toBe('{"a": 1');
    expect(r.unconsumed).toBe(", oops");
    expect(r.output + r.finish()).toBe('{"a": 1}');
    const after = new JsonRepair();
    after.push('{"a": 1}');
    after.push(" and more");
    expect(after.unconsumed).toBe(" and more");
  });
});
