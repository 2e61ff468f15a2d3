/** Adapter lookup by built-in provider type. */
import { anthropicAdapter } from "./anthropic";
import { PROVIDERS, type ProviderEntry } from "./catalog";
import { azureAdapter } from "./azure";
import { bedrockAdapter } from "./bedrock";
import { cohereAdapter } from "./cohere";
import { elevenlabsAdapter } from "./elevenlabs";
import { geminiAdapter } from "./gemini";
import { vertexAdapter } from "./vertex";
import { createOpenAIAdapter } from "./openai/adapter";
import type { ProviderAdapter } from "./types";

const adapters = new Map<string, ProviderAdapter>();

/** Providers with a wire format of their own. */
const NATIVE: Partial<Record<ProviderEntry["base"], ProviderAdapter>> = {
  anthropic: anthropicAdapter,
  gemini: geminiAdapter,
  vertex: vertexAdapter,
  azure: azureAdapter,
  bedrock: bedrockAdapter,
  cohere: cohereAdapter,
  elevenlabs: elevenlabsAdapter,
};

export function getAdapter(type: string): ProviderAdapter {
  let a = adapters.get(type);
  if (a) return a;
  const entry = PROVIDERS[type];
  if (!entry) throw new Error(`no adapter for provider type ${type}`);
  a = entry.base === "openai" ? createOpenAIAdapter({ kind: type, ...entry.dialect }) : NATIVE[entry.base]!;
  adapters.set(type, a);
  return a;
}

export { PROVIDERS } from "./catalog";
export type { ProviderAdapter, ProviderTarget } from "./types";
