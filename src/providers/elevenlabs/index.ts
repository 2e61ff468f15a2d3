/** The ElevenLabs adapter: text to speech and model listing only; every chat method is a 400. */
import type { Op } from "../../schemas/ops";
import type { ProviderAdapter } from "../types";
import { elevenlabsError } from "./errors";
import { elevenlabsModelsRequest, fromElevenlabsModels } from "./models";
import { elevenlabsSpeechRequest, elevenlabsSpeechResponse } from "./speech";
import { unsupported } from "./unsupported";

export const elevenlabsAdapter: ProviderAdapter = {
  kind: "elevenlabs",
  capabilities: new Set<Op>(["speech", "listModels"]),
  chatRequest: () => unsupported("chat"),
  chatResponse: () => unsupported("chat"),
  chatStreamDecoder: () => unsupported("chat"),
  speechRequest: elevenlabsSpeechRequest,
  speechResponse: (bytes, contentType) => elevenlabsSpeechResponse(bytes, contentType),
  listModelsRequest: elevenlabsModelsRequest,
  listModelsResponse: fromElevenlabsModels,
  errorFromResponse: elevenlabsError,
};

export { toOutputFormat, mediaTypeOf, DEFAULT_OUTPUT_FORMAT } from "./formats";
export { toElevenlabsSpeechBody, elevenlabsSpeechRequest } from "./speech";
export { elevenlabsError } from "./errors";
