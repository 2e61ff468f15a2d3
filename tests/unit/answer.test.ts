import { describe, expect, test } from "bun:test";
import { Answer } from "../../src/core/answer";

const extra = { provider: "openai", model_requested: "openai/gpt-4o-mini", latency_ms: 1.25 };

describe("an answer's JSON", () => {
  test("an upstream's canonical text gets extra_fields spliced in, equal to serialising the object", () => {
    const text = '{"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"}"}}]}';
    const value = { ...JSON.parse(text), extra_fields: extra };
    const json = Answer.spliced(value, text).json();
    expect(json.startsWith(text.slice(0, -1))).toBe(true); // the upstream's own bytes, not a re-serialisation
    expect(JSON.parse(json)).toEqual(value);
  });

  test("trailing white space and pretty-printed upstream text still splice", () => {
    const text = '{\n  "id": "x",\n  "choices": []\n}\n\n';
    expect(JSON.parse(Answer.spliced({ ...JSON.parse(text), extra_fields: extra }, text).json())).toEqual({ id: "x", choices: [], extra_fields: extra });
  });

  test("an empty upstream object gets no stray comma", () => {
    expect(Answer.spliced({ extra_fields: extra }, "{ }").json()).toBe(`{ "extra_fields":${JSON.stringify(extra)}}`);
  });

  test("text that already names extra_fields is serialised from the object instead (no duplicate key)", () => {
    const text = '{"id":"x","extra_fields":{"upstream":true}}';
    const value = { id: "x", extra_fields: extra };
    expect(Answer.spliced(value, text).json()).toBe(JSON.stringify(value));
  });

  test("from JSON text the object is parsed only when read, and the text is given back unchanged", () => {
    const text = '{"a":1}';
    const a = Answer.fromJson<{ a: number }>(text);
    expect(a.json()).toBe(text);
    expect(a.value.a).toBe(1);
  });

  test("an object is serialised once", () => {
    const a = Answer.of({ a: [1, 2] });
    expect(a.json()).toBe('{"a":[1,2]}');
    expect(a.json()).toBe(a.json());
  });
});
