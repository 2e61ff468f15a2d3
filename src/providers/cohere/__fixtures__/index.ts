/** Test helpers: read a recorded wire fixture, and the target every test calls. */
import { fixtures } from "../../../../tests/support/fixtures";
import type { ProviderTarget } from "../../types";

export const { fixtureText, fixtureJson } = fixtures(import.meta.dir);
export { now, NOW_MS } from "../../../../tests/support/fixtures";

export const TEST_KEY = "co-test-key-never-leaks";

export const target = (over: Partial<ProviderTarget> = {}): ProviderTarget => ({
  provider: "cohere",
  model: "command-a-03-2025",
  baseUrl: "https://api.cohere.com",
  apiKey: TEST_KEY,
  extraHeaders: {},
  ...over,
});
