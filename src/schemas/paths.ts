/** JSON pointer "/providers/openai/keys/0/weight" → "providers.openai.keys[0].weight". */
export function pointerToPath(pointer: string): string {
  if (!pointer || pointer === "/") return "(root)";
  let out = "";
  for (const raw of pointer.split("/").slice(1)) {
    const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (/^\d+$/.test(seg)) out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}

export function joinPath(base: string, key: string | number): string {
  if (typeof key === "number") return `${base}[${key}]`;
  return base ? `${base}.${key}` : key;
}
