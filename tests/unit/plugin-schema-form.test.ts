/** The dashboard's plugin config form, generated from a plugin's schema (ui/src/pages/plugins/schema-form.ts). */
import { describe, expect, test } from "bun:test";
import { t } from "bifrost/plugin";
import { configSchema as mockerSchema } from "../../plugins/mocker/config";
import { buildConfig, fieldForParam, formSpec, hintOf, initialDraft, leaves, optionValue, type FieldSpec } from "../../ui/src/pages/plugins/schema-form";

/** As the API sends it: JSON, TypeBox's symbol markers gone. */
const plain = (s: unknown) => JSON.parse(JSON.stringify(s));
const byId = (spec: FieldSpec, id: string) => leaves(spec).find((f) => f.id === id)!;

const schema = plain(
  t.Object({
    name: t.String({ minLength: 1, description: "Shown in logs" }),
    api_key: t.Optional(t.String()),
    mode: t.Union([t.Literal("fast"), t.Literal("safe")], { default: "fast" }),
    level: t.Union([t.Literal(1), t.Literal(2)]),
    retries: t.Integer({ minimum: 0, maximum: 5, default: 1 }),
    ratio: t.Optional(t.Number({ minimum: 0 })),
    on: t.Boolean({ default: true }),
    tags: t.Array(t.String(), { default: [] }),
    nested: t.Object({ url: t.Optional(t.String()), deep: t.Object({ flag: t.Boolean({ default: false }) }, { default: {} }) }, { default: {} }),
    rules: t.Array(t.Object({ a: t.String() }), { default: [] }),
    labels: t.Record(t.String(), t.String()),
    store: t.Union([t.Object({ type: t.Literal("a") }), t.Object({ type: t.Literal("b") })]),
    anything: t.Optional(t.Unknown()),
  }),
);

describe("formSpec: fields from a JSON schema", () => {
  const spec = formSpec(schema);

  test("each schema shape becomes its control; what cannot be drawn is a JSON field for that subtree", () => {
    expect(spec.kind).toBe("object");
    const kinds = Object.fromEntries(leaves(spec).map((f) => [f.id, f.kind]));
    expect(kinds).toEqual({
      name: "text",
      api_key: "text",
      mode: "select",
      level: "select",
      retries: "number",
      ratio: "number",
      on: "boolean",
      tags: "lines",
      "nested.url": "text",
      "nested.deep.flag": "boolean",
      rules: "json",
      labels: "json",
      store: "json",
      anything: "json",
    });
    expect(byId(spec, "mode")).toMatchObject({ options: ["fast", "safe"], default: "fast", required: true });
    expect(byId(spec, "level")).toMatchObject({ options: [1, 2] });
    expect(byId(spec, "retries")).toMatchObject({ integer: true, min: 0, max: 5, default: 1 });
    expect(byId(spec, "api_key")).toMatchObject({ secret: true, required: false });
    expect(byId(spec, "name")).toMatchObject({ secret: false, required: true, minLength: 1, description: "Shown in logs" });
  });

  test("hints: description, range, default, required", () => {
    expect(hintOf(byId(spec, "name"))).toBe("Shown in logs. Required.");
    expect(hintOf(byId(spec, "retries"))).toBe("From 0 to 5. Default: 1.");
    expect(hintOf(byId(spec, "mode"))).toBe('Default: "fast".');
    expect(hintOf(byId(spec, "tags"))).toBe("One per line. Default: [].");
    expect(hintOf(byId(spec, "api_key"))).toContain("********");
    expect(hintOf(byId(spec, "labels"))).toContain("JSON");
  });

  test("no schema: the whole config is one JSON field", () => {
    const s = formSpec(null);
    expect(s.kind).toBe("json");
    const d = initialDraft(s, { a: 1 });
    expect(buildConfig(s, { ...d, "": '{"a": 2}' }, { a: 1 }).config).toEqual({ a: 2 });
  });
});

describe("drafts and the config they make", () => {
  const spec = formSpec(schema);
  const config = { name: "n", api_key: "********", retries: 2, tags: ["x", "y"], nested: { url: "u" }, rules: [{ a: "1" }], extra: "kept" };

  test("untouched, the form gives back the config as it was (masked secrets, keys it does not show)", () => {
    const d = initialDraft(spec, config);
    expect(d).toMatchObject({ name: "n", api_key: "********", retries: "2", tags: "x\ny", "nested.url": "u", on: true, mode: "", rules: '[\n  {\n    "a": "1"\n  }\n]' });
    expect(buildConfig(spec, d, config)).toEqual({ config, errors: {} });
  });

  test("changed fields are typed from their schema; emptied optional ones are removed", () => {
    const d = initialDraft(spec, config);
    const built = buildConfig(spec, { ...d, retries: "4", mode: optionValue("safe"), level: optionValue(2), on: false, tags: " a \n\n b ", "nested.url": "", "nested.deep.flag": true, rules: "[]", ratio: "0.5" }, config);
    expect(built.errors).toEqual({});
    expect(built.config).toEqual({ name: "n", api_key: "********", retries: 4, mode: "safe", level: 2, on: false, tags: ["a", "b"], nested: { deep: { flag: true } }, rules: [], ratio: 0.5, extra: "kept" });
  });

  test("an optional object left empty is not created; a required field emptied, a bad number or bad JSON are errors by field", () => {
    const d = initialDraft(spec, {});
    expect(buildConfig(spec, d, {}).config).toEqual({});
    const bad = buildConfig(spec, { ...initialDraft(spec, config), name: "", retries: "2.5", ratio: "-1", rules: "[oops" }, config);
    expect(bad.errors).toMatchObject({ name: "required", retries: "expected a whole number", ratio: "must be at least 0" });
    expect(bad.errors.rules).toContain("not valid JSON");
    expect(buildConfig(spec, { ...d, retries: "9" }, {}).errors).toEqual({ retries: "must be at most 5" });
  });

  test("an API error's param points at the field (or the JSON field holding it)", () => {
    expect(fieldForParam(spec, "config.retries")).toBe("retries");
    expect(fieldForParam(spec, "config.nested.deep.flag")).toBe("nested.deep.flag");
    expect(fieldForParam(spec, "config.rules[0].a")).toBe("rules");
    expect(fieldForParam(spec, "config.nested")).toBe(null);
    expect(fieldForParam(spec, "config")).toBe(null);
    expect(fieldForParam(spec, "enabled")).toBe(null);
  });
});

describe("a real plugin's schema: mocker", () => {
  test("rules (objects) as JSON, default.* as a fieldset; one field changed", () => {
    const spec = formSpec(plain(mockerSchema));
    const kinds = Object.fromEntries(leaves(spec).map((f) => [f.id, f.kind]));
    expect(kinds).toEqual({ rules: "json", "default.enabled": "boolean", "default.content": "text", "default.latency_ms": "number", "default.embedding_dimensions": "number", "default.models": "lines" });
    const config = { default: { content: "old" } };
    const built = buildConfig(spec, { ...initialDraft(spec, config), "default.content": "new {{input}}" }, config);
    expect(built).toEqual({ config: { default: { content: "new {{input}}" } }, errors: {} });
  });
});
