/** Anthropic content blocks a user sends (image, document) → canonical content parts. */
import type { ContentPart } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";

export function imagePart(block: any, param: string): ContentPart {
  const src = block?.source;
  if (src?.type === "base64" && typeof src.media_type === "string" && typeof src.data === "string") {
    return { type: "image_url", image_url: { url: `data:${src.media_type};base64,${src.data}` } };
  }
  if (src?.type === "url" && typeof src.url === "string") return { type: "image_url", image_url: { url: src.url } };
  throw BifrostError.badRequest(`${param}.source: only base64 and url image sources are supported`, `${param}.source`);
}

/**
 * A document block → a canonical file part, without loss: the source as a data URL (text as text/plain)
 * or file_url, the title as filename, context and citations under `document`, cache_control kept.
 */
export function documentPart(block: any, param: string): ContentPart {
  const file: Record<string, string> = { ...documentSource(block?.source, `${param}.source`) };
  if (typeof block.title === "string" && block.title) file.filename = block.title;
  const part: ContentPart = { type: "file", file };
  const document: Record<string, unknown> = {};
  if (typeof block.context === "string") document.context = block.context;
  if (block.citations && typeof block.citations.enabled === "boolean") document.citations = { enabled: block.citations.enabled };
  if (Object.keys(document).length) part.document = document;
  if (block.cache_control) part.cache_control = block.cache_control;
  return part;
}

function documentSource(src: any, param: string): { file_data: string } | { file_url: string } {
  if (src?.type === "base64" && typeof src.data === "string") return { file_data: `data:${src.media_type ?? "application/pdf"};base64,${src.data}` };
  if (src?.type === "text" && typeof src.data === "string") {
    return { file_data: `data:${src.media_type ?? "text/plain"};base64,${Buffer.from(src.data, "utf8").toString("base64")}` };
  }
  if (src?.type === "url" && typeof src.url === "string") return { file_url: src.url };
  throw BifrostError.badRequest(`${param}: only base64, text and url document sources are supported`, param);
}

export function unsupportedBlock(type: unknown, param: string): BifrostError {
  return BifrostError.badRequest(`${param}.type: content block type "${String(type)}" is not supported by the gateway`, `${param}.type`);
}
