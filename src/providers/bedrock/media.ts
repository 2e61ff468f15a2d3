/** Image parts → Converse image blocks. Converse takes bytes only, so http(s) URLs are refused rather than fetched. */
import { BifrostError } from "../../schemas/error";
import type { ConverseImageBlock, ImageFormat } from "./types";

export const DATA_URL = /^data:([^;,]+)(?:;[^;,]*)*;base64,(.*)$/s;
const FORMATS: Record<string, ImageFormat> = {
  "image/png": "png",
  "image/jpeg": "jpeg",
  "image/jpg": "jpeg",
  "image/gif": "gif",
  "image/webp": "webp",
};

export function imageBlock(url: unknown, param: string): ConverseImageBlock {
  if (typeof url === "string") {
    const data = DATA_URL.exec(url);
    if (data) {
      const format = FORMATS[data[1]!.toLowerCase()];
      if (!format) throw BifrostError.badRequest(`${param}: image type ${data[1]} is not supported by bedrock (png, jpeg, gif, webp)`, param);
      return { format, source: { bytes: data[2]! } };
    }
    if (/^https?:\/\//i.test(url)) {
      throw BifrostError.badRequest(`${param}: bedrock needs the image bytes; send a base64 data: URL instead of an http(s) URL`, param);
    }
  }
  throw BifrostError.badRequest(`${param} must be a base64 data: URL`, param);
}

const MIME: Record<ImageFormat, string> = { png: "image/png", jpeg: "image/jpeg", gif: "image/gif", webp: "image/webp" };

/** The inverse, for the ingress dialect: a Converse image block → a data: URL. */
export function imageDataUrl(image: ConverseImageBlock): string {
  return `data:${MIME[image.format] ?? `image/${image.format}`};base64,${image.source.bytes}`;
}
