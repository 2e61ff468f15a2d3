/** Canonical file parts (PDF, plain text) → Anthropic document blocks: the inverse of the Anthropic dialect's documentPart. */
import type { ContentPart } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import type { AnthropicDocumentBlock } from "./types";

export const DATA_URL = /^data:([^;,]+)(?:;[^;,]*)*;base64,(.*)$/s;

export function documentBlock(p: ContentPart, param: string): AnthropicDocumentBlock {
  const block = { type: "document", source: documentSource(p.file ?? {}, `${param}.file`) } as AnthropicDocumentBlock;
  if (typeof p.file?.filename === "string" && p.file.filename) block.title = p.file.filename;
  if (typeof p.document?.context === "string") block.context = p.document.context;
  if (p.document?.citations) block.citations = p.document.citations;
  if (p.cache_control) block.cache_control = p.cache_control;
  return block;
}

function documentSource(file: Record<string, unknown>, param: string): AnthropicDocumentBlock["source"] {
  if (typeof file.file_url === "string") return { type: "url", url: file.file_url };
  if (typeof file.file_data !== "string") {
    throw BifrostError.badRequest(`${param}: anthropic needs the document's file_data (a base64 data: URL) or file_url; file_id needs a file store the gateway does not have`, param);
  }
  const data = DATA_URL.exec(file.file_data);
  if (!data) throw BifrostError.badRequest(`${param}.file_data must be a base64 data: URL`, `${param}.file_data`);
  const media_type = data[1]!.toLowerCase();
  // Anthropic takes plain text as text, not bytes.
  if (media_type === "text/plain") return { type: "text", media_type, data: Buffer.from(data[2]!, "base64").toString("utf8") };
  if (media_type === "application/pdf") return { type: "base64", media_type, data: data[2]! };
  throw BifrostError.badRequest(`${param}.file_data: document type ${data[1]} is not supported by anthropic (application/pdf, text/plain)`, `${param}.file_data`);
}
