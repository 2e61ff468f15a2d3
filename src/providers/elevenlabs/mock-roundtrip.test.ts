/** The adapter against the mock upstream's ElevenLabs dialect: requests it builds are accepted, answers it gets are read. */
import { describe, expect, test } from "bun:test";
import { elevenlabsMockDialect, fakeAudio } from "../../../tests/support/mock/elevenlabs";
import type { MockReply } from "../../../tests/support/mock/types";
import type { SpeechRequest } from "../../schemas/audio";
import type { WireRequest } from "../types";
import { elevenlabsAdapter } from "./index";
import { target as baseTarget, VOICE } from "./__fixtures__";

const target = baseTarget({ baseUrl: "http://mock.test" });

async function answer(wire: WireRequest): Promise<MockReply> {
  const req = new Request(wire.url, { method: wire.method, headers: wire.headers, body: wire.body });
  const url = new URL(wire.url);
  expect(elevenlabsMockDialect.owns(req, url)).toBe(true);
  return elevenlabsMockDialect.handle(req, url, wire.body ? JSON.parse(wire.body as string) : null, { words: 5, nextId: () => 1 });
}

const speech = (over: Partial<SpeechRequest> = {}): SpeechRequest => ({ model: "elevenlabs/eleven_multilingual_v2", input: "Bonjour ☕", voice: VOICE, ...over });

describe("speech", () => {
  test.each([
    [undefined, "mp3_44100_128", "audio/mpeg"],
    ["mp3", "mp3_44100_128", "audio/mpeg"],
    ["opus", "opus_48000_128", "audio/ogg"],
    ["pcm", "pcm_24000", "audio/pcm"],
  ] as const)("response_format %p: the mock's %s audio comes back byte for byte", async (response_format, outputFormat, contentType) => {
    const reply = await answer(elevenlabsAdapter.speechRequest!(speech({ response_format, speed: 1 }), target));
    if (reply.kind !== "bytes") throw new Error(`expected bytes, got ${reply.kind}`);
    const audio = elevenlabsAdapter.speechResponse!(reply.body, reply.contentType, target);
    expect(audio).toEqual({ contentType, body: fakeAudio("Bonjour ☕", outputFormat).body });
  });

  test("mp3 audio starts with ID3 then the text", async () => {
    const reply = await answer(elevenlabsAdapter.speechRequest!(speech(), target));
    if (reply.kind !== "bytes") throw new Error("expected bytes");
    expect(new TextDecoder().decode(reply.body)).toBe("ID3Bonjour ☕");
  });

  test("a bad key is a 401 with ElevenLabs' message and status code", async () => {
    const t = { ...target, apiKey: "bad-key" };
    const reply = await answer(elevenlabsAdapter.speechRequest!(speech(), t));
    if (reply.kind !== "json") throw new Error("expected JSON");
    expect(elevenlabsAdapter.errorFromResponse(reply.status, JSON.stringify(reply.body), t)).toMatchObject({ status: 401, code: "invalid_api_key", message: "Invalid API key" });
  });
});

test("models are listed with the provider prefix", async () => {
  const reply = await answer(elevenlabsAdapter.listModelsRequest!(target));
  if (reply.kind !== "json") throw new Error("expected JSON");
  expect(elevenlabsAdapter.listModelsResponse!(reply.body, target).map((m) => m.id)).toEqual(["elevenlabs/eleven_multilingual_v2", "elevenlabs/eleven_flash_v2_5"]);
});

describe("the mock dialect itself", () => {
  const owns = (method: string, path: string, headers: Record<string, string> = {}) =>
    elevenlabsMockDialect.owns(new Request(`http://mock.test${path}`, { method, headers }), new URL(`http://mock.test${path}`));

  test("owns text-to-speech; GET /v1/models only with xi-api-key (OpenAI's listing uses a bearer)", () => {
    expect(owns("POST", `/v1/text-to-speech/${VOICE}?output_format=mp3_44100_128`)).toBe(true);
    expect(owns("GET", "/v1/models", { "xi-api-key": "k" })).toBe(true);
    expect(owns("GET", "/v1/models", { authorization: "Bearer k" })).toBe(false);
  });

  test("no key is a 401; a missing text a FastAPI-style 422 the adapter reads", async () => {
    expect(await answer(elevenlabsAdapter.speechRequest!(speech(), { ...target, apiKey: "" }))).toMatchObject({ status: 401, body: { detail: { status: "needs_authorization" } } });
    const wire = elevenlabsAdapter.speechRequest!(speech(), target);
    const reply = await answer({ ...wire, body: JSON.stringify({ model_id: "m" }) });
    if (reply.kind !== "json") throw new Error("expected JSON");
    expect(elevenlabsAdapter.errorFromResponse(reply.status, JSON.stringify(reply.body), target)).toMatchObject({ status: 422, message: "field required (body.text)" });
  });
});
