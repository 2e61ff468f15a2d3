/** Every provider dialect the mock upstream speaks besides its built-in OpenAI and Anthropic. */
import { anthropicBatchesMock } from "./anthropic-batches";
import { azureMockDialect } from "./azure";
import { bedrockMockDialect } from "./bedrock";
import { cohereMockDialect } from "./cohere";
import { elevenlabsMockDialect } from "./elevenlabs";
import { geminiMockDialect } from "./gemini";
import { geminiBatchMockDialect } from "./gemini-batch";
import { openaiBatchMock } from "./openai-batches";
import type { MockDialect } from "./types";

// The Gemini batch dialect first: the Gemini one would take models/{model}:batchGenerateContent for an unknown method.
export const MOCK_DIALECTS: MockDialect[] = [geminiBatchMockDialect, geminiMockDialect, bedrockMockDialect, azureMockDialect, cohereMockDialect, elevenlabsMockDialect, anthropicBatchesMock, openaiBatchMock];
