/**
 * The Azure OpenAI adapter: OpenAI's wire format at Azure's URLs (per-deployment with api-version, or /openai/v1/),
 * with api-key or Entra bearer auth. No listModelsRequest: the core lists the key configs' deployments instead.
 */
import type { EmbeddingRequest } from "../../schemas/embeddings";
import { checkResponseObject, createOpenAIAdapter, createResponsesStreamDecoder, responsesWireBody, toOpenAIBody } from "../openai/adapter";
import { openAIError } from "../openai/errors";
import type { Op } from "../../schemas/ops";
import type { ProviderAdapter, ProviderTarget, WireRequest } from "../types";
import { resolveAzure } from "./config";
import { azureHeaders } from "./headers";
import { createAzureStreamDecoder } from "./stream";
import { azureUrl } from "./urls";

// An empty chatPath makes the OpenAI adapter post to the target's baseUrl as given: the full Azure URL.
const noAuth = () => ({});
const withUsage = createOpenAIAdapter({ kind: "azure", chatPath: "", modelsPath: null, authHeader: noAuth });
const withoutUsage = createOpenAIAdapter({ kind: "azure", chatPath: "", embeddingsPath: null, modelsPath: null, authHeader: noAuth, streamUsageOption: false });

export const azureAdapter: ProviderAdapter = {
  kind: "azure",
  capabilities: new Set<Op>(["chat", "chatStream", "embeddings", "responses", "responsesStream"]),
  chatRequest(req, target, stream): WireRequest {
    const route = resolveAzure(target);
    const base = route.streamUsage ? withUsage : withoutUsage;
    // The body's model is the deployment: the v1 API routes on it, the deployments API ignores it.
    const at: ProviderTarget = { ...target, model: route.deployment, baseUrl: azureUrl(route, "chat/completions") };
    return { ...base.chatRequest(req, at, stream), headers: azureHeaders(target, route) };
  },
  chatResponse: (body, target) => withUsage.chatResponse(body, target),
  chatStreamDecoder: createAzureStreamDecoder,
  embeddingRequest(req: EmbeddingRequest, target): WireRequest {
    const route = resolveAzure(target);
    return { url: azureUrl(route, "embeddings"), method: "POST", headers: azureHeaders(target, route), body: JSON.stringify(toOpenAIBody(req, route.deployment)) };
  },
  embeddingResponse: (body, target) => withUsage.embeddingResponse!(body, target),
  responsesRequest(req, target, stream): WireRequest {
    const route = resolveAzure(target);
    return { url: azureUrl(route, "responses"), method: "POST", headers: azureHeaders(target, route), body: responsesWireBody(req, route.deployment, stream) };
  },
  responsesResponse: checkResponseObject,
  responsesStreamDecoder: createResponsesStreamDecoder,
  errorFromResponse: openAIError,
};

export { resolveAzure, DEFAULT_API_VERSION, type AzureKeyConfig, type AzureRoute } from "./config";
export { azureUrl } from "./urls";
export { azureModelsFromKeyConfig, modelForDeployment } from "./models";
export { createAzureStreamDecoder } from "./stream";
