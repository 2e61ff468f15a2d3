/** Canonical speech (OpenAI's /v1/audio/speech) → ElevenLabs POST /v1/text-to-speech/{voice_id}; the answer is the audio bytes. */
import type { AudioResponse, SpeechRequest } from "../../schemas/audio";
import { BifrostError } from "../../schemas/error";
import type { ProviderTarget, WireRequest } from "../types";
import { toOutputFormat } from "./formats";
import { elevenlabsHeaders } from "./headers";

/** ElevenLabs' documented voice_settings.speed range; OpenAI allows 0.25–4. */
const MIN_SPEED = 0.7;
const MAX_SPEED = 1.2;

/** ElevenLabs-only request fields a client may send through the gateway; passed as given. */
const ELEVENLABS_FIELDS = ["language_code", "seed", "previous_text", "next_text", "apply_text_normalization", "pronunciation_dictionary_locators"] as const;

export interface ElevenlabsSpeechBody {
  text: string;
  model_id: string;
  voice_settings?: Record<string, unknown>;
  [k: string]: unknown;
}

export function toElevenlabsSpeechBody(req: SpeechRequest, target: ProviderTarget): ElevenlabsSpeechBody {
  const body: ElevenlabsSpeechBody = { text: req.input, model_id: target.model };
  const settings: Record<string, unknown> = req.voice_settings && typeof req.voice_settings === "object" ? { ...(req.voice_settings as object) } : {};
  if (req.speed !== undefined) {
    // Out of range ElevenLabs answers 422; saying so up front names the limits.
    if (req.speed < MIN_SPEED || req.speed > MAX_SPEED) throw BifrostError.badRequest(`speed must be between ${MIN_SPEED} and ${MAX_SPEED} for elevenlabs`, "speed");
    settings.speed = req.speed;
  }
  if (Object.keys(settings).length) body.voice_settings = settings;
  for (const f of ELEVENLABS_FIELDS) if (req[f] !== undefined) body[f] = req[f];
  return body;
}

export function elevenlabsSpeechRequest(req: SpeechRequest, target: ProviderTarget): WireRequest {
  const format = toOutputFormat(req.response_format, req.output_format);
  return {
    url: `${target.baseUrl}/v1/text-to-speech/${encodeURIComponent(req.voice)}?output_format=${format}`,
    method: "POST",
    headers: elevenlabsHeaders(target),
    body: JSON.stringify(toElevenlabsSpeechBody(req, target)),
  };
}

/** The bytes go to the client untouched, under the upstream's media type. */
export function elevenlabsSpeechResponse(bytes: Uint8Array, contentType: string): AudioResponse {
  return { contentType: contentType || "application/octet-stream", body: bytes };
}
