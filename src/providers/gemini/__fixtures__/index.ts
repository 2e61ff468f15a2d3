/** Test helpers: read a recorded wire fixture, and the target every test calls. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ProviderTarget } from "../../types";

export const fixtureText = (name: string): string => readFileSync(join(import.meta.dir, name), "utf8");
export const fixtureJson = (name: string): any => JSON.parse(fixtureText(name));

export const TEST_KEY = "AIzaSyTest-gemini-key-never-leaks";

export const target = (over: Partial<ProviderTarget> = {}): ProviderTarget => ({
  provider: "gemini",
  model: "gemini-2.0-flash",
  baseUrl: "https://generativelanguage.googleapis.com",
  apiKey: TEST_KEY,
  extraHeaders: {},
  ...over,
});

/** A fixed clock so chunks and responses compare equal across runs. */
export const NOW_MS = 1_760_000_000_000;
export const now = () => NOW_MS;

export { splits } from "../../../../tests/support/stream-splits";
