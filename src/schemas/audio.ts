/** Canonical audio: OpenAI's /v1/audio/speech (answers raw audio bytes) and /v1/audio/transcriptions. */
import { Type as t, type Static } from "@sinclair/typebox";

export const SpeechRequestSchema = t.Object(
  {
    model: t.String({ minLength: 1, maxLength: 512 }),
    input: t.String({ minLength: 1, maxLength: 100_000 }),
    voice: t.String({ minLength: 1 }),
    response_format: t.Optional(t.Union(["mp3", "opus", "aac", "flac", "wav", "pcm"].map((f) => t.Literal(f)))),
    speed: t.Optional(t.Number()),
    instructions: t.Optional(t.String()),
    fallbacks: t.Optional(t.Array(t.String({ minLength: 1 }))),
  },
  { additionalProperties: true },
);
export type SpeechRequest = Static<typeof SpeechRequestSchema> & Record<string, unknown>;

/** Audio bytes and their media type. */
export interface AudioResponse {
  contentType: string;
  body: Uint8Array;
}

/** The audio file travels base64-encoded inside the JSON handed to the provider call. */
export interface TranscriptionRequest {
  model: string;
  file: { name: string; type: string; base64: string };
  language?: string;
  prompt?: string;
  response_format?: "json" | "text" | "srt" | "verbose_json" | "vtt";
  temperature?: number;
  [k: string]: unknown;
}

export interface TranscriptionResponse {
  text: string;
  language?: string;
  duration?: number;
  usage?: Record<string, unknown>;
  extra_fields?: { provider: string; model_requested: string; latency_ms?: number };
  [k: string]: unknown;
}
