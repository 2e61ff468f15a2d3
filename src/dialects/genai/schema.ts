/** Gemini's Schema (OpenAPI subset, types often upper-case: "OBJECT") → the JSON Schema OpenAI-style tools expect. */
import { isObject } from "./fields";

/** Deep enough for real schemas; guards against pathological nesting. */
const MAX_DEPTH = 64;

export function toJsonSchema(schema: unknown, depth = 0): Record<string, unknown> {
  if (!isObject(schema) || depth > MAX_DEPTH) return {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    switch (key) {
      case "type":
        if (typeof value === "string" && value !== "TYPE_UNSPECIFIED") out.type = value.toLowerCase();
        break;
      case "properties":
        if (isObject(value)) out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSchema(v, depth + 1)]));
        break;
      case "items":
        out.items = toJsonSchema(value, depth + 1);
        break;
      case "anyOf":
        if (Array.isArray(value)) out.anyOf = value.map((v) => toJsonSchema(v, depth + 1));
        break;
      // OpenAPI-only keys with no JSON Schema meaning.
      case "nullable":
      case "propertyOrdering":
      case "property_ordering":
        break;
      default:
        out[key] = value;
    }
  }
  if (schema.nullable === true && typeof out.type === "string") out.type = [out.type, "null"];
  return out;
}
