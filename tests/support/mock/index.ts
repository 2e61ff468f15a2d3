/** Every provider dialect the mock upstream speaks besides its built-in OpenAI and Anthropic. */
import { geminiMockDialect } from "./gemini";
import type { MockDialect } from "./types";

export const MOCK_DIALECTS: MockDialect[] = [geminiMockDialect];
