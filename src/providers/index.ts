/** Adapter lookup by built-in provider type. */
import { anthropicAdapter } from "./anthropic";
import { PROVIDERS } from "./catalog";
import { createOpenAIAdapter } from "./openai/adapter";
import type { ProviderAdapter } from "./types";

const adapters = new Map<string, ProviderAdapter>();

export function getAdapter(type: string): ProviderAdapter {
  let a = adapters.get(type);
  if (a) return a;
  const entry = PROVIDERS[type];
  if (!entry) throw new Error(`no adapter for provider type ${type}`);
  a = entry.base === "anthropic" ? anthropicAdapter : createOpenAIAdapter({ kind: type, ...entry.dialect });
  adapters.set(type, a);
  return a;
}

export { PROVIDERS } from "./catalog";
export type { ProviderAdapter, ProviderTarget } from "./types";
