/** OpenAI's response_format → ElevenLabs' output_format (codec_samplerate[_bitrate]), and a format's media type. */
import { BifrostError } from "../../schemas/error";

export const DEFAULT_OUTPUT_FORMAT = "mp3_44100_128";

/** OpenAI's pcm is raw 16-bit little-endian at 24 kHz, which is ElevenLabs' pcm_24000; opus is Ogg Opus on both. */
const BY_RESPONSE_FORMAT: Record<string, string> = {
  mp3: DEFAULT_OUTPUT_FORMAT,
  opus: "opus_48000_128",
  pcm: "pcm_24000",
};

const NATIVE = /^(mp3|pcm|ulaw|alaw|opus)_\d+(_\d+)?$/;

/** A native `output_format` on the request wins; wav, aac and flac have no ElevenLabs equivalent. */
export function toOutputFormat(responseFormat: string | undefined, nativeFormat: unknown): string {
  if (nativeFormat !== undefined) {
    if (typeof nativeFormat === "string" && NATIVE.test(nativeFormat)) return nativeFormat;
    throw BifrostError.badRequest(`output_format "${String(nativeFormat)}" is not an ElevenLabs output format (e.g. mp3_44100_128, pcm_24000)`, "output_format");
  }
  if (responseFormat === undefined) return DEFAULT_OUTPUT_FORMAT;
  const mapped = BY_RESPONSE_FORMAT[responseFormat];
  if (mapped) return mapped;
  throw BifrostError.badRequest(`response_format "${responseFormat}" is not supported by elevenlabs (use mp3, opus or pcm)`, "response_format");
}

/** The media type of an output format, for when the upstream sends none. */
export function mediaTypeOf(outputFormat: string): string {
  const codec = outputFormat.split("_", 1)[0];
  if (codec === "mp3") return "audio/mpeg";
  if (codec === "opus") return "audio/ogg";
  if (codec === "ulaw" || codec === "alaw") return "audio/basic";
  return "audio/pcm";
}
