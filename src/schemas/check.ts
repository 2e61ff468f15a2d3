/** Schema checks that report every problem with its JSON path, and unknown keys (for warnings). */
import type { TSchema } from "@sinclair/typebox";
import { Kind } from "@sinclair/typebox";
import { TypeCompiler, type TypeCheck } from "@sinclair/typebox/compiler";
import { joinPath, pointerToPath } from "./paths";

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

export function compile<T extends TSchema>(schema: T): TypeCheck<T> {
  let c = compiled.get(schema);
  if (!c) compiled.set(schema, (c = TypeCompiler.Compile(schema)));
  return c as TypeCheck<T>;
}

/** One "path: problem" line per failing path (the first, most specific message wins). */
export function schemaProblems(schema: TSchema, value: unknown, prefix = ""): string[] {
  const check = compile(schema);
  if (check.Check(value)) return [];
  const seen = new Map<string, string>();
  for (const e of check.Errors(value)) {
    const path = pointerToPath(e.path);
    const full = prefix ? (path === "(root)" ? prefix : `${prefix}.${path}`) : path;
    if (!seen.has(full)) seen.set(full, lowerFirst(e.message));
  }
  // A union failure reports the parent too; keep the deepest paths only.
  const paths = [...seen.keys()];
  return paths
    .filter((p) => !paths.some((q) => q !== p && (q.startsWith(p + ".") || q.startsWith(p + "["))))
    .map((p) => `${p}: ${seen.get(p)}`);
}

/** Keys present in the value that the schema does not name. */
export function unknownKeys(schema: TSchema, value: unknown, path = ""): string[] {
  const out: string[] = [];
  walk(schema, value, path, out);
  return out;
}

function walk(schema: TSchema, value: unknown, path: string, out: string[]) {
  if (value === null || typeof value !== "object") return;
  const kind = (schema as any)[Kind];
  if (kind === "Object") {
    const props = (schema as any).properties as Record<string, TSchema>;
    for (const [k, v] of Object.entries(value)) {
      const p = joinPath(path, k);
      if (props[k]) walk(props[k], v, p, out);
      else out.push(p);
    }
  } else if (kind === "Record") {
    const inner = Object.values((schema as any).patternProperties ?? {})[0] as TSchema | undefined;
    if (inner) for (const [k, v] of Object.entries(value)) walk(inner, v, joinPath(path, k), out);
  } else if (kind === "Array" && Array.isArray(value)) {
    value.forEach((v, i) => walk((schema as any).items, v, joinPath(path, i), out));
  }
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
