/** Azure OpenAI URLs: /openai/deployments/{deployment}/{op}?api-version=… or the /openai/v1/{op} API. */
import type { AzureRoute } from "./config";

export type AzureOperation = "chat/completions" | "embeddings";

export function azureUrl(route: AzureRoute, op: AzureOperation): string {
  const path = route.v1 ? `/openai/v1/${op}` : `/openai/deployments/${encodeURIComponent(route.deployment)}/${op}`;
  return route.apiVersion === null ? `${route.endpoint}${path}` : `${route.endpoint}${path}?api-version=${encodeURIComponent(route.apiVersion)}`;
}
