/** Canonical file parts → Converse document blocks: bytes only (Converse fetches no URLs), a name Converse accepts. */
import type { ContentPart } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import { DATA_URL } from "./media";
import type { ConverseDocumentBlock, DocumentFormat } from "./types";

const FORMATS: Record<string, DocumentFormat> = {
  "application/pdf": "pdf",
  "text/plain": "txt",
  "text/csv": "csv",
  "text/html": "html",
  "text/markdown": "md",
  "application/msword": "doc",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "application/vnd.ms-excel": "xls",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
};

export function documentBlock(p: ContentPart, param: string): ConverseDocumentBlock {
  const file = p.file ?? {};
  if (typeof file.file_data !== "string") {
    throw BifrostError.badRequest(`${param}.file: bedrock needs the document's bytes; send file_data as a base64 data: URL (not file_url or file_id)`, `${param}.file`);
  }
  const data = DATA_URL.exec(file.file_data);
  if (!data) throw BifrostError.badRequest(`${param}.file.file_data must be a base64 data: URL`, `${param}.file.file_data`);
  const format = FORMATS[data[1]!.toLowerCase()];
  if (!format) throw BifrostError.badRequest(`${param}.file.file_data: document type ${data[1]} is not supported by bedrock (${Object.keys(FORMATS).join(", ")})`, `${param}.file.file_data`);
  const block: ConverseDocumentBlock = { format, name: documentName(file.filename), source: { bytes: data[2]! } };
  if (typeof p.document?.context === "string") block.context = p.document.context;
  if (p.document?.citations) block.citations = p.document.citations;
  return block;
}

/** Converse names allow letters, digits, single whitespace, hyphens, parentheses and brackets, 1–200 characters. */
export function documentName(filename: unknown): string {
  if (typeof filename !== "string") return "document";
  const name = filename
    .replace(/\.[a-z0-9]{1,5}$/i, "")
    .replace(/[^\p{L}\p{N}\s\-()[\]]+/gu, "-")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 200)
    .trim();
  return name || "document";
}
