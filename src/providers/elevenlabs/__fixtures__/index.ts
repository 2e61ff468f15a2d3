/** Test helpers: read a recorded wire fixture, and the target every test calls. */
import { fixtures } from "../../../../tests/support/fixtures";
import type { ProviderTarget } from "../../types";

export const { fixtureText, fixtureJson } = fixtures(import.meta.dir);

export const TEST_KEY = "sk_0123456789abcdef0123456789abcdef0123456789abcdef";
/** A premade ElevenLabs voice id (George). */
export const VOICE = "JBFqnCBsd6RMkjVDRZzb";

export const target = (over: Partial<ProviderTarget> = {}): ProviderTarget => ({
  provider: "elevenlabs",
  model: "eleven_multilingual_v2",
  baseUrl: "https://api.elevenlabs.io",
  apiKey: TEST_KEY,
  extraHeaders: {},
  ...over,
});
