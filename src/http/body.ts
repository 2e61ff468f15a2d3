/**
 * Reading a request body: size-capped (declared or not), inside the process-wide budget of buffered
 * request bytes, strict UTF-8, nesting capped, malformed input → 400 in our error shape.
 */
import { BifrostError } from "../schemas/error";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Arrays and objects nested deeper than this are refused before JSON.parse (a deep body costs seconds later on). */
export const MAX_JSON_DEPTH = 128;

export interface ParsedBody {
  value: unknown;
  raw: ArrayBuffer;
}

/**
 * Request bytes being read and parsed at once, across every route of this process (memory is the
 * process's): over the capacity, a request is answered 503 with Retry-After instead of buffered.
 * createApp sets the capacity from client.max_buffered_request_mb.
 */
export const bodyBudget = {
  capacity: 256 * 1024 * 1024,
  used: 0,
  /** Take n bytes of the budget, or throw the 503. */
  take(n: number): void {
    if (this.used + n > this.capacity) throw busy();
    this.used += n;
  },
  give(n: number): void {
    this.used -= n;
  },
};

function busy(): BifrostError {
  const e = new BifrostError({
    status: 503,
    type: "server_error",
    code: "request_bytes_budget_exceeded",
    message: "the gateway is buffering too many request bytes right now (client.max_buffered_request_mb); retry shortly",
  });
  e.retryAfterMs = 1000;
  return e;
}

/**
 * The body's bytes, at most maxBytes. A declared length takes its share of the budget up front (HTTP
 * framing holds the body to it); a chunked body takes its share as it arrives. The caller gives
 * `held` back with bodyBudget.give once done with the bytes.
 */
export async function readBodyBytes(request: Request, maxBytes: number): Promise<{ raw: ArrayBuffer; held: number }> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared >= 0) {
    if (declared > maxBytes) throw tooLarge(maxBytes);
    bodyBudget.take(declared);
    try {
      const raw = await request.arrayBuffer();
      if (raw.byteLength > maxBytes) throw tooLarge(maxBytes);
      return { raw, held: declared };
    } catch (e) {
      bodyBudget.give(declared);
      throw e instanceof BifrostError ? e : BifrostError.badRequest("could not read the request body");
    }
  }
  if (!request.body) return { raw: new ArrayBuffer(0), held: 0 };
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let held = 0;
  try {
    for (;;) {
      let r: Awaited<ReturnType<typeof reader.read>>;
      try {
        r = await reader.read();
      } catch {
        throw BifrostError.badRequest("could not read the request body");
      }
      if (r.done) break;
      if (held + r.value.byteLength > maxBytes) throw tooLarge(maxBytes);
      bodyBudget.take(r.value.byteLength);
      held += r.value.byteLength;
      parts.push(r.value);
    }
  } catch (e) {
    bodyBudget.give(held);
    reader.cancel().catch(() => {});
    throw e;
  }
  const out = new Uint8Array(held);
  let at = 0;
  for (const p of parts) out.set(p, at), (at += p.byteLength);
  return { raw: out.buffer, held };
}

export async function readJsonBody(request: Request, maxBytes: number): Promise<ParsedBody> {
  const { raw, held } = await readBodyBytes(request, maxBytes);
  try {
    return parseJsonBytes(raw);
  } finally {
    bodyBudget.give(held);
  }
}

function parseJsonBytes(raw: ArrayBuffer): ParsedBody {
  if (raw.byteLength === 0) throw BifrostError.badRequest("request body is empty; expected a JSON object", null, "empty_body");
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw BifrostError.badRequest("request body is not valid UTF-8", null, "invalid_encoding");
  }
  if (nestedTooDeep(text, MAX_JSON_DEPTH)) throw BifrostError.badRequest(`request body nests arrays/objects deeper than ${MAX_JSON_DEPTH} levels`, null, "nesting_too_deep");
  try {
    return { value: JSON.parse(text), raw };
  } catch (e) {
    const detail = e instanceof SyntaxError ? `: ${e.message}` : " (nested too deeply)";
    throw BifrostError.badRequest(`request body is not valid JSON${detail}`, null, "invalid_json");
  }
}

const OBJ = 0x7b, ARR = 0x5b, END_OBJ = 0x7d, END_ARR = 0x5d, QUOTE = 0x22, BACKSLASH = 0x5c;

/**
 * Whether the JSON text nests `[`/`{` deeper than `limit`, outside strings. Reaching depth limit+1
 * takes limit+1 openers, so a text with fewer (counted anywhere, strings included: an overcount) is
 * cleared by two native indexOf passes that stop at limit+1; only a text with that many openers is
 * walked, char by char outside strings and by indexOf from quote to quote inside them. (On the
 * decoded string: JSC's string indexOf is about twice as fast as a Uint8Array's.)
 */
export function nestedTooDeep(text: string, limit: number): boolean {
  if (text.length <= limit) return false;
  if (count(text, "{", limit + 1) + count(text, "[", limit + 1) <= limit) return false;
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // To the closing quote: one not preceded by an odd run of backslashes.
      for (;;) {
        const q = text.indexOf('"', i + 1);
        if (q === -1) return false; // unterminated: JSON.parse rejects it
        let k = q - 1;
        while (text.charCodeAt(k) === BACKSLASH) k--;
        i = q;
        if ((q - 1 - k) % 2 === 0) break;
      }
    } else if (c === OBJ || c === ARR) {
      if (++depth > limit) return true;
    } else if (c === END_OBJ || c === END_ARR) depth--;
  }
  return false;
}

/** Occurrences of `ch`, counting no further than `stop`. */
function count(text: string, ch: string, stop: number): number {
  let c = 0;
  for (let i = text.indexOf(ch); i !== -1 && c < stop; i = text.indexOf(ch, i + 1)) c++;
  return c;
}

export function tooLarge(maxBytes: number): BifrostError {
  return new BifrostError({
    status: 413,
    type: "request_too_large",
    code: "request_too_large",
    message: `request body exceeds the limit of ${Math.round((maxBytes / 1048576) * 100) / 100} MB (client.max_request_body_size_mb)`,
  });
}
