import { describe, expect, test } from "bun:test";
import { BifrostError } from "../../schemas/error";
import { elevenlabsAdapter } from "./index";
import { fixtureJson, target, TEST_KEY, VOICE } from "./__fixtures__";

test("kind elevenlabs: speech and model listing only", () => {
  expect(elevenlabsAdapter.kind).toBe("elevenlabs");
  expect([...elevenlabsAdapter.capabilities].sort()).toEqual(["listModels", "speech"]);
  expect(elevenlabsAdapter.embeddingRequest).toBeUndefined();
});

describe("chat is a 400, not a crash", () => {
  const calls: Array<[string, () => unknown]> = [
    ["chatRequest", () => elevenlabsAdapter.chatRequest({ model: "m", messages: [{ role: "user", content: "hi" }] }, target(), false)],
    ["chatResponse", () => elevenlabsAdapter.chatResponse({}, target())],
    ["chatStreamDecoder", () => elevenlabsAdapter.chatStreamDecoder(target())],
  ];
  test.each(calls)("%s throws a 400 BifrostError", (_name, call) => {
    let err: unknown;
    try {
      call();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BifrostError);
    expect(err).toMatchObject({ status: 400, type: "invalid_request_error", code: "unsupported_operation", message: "elevenlabs does not support chat" });
  });
});

test("speech and models are wired", () => {
  const wire = elevenlabsAdapter.speechRequest!({ model: "eleven_flash_v2_5", input: "hi", voice: VOICE, response_format: "opus" }, target());
  expect(wire.url).toBe(`https://api.elevenlabs.io/v1/text-to-speech/${VOICE}?output_format=opus_48000_128`);
  expect(elevenlabsAdapter.speechResponse!(new Uint8Array([1]), "audio/ogg", target()).contentType).toBe("audio/ogg");
  expect(elevenlabsAdapter.listModelsRequest!(target())).toEqual({ url: "https://api.elevenlabs.io/v1/models", method: "GET", headers: { "xi-api-key": TEST_KEY } });
});

test("models: text-to-speech models only, provider-prefixed, with their names", () => {
  expect(elevenlabsAdapter.listModelsResponse!(fixtureJson("models.json"), target())).toEqual([
    { id: "elevenlabs/eleven_multilingual_v2", object: "model", created: 0, owned_by: "elevenlabs", name: "Eleven Multilingual v2" },
    { id: "elevenlabs/eleven_flash_v2_5", object: "model", created: 0, owned_by: "elevenlabs", name: "Eleven Flash v2.5" },
  ]);
  expect(elevenlabsAdapter.listModelsResponse!({ detail: "x" }, target())).toEqual([]);
});
