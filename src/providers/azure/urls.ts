/**
 * Azure OpenAI URLs: /openai/deployments/{deployment}/{op}?api-version=… or the /openai/v1/{op} API.
 * The Responses API has no deployment segment: /openai/responses?api-version=… (the deployment is the body's model) or /openai/v1/responses.
 */
import type { AzureRoute } from "./config";

export type AzureOperation = "chat/completions" | "embeddings" | "responses";

export function azureUrl(route: AzureRoute, op: AzureOperation): string {
  const path = route.v1 ? `/openai/v1/${op}` : op === "responses" ? "/openai/responses" : `/openai/deployments/${encodeURIComponent(route.deployment)}/${op}`;
  return route.apiVersion === null ? `${route.endpoint}${path}` : `${route.endpoint}${path}?api-version=${encodeURIComponent(route.apiVersion)}`;
}
