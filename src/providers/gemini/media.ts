/** Image and file references → Gemini's inlineData (base64 bytes) or fileData (a URI Gemini fetches). */
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

export function inlineFromDataUrl(url: string, param: string): { mimeType: string; data: string } {
  const data = DATA_URL.exec(url);
  if (!data) throw BifrostError.badRequest(`${param} must be a base64 data: URL`, param);
  return { mimeType: data[1]!, data: data[2]! };
}

/** Gemini requires a mimeType with fileData; most image URLs say it in their extension, else JPEG is the common case. */
export function guessMimeType(url: string): string {
  const path = url.replace(/[?#].*$/s, "");
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  return (ext && MIME_BY_EXTENSION[ext]) || "image/jpeg";
}
