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

/** PDFs travel as OpenAI file parts (a data URL); plain-text documents become text. */
export function documentPart(block: any, param: string): ContentPart {
  const src = block?.source;
  if (src?.type === "base64" && typeof src.data === "string") {
    const file: Record<string, string> = { file_data: `data:${src.media_type ?? "application/pdf"};base64,${src.data}` };
    file.filename = typeof block.title === "string" && block.title ? block.title : "document.pdf";
    return { type: "file", file };
  }
  if (src?.type === "text" && typeof src.data === "string") return { type: "text", text: src.data };
  throw BifrostError.badRequest(`${param}.source: only base64 and text document sources are supported`, `${param}.source`);
}

export function unsupportedBlock(type: unknown, param: string): BifrostError {
  return BifrostError.badRequest(`${param}.type: content block type "${String(type)}" is not supported by the gateway`, `${param}.type`);
}
