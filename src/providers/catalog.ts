/**
 * Every built-in provider as data: its base type, default origin, the environment variables a
 * config-less start reads, and the paths where it differs from OpenAI's. One entry per provider.
 */
import type { OpenAIDialect } from "./openai/adapter";

export interface ProviderEntry {
  /** Adapter family: "openai" for every OpenAI-compatible provider, else the provider's own adapter. */
  base: "openai" | "anthropic" | "gemini" | "vertex" | "bedrock" | "cohere" | "azure" | "elevenlabs";
  baseUrl: string;
  /** Env vars holding the API key, in order of preference. */
  keyEnv: string[];
  /** Env var holding the origin (default `<NAME>_BASE_URL`); keyless servers need it to be enabled. */
  urlEnv?: string;
  /** Runs without an API key (local servers). */
  keyless?: boolean;
  /** Unprefixed model names that belong to this provider (used only when the provider is configured). */
  modelPattern?: RegExp;
  dialect?: Omit<OpenAIDialect, "kind">;
}

const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** Mistral accepts only ^[a-zA-Z0-9]{9}$: other ids are hashed to one, the same for a call and its result. */
export function mistralToolCallId(id: string): string {
  if (/^[a-zA-Z0-9]{9}$/.test(id)) return id;
  let h = 2166136261;
  let out = "";
  for (let round = 0; out.length < 9; round++) {
    for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619) >>> 0;
    h = Math.imul(h ^ round, 16777619) >>> 0;
    out += ALNUM[h % ALNUM.length];
  }
  return out;
}

/** Go Bifrost's config.json names for providers we call otherwise. */
export const PROVIDER_ALIASES: Record<string, string> = { sgl: "sglang" };

/** Go Bifrost's providers that this gateway does not have yet: named as such, not as unknown. */
export const NOT_YET_SUPPORTED: ReadonlySet<string> = new Set([
  "bedrock_mantle", "databricks", "github-copilot", "opencode-go", "opencode-zen", "replicate", "runware", "runway", "sarvam", "typesafe", "wafer",
]);

export const PROVIDERS: Record<string, ProviderEntry> = {
  openai: {
    base: "openai",
    baseUrl: "https://api.openai.com",
    keyEnv: ["OPENAI_API_KEY"],
    modelPattern: /^(gpt-|o\d|chatgpt-|text-embedding-|davinci|babbage|omni-|dall-e|tts-|whisper)/,
    dialect: { speech: true, transcription: true, images: true, responses: true },
  },
  anthropic: { base: "anthropic", baseUrl: "https://api.anthropic.com", keyEnv: ["ANTHROPIC_API_KEY"], modelPattern: /^claude-/ },
  gemini: { base: "gemini", baseUrl: "https://generativelanguage.googleapis.com", keyEnv: ["GEMINI_API_KEY", "GOOGLE_API_KEY"], modelPattern: /^(gemini-|gemma-|text-embedding-0|embedding-0)/ },
  // The origin comes from the key's vertex_key_config region; base_url overrides it (a proxy).
  vertex: { base: "vertex", baseUrl: "", keyEnv: [] },
  // The region comes from the key's bedrock_key_config; a base_url without {region} is used as given (a proxy).
  bedrock: { base: "bedrock", baseUrl: "https://bedrock-runtime.{region}.amazonaws.com", keyEnv: ["AWS_BEARER_TOKEN_BEDROCK"], modelPattern: /^(anthropic\.|amazon\.|meta\.|cohere\.|mistral\.|ai21\.|us\.|eu\.|apac\.)/ },
  // Endpoint, deployments and api_version come from the key's azure_key_config (base_url is the endpoint's fallback).
  azure: { base: "azure", baseUrl: "", keyEnv: ["AZURE_API_KEY", "AZURE_OPENAI_API_KEY"], urlEnv: "AZURE_ENDPOINT" },
  cohere: { base: "cohere", baseUrl: "https://api.cohere.com", keyEnv: ["COHERE_API_KEY", "CO_API_KEY"], modelPattern: /^(command|embed-|rerank-|c4ai-)/ },
  elevenlabs: { base: "elevenlabs", baseUrl: "https://api.elevenlabs.io", keyEnv: ["ELEVENLABS_API_KEY"], modelPattern: /^eleven_/ },
  groq: { base: "openai", baseUrl: "https://api.groq.com/openai", keyEnv: ["GROQ_API_KEY"], dialect: { embeddingsPath: null, transcription: true } },
  xai: { base: "openai", baseUrl: "https://api.x.ai", keyEnv: ["XAI_API_KEY"], modelPattern: /^grok-/ },
  deepseek: { base: "openai", baseUrl: "https://api.deepseek.com", keyEnv: ["DEEPSEEK_API_KEY"], modelPattern: /^deepseek-/, dialect: { embeddingsPath: null } },
  cerebras: { base: "openai", baseUrl: "https://api.cerebras.ai", keyEnv: ["CEREBRAS_API_KEY"], dialect: { embeddingsPath: null } },
  fireworks: { base: "openai", baseUrl: "https://api.fireworks.ai/inference", keyEnv: ["FIREWORKS_API_KEY"], dialect: { completions: true } },
  openrouter: { base: "openai", baseUrl: "https://openrouter.ai/api", keyEnv: ["OPENROUTER_API_KEY"], dialect: { cacheControl: true } },
  perplexity: {
    base: "openai",
    baseUrl: "https://api.perplexity.ai",
    keyEnv: ["PERPLEXITY_API_KEY"],
    modelPattern: /^sonar/,
    dialect: { chatPath: "/chat/completions", embeddingsPath: null, modelsPath: null },
  },
  together: { base: "openai", baseUrl: "https://api.together.xyz", keyEnv: ["TOGETHER_API_KEY"], dialect: { completions: true } },
  mistral: {
    base: "openai",
    baseUrl: "https://api.mistral.ai",
    keyEnv: ["MISTRAL_API_KEY"],
    modelPattern: /^(mistral-|codestral-|magistral-|pixtral-|ministral-|open-mistral|devstral-)/,
    // Mistral's chat API rejects unknown fields: it names the seed differently, sends usage in streams unasked,
    // and has no stream_options, user, logit_bias or logprobs.
    dialect: {
      streamUsageOption: false,
      rename: { seed: "random_seed", max_completion_tokens: "max_tokens" },
      toolCallId: mistralToolCallId,
      drop: ["stream_options", "user", "logit_bias", "logprobs", "top_logprobs", "service_tier", "store", "metadata", "reasoning_effort"],
    },
  },
  // Self-hosted servers answer /v1/completions themselves (base models, raw prompts).
  ollama: { base: "openai", baseUrl: "http://localhost:11434", keyEnv: ["OLLAMA_API_KEY"], urlEnv: "OLLAMA_BASE_URL", keyless: true, dialect: { completions: true } },
  vllm: { base: "openai", baseUrl: "http://localhost:8000", keyEnv: ["VLLM_API_KEY"], urlEnv: "VLLM_BASE_URL", keyless: true, dialect: { completions: true } },
  sglang: { base: "openai", baseUrl: "http://localhost:30000", keyEnv: ["SGLANG_API_KEY"], urlEnv: "SGLANG_BASE_URL", keyless: true, dialect: { completions: true } },
  lmstudio: { base: "openai", baseUrl: "http://localhost:1234", keyEnv: ["LMSTUDIO_API_KEY"], urlEnv: "LMSTUDIO_BASE_URL", keyless: true, dialect: { completions: true } },
  nebius: { base: "openai", baseUrl: "https://api.studio.nebius.com", keyEnv: ["NEBIUS_API_KEY"] },
  parasail: { base: "openai", baseUrl: "https://api.parasail.io", keyEnv: ["PARASAIL_API_KEY"] },
  huggingface: { base: "openai", baseUrl: "https://router.huggingface.co", keyEnv: ["HUGGINGFACE_API_KEY", "HF_TOKEN"], dialect: { embeddingsPath: null } },
};
