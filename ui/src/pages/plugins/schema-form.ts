/**
 * A plugin's config form, generated from its config schema (TypeBox, i.e. JSON Schema): the fields
 * (`formSpec`), the text each control starts with (`initialDraft`), and the config the controls make
 * (`buildConfig`). Pure: no DOM, so bun:test runs it (tests/unit/plugin-schema-form.test.ts).
 *
 * Objects are fieldsets, strings text inputs, `enum`s and unions of literals selects, numbers and
 * integers number inputs (minimum/maximum), booleans checkboxes, arrays of strings one per line;
 * anything else (unions of objects, records, arrays of objects, unknown) is a JSON textarea for that
 * subtree. A field left untouched keeps exactly the value it had (a masked secret goes back masked,
 * and the gateway keeps the stored one); an emptied optional field is removed, so its default applies;
 * keys the schema does not name are kept.
 */

export type Schema = Record<string, any>;
export type Literal = string | number | boolean | null;

interface Base {
  /** The property name ("" for the root). */
  key: string;
  /** From the config's root. */
  path: string[];
  /** path joined with "." (draft and error keys). */
  id: string;
  required: boolean;
  description?: string;
  default?: unknown;
}

export type FieldSpec =
  | (Base & { kind: "object"; fields: FieldSpec[] })
  | (Base & { kind: "text"; minLength?: number; maxLength?: number; pattern?: string; secret: boolean })
  | (Base & { kind: "number"; integer: boolean; min?: number; max?: number })
  | (Base & { kind: "boolean" })
  | (Base & { kind: "select"; options: Literal[] })
  | (Base & { kind: "lines" })
  | (Base & { kind: "json"; reason: string });

/** What each control holds, by field id: text for inputs, selects and textareas; true/false for checkboxes. */
export type Draft = Record<string, string | boolean>;

/** Setting names that hold secrets (the gateway's SECRET_FIELD): shown masked, typed into a password input. */
export const SECRET_FIELD = /key|secret|token|password|credential|private/i;
export const MASKED = "********";

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
const isLiteral = (v: unknown): v is Literal => v === null || ["string", "number", "boolean"].includes(typeof v);

/** The form for a config schema; without one (or not an object) the whole config is one JSON field. */
export function formSpec(schema: Schema | null | undefined): FieldSpec {
  if (!schema) return { kind: "json", key: "", path: [], id: "", required: false, reason: "the plugin declares no config schema" };
  return specOf(schema, "", [], false);
}

function specOf(s: Schema, key: string, path: string[], required: boolean): FieldSpec {
  const base: Base = { key, path, id: path.join("."), required };
  if (typeof s.description === "string") base.description = s.description;
  else if (typeof s.title === "string") base.description = s.title;
  if (s.default !== undefined) base.default = s.default;
  const json = (reason: string): FieldSpec => ({ ...base, kind: "json", reason });

  const options = literalOptions(s);
  if (options) return { ...base, kind: "select", options };
  if (Array.isArray(s.anyOf) || Array.isArray(s.oneOf) || Array.isArray(s.allOf)) return json("a union of shapes");
  if (typeof s.$ref === "string") return json("a referenced schema");
  switch (s.type) {
    case "object": {
      const props = s.properties;
      if (!isObject(props) || (Object.keys(props).length === 0 && (s.patternProperties || isObject(s.additionalProperties)))) return json("a map of names to values");
      const req = new Set<string>(Array.isArray(s.required) ? s.required : []);
      return { ...base, kind: "object", fields: Object.entries(props).map(([k, v]) => (isObject(v) ? specOf(v, k, [...path, k], req.has(k)) : { kind: "json", key: k, path: [...path, k], id: [...path, k].join("."), required: req.has(k), reason: "no schema" })) };
    }
    case "string":
      return {
        ...base,
        kind: "text",
        secret: SECRET_FIELD.test(key),
        ...(typeof s.minLength === "number" ? { minLength: s.minLength } : {}),
        ...(typeof s.maxLength === "number" ? { maxLength: s.maxLength } : {}),
        ...(typeof s.pattern === "string" ? { pattern: s.pattern } : {}),
      };
    case "integer":
    case "number":
      return {
        ...base,
        kind: "number",
        integer: s.type === "integer",
        ...(typeof s.minimum === "number" ? { min: s.minimum } : {}),
        ...(typeof s.maximum === "number" ? { max: s.maximum } : {}),
      };
    case "boolean":
      return { ...base, kind: "boolean" };
    case "array": {
      const items = s.items;
      if (isObject(items) && items.type === "string" && !literalOptions(items)) return { ...base, kind: "lines" };
      return json("a list of structured values");
    }
    default:
      return json(s.type ? `a ${String(s.type)}` : "any value");
  }
}

/** The choices of an `enum`, a `const`, or a union whose members are all literals; else null. */
function literalOptions(s: Schema): Literal[] | null {
  if (Array.isArray(s.enum) && s.enum.length && s.enum.every(isLiteral)) return s.enum;
  if ("const" in s && isLiteral(s.const)) return [s.const];
  const union = Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : null;
  if (union && union.length && union.every((m: unknown) => isObject(m) && "const" in m && isLiteral(m.const))) return union.map((m: Schema) => m.const as Literal);
  return null;
}

/** A literal as a select's value ("" is "not set"). */
export const optionValue = (v: Literal): string => JSON.stringify(v);

/** What the control of `spec` shows for `value` (the current config at its place). */
function leafDraft(spec: FieldSpec, value: unknown): string | boolean {
  switch (spec.kind) {
    case "text":
      return value === undefined || value === null ? "" : typeof value === "string" ? value : JSON.stringify(value);
    case "number":
      return typeof value === "number" ? String(value) : value === undefined || value === null ? "" : String(value);
    case "boolean":
      return typeof value === "boolean" ? value : spec.default === true;
    case "select":
      return value === undefined ? "" : isLiteral(value) ? optionValue(value) : JSON.stringify(value);
    case "lines":
      return Array.isArray(value) ? value.map((x) => (typeof x === "string" ? x : JSON.stringify(x))).join("\n") : "";
    case "json":
      return value === undefined ? "" : JSON.stringify(value, null, 2);
    case "object":
      return "";
  }
}

/** Every control's starting text for `config`. */
export function initialDraft(spec: FieldSpec, config: unknown): Draft {
  const out: Draft = {};
  const walk = (s: FieldSpec, v: unknown) => {
    if (s.kind === "object") for (const f of s.fields) walk(f, isObject(v) ? v[f.key] : undefined);
    else out[s.id] = leafDraft(s, v);
  };
  walk(spec, config);
  return out;
}

export interface Built {
  config: unknown;
  /** Problems found before sending, by field id. */
  errors: Record<string, string>;
}

const UNSET = Symbol("unset");
type Out = unknown | typeof UNSET;

/** The config the form makes from `draft`, starting from `original` (keys the form does not show are kept). */
export function buildConfig(spec: FieldSpec, draft: Draft, original: unknown): Built {
  const errors: Record<string, string> = {};
  const out = build(spec, draft, original, errors, true);
  return { config: out === UNSET ? {} : out, errors };
}

function build(spec: FieldSpec, draft: Draft, original: unknown, errors: Record<string, string>, root = false): Out {
  if (spec.kind === "object") {
    const base: Record<string, unknown> = isObject(original) ? { ...original } : {};
    for (const f of spec.fields) {
      const v = build(f, draft, isObject(original) ? original[f.key] : undefined, errors);
      if (v === UNSET) delete base[f.key];
      else base[f.key] = v;
    }
    return !root && original === undefined && Object.keys(base).length === 0 ? UNSET : base;
  }
  const d = draft[spec.id] ?? leafDraft(spec, original);
  // Untouched: exactly what was there (a masked secret stays masked; the gateway keeps the stored one).
  if (d === leafDraft(spec, original)) return original === undefined ? UNSET : original;
  const missing = (): Out => {
    if (spec.required && spec.default === undefined) errors[spec.id] = "required";
    return UNSET;
  };
  switch (spec.kind) {
    case "boolean":
      return d === true;
    case "text":
      return d === "" ? missing() : d;
    case "number": {
      const t = String(d).trim();
      if (t === "") return missing();
      const n = Number(t);
      if (!Number.isFinite(n)) return (errors[spec.id] = "expected a number"), UNSET;
      if (spec.integer && !Number.isInteger(n)) return (errors[spec.id] = "expected a whole number"), UNSET;
      if (spec.min !== undefined && n < spec.min) return (errors[spec.id] = `must be at least ${spec.min}`), UNSET;
      if (spec.max !== undefined && n > spec.max) return (errors[spec.id] = `must be at most ${spec.max}`), UNSET;
      return n;
    }
    case "select": {
      if (d === "") return missing();
      const hit = spec.options.find((o) => optionValue(o) === d);
      if (hit === undefined) return (errors[spec.id] = "not one of the choices"), UNSET;
      return hit;
    }
    case "lines": {
      const lines = String(d).split("\n").map((l) => l.trim()).filter(Boolean);
      return lines.length === 0 && original === undefined ? UNSET : lines;
    }
    case "json": {
      const t = String(d).trim();
      if (t === "") return missing();
      try {
        return JSON.parse(t);
      } catch (e) {
        errors[spec.id] = `not valid JSON (${(e as Error).message})`;
        return UNSET;
      }
    }
  }
}

/** The help under a control: its description, default, range and whether it is required. */
export function hintOf(spec: FieldSpec): string {
  const parts: string[] = [];
  if (spec.description) parts.push(spec.description.replace(/\.?$/, "."));
  if (spec.kind === "number" && (spec.min !== undefined || spec.max !== undefined)) {
    parts.push(spec.min !== undefined && spec.max !== undefined ? `From ${spec.min} to ${spec.max}.` : spec.min !== undefined ? `At least ${spec.min}.` : `At most ${spec.max}.`);
  }
  if (spec.kind === "lines") parts.push("One per line.");
  if (spec.kind === "json") parts.push(`JSON (${spec.reason}).`);
  if (spec.kind === "text" && spec.secret) parts.push(`A saved value reads ${MASKED}; leave it to keep it.`);
  if (spec.default !== undefined && spec.kind !== "object") parts.push(`Default: ${typeof spec.default === "string" ? JSON.stringify(spec.default) : compact(spec.default)}.`);
  if (spec.required && spec.default === undefined) parts.push("Required.");
  return parts.join(" ");
}

function compact(v: unknown): string {
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

/**
 * The field an API error is about: its `param` ("config.default.latency_ms", "config.rules[2].name")
 * matched to the deepest field of the form on that path (the JSON field holding it, for a subtree);
 * null when it names no field (the error then shows above the form).
 */
export function fieldForParam(spec: FieldSpec, param: string | null | undefined): string | null {
  if (!param) return null;
  const m = /^config(.*)$/.exec(param);
  if (!m) return null;
  const path = m[1]!.split(/\.|\[\d+\]/).filter(Boolean);
  let at: FieldSpec = spec;
  let found: string | null = spec.kind === "object" ? null : spec.id;
  for (const key of path) {
    if (at.kind !== "object") break;
    const next = at.fields.find((f) => f.key === key);
    if (!next) break;
    at = next;
    if (next.kind !== "object") found = next.id;
  }
  return found;
}

/** Every leaf field (for counting, and for tests). */
export function leaves(spec: FieldSpec): FieldSpec[] {
  return spec.kind === "object" ? spec.fields.flatMap(leaves) : [spec];
}
