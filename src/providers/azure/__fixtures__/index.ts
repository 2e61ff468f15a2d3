/** Test helpers: read a recorded wire fixture, and the target every test calls. */
import { fixtures } from "../../../../tests/support/fixtures";
import type { ProviderTarget } from "../../types";

export const { fixtureText, fixtureJson } = fixtures(import.meta.dir);

export const TEST_KEY = "0123456789abcdef0123456789abcdef";
/** An Entra ID access token's shape (a JWT); not a real token. */
export const ENTRA_TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2NvZ25pdGl2ZXNlcnZpY2VzLmF6dXJlLmNvbSJ9.c2ln";

export const target = (over: Partial<ProviderTarget> = {}): ProviderTarget => ({
  provider: "azure",
  model: "gpt-4o",
  baseUrl: "",
  apiKey: TEST_KEY,
  extraHeaders: {},
  keyConfig: { endpoint: "https://my-resource.openai.azure.com", deployments: { "gpt-4o": "gpt4o-prod", "text-embedding-3-small": "embed-small" } },
  ...over,
});
