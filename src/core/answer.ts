/**
 * A unary answer in canonical form. The object is what the SDK, post-hooks and dialects read; its
 * JSON text is made once, at the edge, and only when asked for. When the upstream's own JSON was
 * canonical already (OpenAI-compatible providers), the text is the upstream's bytes with
 * `extra_fields` spliced in, not a re-serialisation of the object.
 */

/** Raw bytes from the upstream (audio), with their media type. */
export interface BytesAnswer {
  contentType: string;
  body: ArrayBuffer;
}

export class Answer<T = any> {
  private parsed: T | undefined;
  private text: string | null;

  private constructor(value: T | undefined, text: string | null, readonly bytes: BytesAnswer | null = null) {
    this.parsed = value;
    this.text = text;
  }

  /** From an object: serialised when the JSON is needed. */
  static of<T>(value: T): Answer<T> {
    return new Answer(value, null);
  }

  /** From canonical JSON text (e.g. across the worker boundary): parsed only when the object is needed. */
  static fromJson<T>(text: string): Answer<T> {
    return new Answer<T>(undefined, text);
  }

  /** The upstream's JSON text was canonical already: the answer's text is it, with `extra_fields` added. */
  static spliced<T extends { extra_fields?: unknown }>(value: T, upstreamText: string): Answer<T> {
    return new Answer(value, spliceExtraFields(upstreamText, value.extra_fields));
  }

  static ofBytes(bytes: BytesAnswer): Answer<null> {
    return new Answer<null>(null, "", bytes);
  }

  get value(): T {
    if (this.parsed === undefined) this.parsed = JSON.parse(this.text!) as T;
    return this.parsed;
  }

  json(): string {
    return (this.text ??= JSON.stringify(this.parsed));
  }
}

/**
 * `{"id":…}` + extra → `{"id":…,"extra_fields":{…}}`. Falls back to null (serialise the object)
 * when the text already names extra_fields or does not end in an object.
 */
function spliceExtraFields(text: string, extra: unknown): string | null {
  if (extra === undefined) return text;
  let end = text.length - 1;
  while (end > 0 && text.charCodeAt(end) <= 32) end--;
  if (text.charCodeAt(end) !== 125 /* } */ || text.includes('"extra_fields"')) return null;
  let before = end - 1;
  while (before > 0 && text.charCodeAt(before) <= 32) before--;
  const empty = text.charCodeAt(before) === 123; /* { */
  return `${text.slice(0, end)}${empty ? "" : ","}"extra_fields":${JSON.stringify(extra)}}`;
}
