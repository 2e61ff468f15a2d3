/**
 * The ElevenLabs dialect of the mock upstream: POST /v1/text-to-speech/{voice_id} answers deterministic fake audio
 * (a codec magic number + the text's bytes), GET /v1/models lists models; errors are ElevenLabs' `{detail:{status,message}}`.
 */
import type { MockDialect, MockReply } from "./types";

const TTS_PATH = /^\/v1\/text-to-speech\/([^/]+)$/;
const FORMAT = /^(mp3|pcm|ulaw|alaw|opus)_\d+(_\d+)?$/;
const encoder = new TextEncoder();

/** What each codec's bytes start with, so a test can tell which format came back. */
const MAGIC: Record<string, { bytes: number[]; contentType: string }> = {
  mp3: { bytes: [0x49, 0x44, 0x33], contentType: "audio/mpeg" }, // "ID3"
  opus: { bytes: [0x4f, 0x67, 0x67, 0x53], contentType: "audio/ogg" }, // "OggS"
  pcm: { bytes: [], contentType: "audio/pcm" },
  ulaw: { bytes: [], contentType: "audio/basic" },
  alaw: { bytes: [], contentType: "audio/basic" },
};

const MODELS = [
  { model_id: "eleven_multilingual_v2", name: "Eleven Multilingual v2", can_do_text_to_speech: true, can_do_voice_conversion: false },
  { model_id: "eleven_flash_v2_5", name: "Eleven Flash v2.5", can_do_text_to_speech: true, can_do_voice_conversion: false },
];

function errorBody(status: string, message: string) {
  return { detail: { status, message } };
}

function error(code: number, status: string, message: string): MockReply {
  return { kind: "json", status: code, body: errorBody(status, message) };
}

function checkAuth(req: Request): MockReply | null {
  const key = req.headers.get("xi-api-key")?.trim();
  if (!key) return error(401, "needs_authorization", "Neither authorization header nor xi-api-key received, please provide one.");
  if (key === "bad-key") return error(401, "invalid_api_key", "Invalid API key");
  return null;
}

/** Fake audio: the codec's magic number followed by the UTF-8 text. */
export function fakeAudio(text: string, outputFormat: string): { body: Uint8Array; contentType: string } {
  const magic = MAGIC[outputFormat.split("_", 1)[0]!]!;
  const textBytes = encoder.encode(text);
  const body = new Uint8Array(magic.bytes.length + textBytes.length);
  body.set(magic.bytes, 0);
  body.set(textBytes, magic.bytes.length);
  return { body, contentType: magic.contentType };
}

function handleSpeech(url: URL, body: any): MockReply {
  if (typeof body?.text !== "string" || !body.text) {
    return { kind: "json", status: 422, body: { detail: [{ loc: ["body", "text"], msg: "field required", type: "value_error.missing" }] } };
  }
  const speed = body.voice_settings?.speed;
  if (speed !== undefined && (typeof speed !== "number" || speed < 0.7 || speed > 1.2)) {
    return { kind: "json", status: 422, body: { detail: [{ loc: ["body", "voice_settings", "speed"], msg: "ensure this value is between 0.7 and 1.2", type: "value_error" }] } };
  }
  const format = url.searchParams.get("output_format") ?? "mp3_44100_128";
  if (!FORMAT.test(format)) return error(400, "invalid_output_format", `Invalid output format: ${format}`);
  const audio = fakeAudio(body.text, format);
  return { kind: "bytes", status: 200, body: audio.body, contentType: audio.contentType };
}

export const elevenlabsMockDialect: MockDialect = {
  name: "elevenlabs",
  owns(req, url) {
    if (TTS_PATH.test(url.pathname)) return true;
    // OpenAI owns GET /v1/models too: ElevenLabs' listing is told apart by its xi-api-key header.
    return url.pathname === "/v1/models" && req.headers.has("xi-api-key");
  },
  handle(req, url, body) {
    const denied = checkAuth(req);
    if (denied) return denied;
    if (req.method === "POST" && TTS_PATH.test(url.pathname)) return handleSpeech(url, body);
    if (req.method === "GET" && url.pathname === "/v1/models") return { kind: "json", status: 200, body: MODELS };
    return error(404, "not_found", `no route for ${req.method} ${url.pathname}`);
  },
  errorBody: (status, message) => errorBody(status === 429 ? "too_many_concurrent_requests" : status >= 500 ? "internal_error" : "error", message),
  // ElevenLabs' text-to-speech is not an event stream: an error mid-body is a truncated body.
  streamErrorFrame: () => "",
};
