/** Test helpers: read a recorded wire fixture, and the target every test calls. */
import { fixtures } from "../../../../tests/support/fixtures";
import type { ProviderTarget } from "../../types";

export const { fixtureText, fixtureJson } = fixtures(import.meta.dir);
export { now, NOW_MS } from "../../../../tests/support/fixtures";

export const TEST_KEY = "AIzaSyTest-gemini-key-never-leaks";

export const target = (over: Partial<ProviderTarget> = {}): ProviderTarget => ({
  provider: "gemini",
  model: "gemini-2.0-flash",
  baseUrl: "https://generativelanguage.googleapis.com",
  apiKey: TEST_KEY,
  extraHeaders: {},
  ...over,
});

export { splits } from "../../../../tests/support/stream-splits";
