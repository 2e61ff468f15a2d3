import { expect, test } from "bun:test";
import { elevenlabsError } from "./errors";
import { fixtureText, target, TEST_KEY } from "./__fixtures__";

test.each([
  [401, "error-unauthorized.json", "Invalid API key", "invalid_api_key"],
  [401, "error-quota.json", "This request exceeds your quota of 10000.", "quota_exceeded"],
  [404, "error-voice-not-found.json", "A voice with the voice_id alloy was not found.", "voice_not_found"],
])("%i %s: message and ElevenLabs' status as the code", (status, file, message, code) => {
  const e = elevenlabsError(status, fixtureText(file), target());
  expect(e).toMatchObject({ status, code, isBifrostError: false, extra: { provider: "elevenlabs" } });
  expect(e.message).toStartWith(message);
});

test("validation errors list every field", () => {
  expect(elevenlabsError(422, fixtureText("error-validation.json"), target())).toMatchObject({
    status: 422,
    code: "validation_error",
    message: "field required (body.text); ensure this value is less than or equal to 1.2 (body.voice_settings.speed)",
  });
});

test("string details, plain text and empty bodies", () => {
  expect(elevenlabsError(400, '{"detail":"Bad request"}', target()).message).toBe("Bad request");
  expect(elevenlabsError(502, "Bad Gateway", target()).message).toBe("Bad Gateway");
  expect(elevenlabsError(500, "", target()).message).toBe("upstream returned 500");
});

test("an echoed key is redacted", () => {
  expect(elevenlabsError(401, JSON.stringify({ detail: { message: `key ${TEST_KEY} invalid` } }), target()).message).toBe("key [redacted] invalid");
});
