/**
 * Every text of a request, whatever its op: chat messages (content, text and other parts, names,
 * tool-call arguments), tool definitions, embeddings input, image and transcription prompts, speech
 * input, rerank query and documents, completions prompts, and whatever else a request carries as a
 * string. Only identifiers, enums and binary payloads are passed by.
 */

/** Keys whose strings are not text anyone wrote: identifiers, enums, encoded bytes. */
const NOT_TEXT = new Set([
  "model",
  "fallbacks",
  "role",
  "type",
  "id",
  "tool_call_id",
  "object",
  "encoding_format",
  "response_format",
  "voice",
  "format",
  "quality",
  "size",
  "style",
  "detail",
  "base64",
  "b64_json",
  "data",
  "mime_type",
  "media_type",
  "timestamp_granularities",
]);

/** A data: URL with base64 bytes (an inline image, file or sound), not text. */
const isEncodedBytes = (s: string) => s.startsWith("data:") && s.includes(";base64,", 5);

/**
 * `value` with every text string passed through `guard`, copied only where something changed (the
 * same object back when nothing did). Array items are read under their array's key.
 */
export function mapTexts(value: unknown, guard: (text: string) => string, key = ""): unknown {
  if (typeof value === "string") return NOT_TEXT.has(key) || isEncodedBytes(value) ? value : guard(value);
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const next = mapTexts(value[i], guard, key);
      if (next !== value[i]) (out ??= [...value])[i] = next;
    }
    return out ?? value;
  }
  if (!isPlainObject(value)) return value; // bytes, Blobs, numbers: nothing to read
  let out: Record<string, unknown> | null = null;
  for (const k in value) {
    const next = mapTexts(value[k], guard, k);
    if (next !== value[k]) (out ??= { ...value })[k] = next;
  }
  return out ?? value;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
