/**
 * JSON Schema (as OpenAI clients write it) → Gemini's Schema, an OpenAPI 3.0 subset.
 * Gemini answers 400 on any key it does not know, so only the keys it accepts are kept.
 */

const KEPT = new Set([
  "type",
  "format",
  "title",
  "description",
  "nullable",
  "enum",
  "maxItems",
  "minItems",
  "minProperties",
  "maxProperties",
  "minLength",
  "maxLength",
  "pattern",
  "example",
  "default",
  "minimum",
  "maximum",
  "propertyOrdering",
]);

/** Gemini accepts only these formats per type and rejects the rest (e.g. string "uri"). */
const FORMATS: Record<string, Set<string>> = {
  string: new Set(["enum", "date-time"]),
  number: new Set(["float", "double"]),
  integer: new Set(["int32", "int64"]),
};

/** Deep enough for real schemas; stops a recursive $ref from looping forever. */
const MAX_DEPTH = 32;

type Schema = Record<string, any>;

export function toGeminiSchema(schema: unknown): Schema {
  if (!isObject(schema)) return {};
  const defs = { ...(isObject(schema.definitions) ? schema.definitions : {}), ...(isObject(schema.$defs) ? schema.$defs : {}) };
  return convert(schema, defs, 0);
}

function convert(input: Schema, defs: Schema, depth: number): Schema {
  if (depth > MAX_DEPTH) return { type: "object" };
  const s = resolve(input, defs, depth);
  const out: Schema = {};
  for (const [key, value] of Object.entries(s)) if (KEPT.has(key)) out[key] = value;

  applyType(s, out, defs, depth);
  if (s.const !== undefined && out.enum === undefined) out.enum = [s.const];
  // Gemini's enum holds strings only.
  if (out.enum !== undefined && !(Array.isArray(out.enum) && out.enum.every((v: unknown) => typeof v === "string"))) delete out.enum;
  if (out.format !== undefined && !FORMATS[out.type]?.has(out.format)) delete out.format;

  if (isObject(s.properties)) {
    const properties: Schema = {};
    for (const [name, sub] of Object.entries(s.properties)) properties[name] = convert(isObject(sub) ? sub : {}, defs, depth + 1);
    // Gemini rejects an empty properties map ("should be non-empty for OBJECT type").
    if (Object.keys(properties).length) {
      out.properties = properties;
      if (Array.isArray(s.required)) {
        const required = s.required.filter((r: unknown) => typeof r === "string" && r in properties);
        if (required.length) out.required = required;
      }
    }
  }
  if (s.items !== undefined) {
    const items = Array.isArray(s.items) ? s.items[0] : s.items;
    if (isObject(items)) out.items = convert(items, defs, depth + 1);
  }
  const alternatives = s.anyOf ?? s.oneOf;
  if (Array.isArray(alternatives)) {
    const kept = alternatives.filter((a: unknown) => !(isObject(a) && a.type === "null"));
    if (kept.length < alternatives.length) out.nullable = true;
    if (kept.length === 1 && isObject(kept[0])) Object.assign(out, convert(kept[0], defs, depth + 1));
    else if (kept.length) out.anyOf = kept.map((a: unknown) => convert(isObject(a) ? a : {}, defs, depth + 1));
  }
  return out;
}

/** Inlines $ref (Gemini has no $defs) and merges allOf into one schema. */
function resolve(s: Schema, defs: Schema, depth: number): Schema {
  let current = s;
  if (typeof current.$ref === "string") {
    const name = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(current.$ref)?.[1];
    const target = name !== undefined ? defs[decodeURIComponent(name)] : undefined;
    const { $ref, ...rest } = current;
    current = isObject(target) ? { ...resolve(target, defs, depth + 1), ...rest } : rest;
  }
  if (Array.isArray(current.allOf) && depth <= MAX_DEPTH) {
    const { allOf, ...rest } = current;
    let merged: Schema = {};
    for (const part of allOf) {
      if (!isObject(part)) continue;
      const r = resolve(part, defs, depth + 1);
      merged = { ...merged, ...r, properties: { ...merged.properties, ...r.properties }, required: [...(merged.required ?? []), ...(r.required ?? [])] };
    }
    current = { ...merged, ...rest, properties: { ...merged.properties, ...rest.properties }, required: [...(merged.required ?? []), ...(rest.required ?? [])] };
    if (!Object.keys(current.properties).length) delete current.properties;
    if (!current.required.length) delete current.required;
  }
  return current;
}

/** JSON Schema's `type: ["string", "null"]` → OpenAPI's `type` plus `nullable`; several types → anyOf. */
function applyType(s: Schema, out: Schema, defs: Schema, depth: number) {
  if (!Array.isArray(s.type)) return;
  const types = s.type.filter((t: unknown) => typeof t === "string" && t !== "null");
  delete out.type;
  if (types.length < s.type.length) out.nullable = true;
  if (types.length === 1) out.type = types[0];
  else if (types.length > 1) out.anyOf = types.map((type: string) => convert({ ...s, type }, defs, depth + 1));
}

function isObject(v: unknown): v is Schema {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
