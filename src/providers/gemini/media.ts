/** Image and file references → Gemini's inlineData (base64 bytes) or fileData (a URI Gemini fetches). */
import type { ContentPart } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import type { GeminiPart } from "./types";

const DATA_URL = /^data:([^;,]+)(?:;[^;,]*)*;base64,(.*)$/s;

const MIME_BY_EXTENSION: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  heic: "image/heic",
  heif: "image/heif",
  pdf: "application/pdf",
};

export function imagePart(url: unknown, param: string): GeminiPart {
  if (typeof url === "string") {
    const data = DATA_URL.exec(url);
    if (data) return { inlineData: { mimeType: data[1]!, data: data[2]! } };
    // gs:// is how Vertex reads Cloud Storage objects; the Gemini API takes http(s) and its own file URIs.
    if (/^(https?|gs):\/\//i.test(url)) return { fileData: { fileUri: url, mimeType: guessMimeType(url) } };
  }
  throw BifrostError.badRequest(`${param} must be an http(s) URL or a base64 data: URL`, param);
}

/** A document (PDF, text) as inlineData, or fileData for a URL (Anthropic's document source.url): a PDF unless its extension says otherwise. */
export function documentPart(p: ContentPart, param: string): GeminiPart {
  const file = p.file ?? {};
  if (typeof file.file_data === "string") return { inlineData: inlineFromDataUrl(file.file_data, `${param}.file.file_data`) };
  if (typeof file.file_url === "string" && /^(https?|gs):\/\//i.test(file.file_url)) {
    return { fileData: { fileUri: file.file_url, mimeType: MIME_BY_EXTENSION[extension(file.file_url)] ?? "application/pdf" } };
  }
  throw BifrostError.badRequest(`${param}.file: gemini needs file_data (a base64 data: URL) or an http(s) file_url; file_id needs a file store the gateway does not have`, `${param}.file`);
}

export function inlineFromDataUrl(url: string, param: string): { mimeType: string; data: string } {
  const data = DATA_URL.exec(url);
  if (!data) throw BifrostError.badRequest(`${param} must be a base64 data: URL`, param);
  return { mimeType: data[1]!, data: data[2]! };
}

/** Gemini requires a mimeType with fileData; most image URLs say it in their extension, else JPEG is the common case. */
export function guessMimeType(url: string): string {
  return MIME_BY_EXTENSION[extension(url)] || "image/jpeg";
}

const extension = (url: string): string => /\.([a-z0-9]+)$/i.exec(url.replace(/[?#].*$/s, ""))?.[1]?.toLowerCase() ?? "";
