/** Azure has no model listing per key: the models a key serves are its deployments map's keys. */
import type { ModelEntry } from "../../schemas/models";
import type { AzureKeyConfig } from "./config";

/** For the core's listing from key configs (the adapter has no listModelsRequest). */
export function azureModelsFromKeyConfig(provider: string, config: AzureKeyConfig | null | undefined): ModelEntry[] {
  return Object.keys(config?.deployments ?? {}).map((model) => ({ id: `${provider}/${model}`, object: "model", created: 0, owned_by: "azure" }));
}

/** The model a key's deployments map serves as `deployment` (first match over the keys), else the deployment itself. */
export function modelForDeployment(keys: { config: AzureKeyConfig | null }[], deployment: string): string {
  for (const k of keys) for (const [model, name] of Object.entries(k.config?.deployments ?? {})) if (name === deployment) return model;
  return deployment;
}
