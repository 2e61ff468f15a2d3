import { describe, expect, test } from "bun:test";
import type { SpeechRequest } from "../../schemas/audio";
import { elevenlabsSpeechRequest, elevenlabsSpeechResponse, toElevenlabsSpeechBody } from "./speech";
import { target, TEST_KEY, VOICE } from "./__fixtures__";

const speech = (over: Partial<SpeechRequest> = {}): SpeechRequest => ({ model: "elevenlabs/eleven_multilingual_v2", input: "Hello, world!", voice: VOICE, ...over });

describe("speech request", () => {
  test("POSTs /v1/text-to-speech/{voice} with xi-api-key, the default mp3 format and {text, model_id}", () => {
    expect(elevenlabsSpeechRequest(speech(), target())).toEqual({
      url: `https://api.elevenlabs.io/v1/text-to-speech/${VOICE}?output_format=mp3_44100_128`,
      method: "POST",
      headers: { "content-type": "application/json", "xi-api-key": TEST_KEY },
      body: JSON.stringify({ text: "Hello, world!", model_id: "eleven_multilingual_v2" }),
    });
  });

  test("response_format pcm asks for pcm_24000; speed goes in voice_settings", () => {
    const wire = elevenlabsSpeechRequest(speech({ response_format: "pcm", speed: 1.1 }), target());
    expect(wire.url).toEndWith("?output_format=pcm_24000");
    expect(JSON.parse(wire.body as string)).toEqual({ text: "Hello, world!", model_id: "eleven_multilingual_v2", voice_settings: { speed: 1.1 } });
  });

  test("the voice id is escaped in the path", () => {
    expect(elevenlabsSpeechRequest(speech({ voice: "a/b c" }), target()).url).toContain("/v1/text-to-speech/a%2Fb%20c?");
  });

  test("speed outside ElevenLabs' 0.7–1.2 is a 400 naming speed", () => {
    expect(() => toElevenlabsSpeechBody(speech({ speed: 2 }), target())).toThrow("speed must be between 0.7 and 1.2 for elevenlabs");
  });

  test("ElevenLabs' own voice_settings and fields pass through; OpenAI's instructions do not", () => {
    const body = toElevenlabsSpeechBody(speech({ speed: 0.9, voice_settings: { stability: 0.5, similarity_boost: 0.75 }, language_code: "fr", seed: 42, instructions: "cheerful" }), target());
    expect(body).toEqual({ text: "Hello, world!", model_id: "eleven_multilingual_v2", voice_settings: { stability: 0.5, similarity_boost: 0.75, speed: 0.9 }, language_code: "fr", seed: 42 });
  });

  test("extra headers win; a keyless target sends no xi-api-key", () => {
    expect(elevenlabsSpeechRequest(speech(), target({ extraHeaders: { "XI-API-KEY": "other" } })).headers["xi-api-key"]).toBe("other");
    expect(elevenlabsSpeechRequest(speech(), target({ apiKey: "" })).headers).not.toHaveProperty("xi-api-key");
  });
});

describe("speech response", () => {
  test("bytes pass through untouched with the upstream's content-type", () => {
    const bytes = new Uint8Array([0x49, 0x44, 0x33, 1, 2, 3]);
    const res = elevenlabsSpeechResponse(bytes, "audio/mpeg");
    expect(res.contentType).toBe("audio/mpeg");
    expect(res.body).toBe(bytes);
  });

  test("no content-type: octet-stream", () => {
    expect(elevenlabsSpeechResponse(new Uint8Array(), "").contentType).toBe("application/octet-stream");
  });
});
