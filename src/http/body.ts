/** Reading a JSON request body: size-capped, strict UTF-8, malformed input → 400 in our error shape. */
import { BifrostError } from "../schemas/error";

const utf8 = new TextDecoder("utf-8", { fatal: true });

export interface ParsedBody {
  value: unknown;
  raw: ArrayBuffer;
}

export async function readJsonBody(request: Request, maxBytes: number): Promise<ParsedBody> {
  const declared = Number(request.headers.get("content-length"));
  if (declared > maxBytes) throw tooLarge(maxBytes);
  let raw: ArrayBuffer;
  try {
    raw = await request.arrayBuffer();
  } catch {
    throw BifrostError.badRequest("could not read the request body");
  }
  if (raw.byteLength > maxBytes) throw tooLarge(maxBytes);
  if (raw.byteLength === 0) throw BifrostError.badRequest("request body is empty; expected a JSON object", null, "empty_body");
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw BifrostError.badRequest("request body is not valid UTF-8", null, "invalid_encoding");
  }
  try {
    return { value: JSON.parse(text), raw };
  } catch (e) {
    const detail = e instanceof SyntaxError ? `: ${e.message}` : " (nested too deeply)";
    throw BifrostError.badRequest(`request body is not valid JSON${detail}`, null, "invalid_json");
  }
}

export function tooLarge(maxBytes: number): BifrostError {
  return new BifrostError({
    status: 413,
    type: "request_too_large",
    code: "request_too_large",
    message: `request body exceeds the limit of ${Math.round((maxBytes / 1048576) * 100) / 100} MB (client.max_request_body_size_mb)`,
  });
}
