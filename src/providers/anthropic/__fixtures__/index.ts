/** Test helpers: read a recorded wire fixture, and the target every test calls. */
import { fixtures } from "../../../../tests/support/fixtures";
import type { ProviderTarget } from "../../types";

export const { fixtureText, fixtureJson } = fixtures(import.meta.dir);
export { now, NOW_MS } from "../../../../tests/support/fixtures";

export const TEST_KEY = "sk-ant-api03-test-key-never-leaks";

export const target = (over: Partial<ProviderTarget> = {}): ProviderTarget => ({
  provider: "anthropic",
  model: "claude-sonnet-4-5-20250929",
  baseUrl: "https://api.anthropic.com",
  apiKey: TEST_KEY,
  extraHeaders: {},
  ...over,
});
