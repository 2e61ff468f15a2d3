/**
 * Client-supplied `gs://` and `file:` URLs. Vertex (and Gemini's fileData) read `gs://` objects with the
 * operator's identity, and a local OpenAI-compatible server may read `file:` paths: a client must not be able
 * to name them unless the provider's `network_config.allow_client_storage_urls` says so.
 */
import { BifrostError } from "../schemas/error";
import { joinPath } from "../schemas/paths";

const REFUSED_SCHEME = /^\s*(gs|file):/i;

/** Fields that carry a URL the provider fetches: image_url, file parts, document and audio sources, Gemini's fileData. */
const URL_FIELDS = new Set(["url", "image_url", "file_url", "fileUri", "file_uri", "uri", "document_url", "audio_url", "video_url"]);

/** A 400 naming the first `gs://` or `file:` URL in the request (any depth), for a provider that does not allow them. */
export function refuseStorageUrls(req: unknown, provider: string): void {
  // Every request is checked: walk it once without building paths; name the field only when there is one.
  if (hasStorageUrl(req)) refuseNamingTheField(req, provider);
}

function hasStorageUrl(req: unknown): boolean {
  const stack: unknown[] = [req];
  while (stack.length) {
    const value = stack.pop();
    if (Array.isArray(value)) {
      for (const v of value) if (v && typeof v === "object") stack.push(v);
      continue;
    }
    if (!value || typeof value !== "object") continue;
    for (const k in value as Record<string, unknown>) {
      const v = (value as Record<string, unknown>)[k];
      if (typeof v === "string") {
        if (URL_FIELDS.has(k) && REFUSED_SCHEME.test(v)) return true;
      } else if (v && typeof v === "object") stack.push(v);
    }
  }
  return false;
}

function refuseNamingTheField(req: unknown, provider: string): void {
  const stack: [unknown, string][] = [[req, ""]];
  while (stack.length) {
    const [value, path] = stack.pop()!;
    if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push([v, joinPath(path, i)]));
      continue;
    }
    if (!isPlainObject(value)) continue;
    for (const [k, v] of Object.entries(value)) {
      const at = joinPath(path, k);
      if (typeof v === "string") {
        if (URL_FIELDS.has(k) && REFUSED_SCHEME.test(v)) {
          const scheme = REFUSED_SCHEME.exec(v)![1]!.toLowerCase();
          throw BifrostError.badRequest(
            `${at}: ${scheme}: URLs are not accepted from clients (provider ${provider} would read them with the gateway's credentials); send the bytes as a base64 data: URL or an https URL`,
            at,
            "storage_url_not_allowed",
          );
        }
      } else if (v && typeof v === "object") stack.push([v, at]);
    }
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (!v || typeof v !== "object") return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
