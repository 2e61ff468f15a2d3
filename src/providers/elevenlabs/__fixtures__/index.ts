/** Test helpers: read a recorded wire fixture, and the target every test calls. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ProviderTarget } from "../../types";

export const fixtureText = (name: string): string => readFileSync(join(import.meta.dir, name), "utf8");
export const fixtureJson = (name: string): any => JSON.parse(fixtureText(name));

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
