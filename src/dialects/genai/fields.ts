/**
 * Google's REST API reads protobuf JSON, which accepts both lowerCamel and snake_case field names;
 * its own docs use both (`generationConfig`, `system_instruction`, `inline_data`), so the dialect does too.
 */

const snakeCache = new Map<string, string>();

function snake(camel: string): string {
  let s = snakeCache.get(camel);
  if (s === undefined) {
    s = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    snakeCache.set(camel, s);
  }
  return s;
}

/** A structural field by its camelCase name, or its snake_case spelling. Never used on user data (args, schemas). */
export function field(o: unknown, camel: string): any {
  if (!o || typeof o !== "object") return undefined;
  const r = o as Record<string, unknown>;
  return r[camel] !== undefined ? r[camel] : r[snake(camel)];
}

export function isObject(v: unknown): v is Record<string, any> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
