/** The Providers page's view of /api/providers (Go Bifrost's shape plus ours: type, base_url, circuits, key_stats, queue). */

export const MASKED = "********";

export interface ProviderKey {
  id?: string;
  name?: string;
  /** "********" (write-only), an "env.X" reference as itself, or "" for a keyless one. */
  value?: string;
  models?: string[];
  weight?: number;
  enabled?: boolean;
  [k: string]: unknown;
}

export interface Circuit {
  key: string;
  model: string;
  state: "closed" | "open" | "half_open";
  consecutive_failures: number;
  opened_at: string | null;
}

export interface KeyStat {
  key: string;
  requests: number;
  errors: number;
  error_rate: number | null;
  window_seconds: number;
}

export interface NetworkConfig {
  base_url?: string;
  default_request_timeout_in_seconds?: number;
  max_retries?: number;
  [k: string]: unknown;
}

export interface Provider {
  name: string;
  type: string;
  base_url: string;
  keys: ProviderKey[];
  network_config: NetworkConfig;
  concurrency_and_buffer_size: { concurrency: number; buffer_size: number };
  custom_provider_config?: { base_provider_type: string; is_key_less?: boolean };
  circuits: Circuit[];
  key_stats?: KeyStat[];
  queue: { in_flight: number; queued: number; concurrency: number; buffer_size: number } | null;
}

export interface ProviderList {
  providers: Provider[];
  total: number;
  transport: string;
}

/** The built-in provider types (src/providers/catalog.ts), with a model to try each with. */
export const PROVIDER_TYPES: Array<{ id: string; label: string; model: string; keyless?: boolean }> = [
  { id: "openai", label: "OpenAI", model: "gpt-4o-mini" },
  { id: "anthropic", label: "Anthropic", model: "claude-3-5-haiku-latest" },
  { id: "gemini", label: "Google Gemini", model: "gemini-2.0-flash" },
  { id: "vertex", label: "Google Vertex AI", model: "gemini-2.0-flash" },
  { id: "bedrock", label: "AWS Bedrock", model: "anthropic.claude-3-5-haiku-20241022-v1:0" },
  { id: "azure", label: "Azure OpenAI", model: "gpt-4o-mini" },
  { id: "cohere", label: "Cohere", model: "command-r" },
  { id: "mistral", label: "Mistral", model: "mistral-small-latest" },
  { id: "groq", label: "Groq", model: "llama-3.1-8b-instant" },
  { id: "xai", label: "xAI", model: "grok-2-latest" },
  { id: "deepseek", label: "DeepSeek", model: "deepseek-chat" },
  { id: "cerebras", label: "Cerebras", model: "llama3.1-8b" },
  { id: "fireworks", label: "Fireworks", model: "accounts/fireworks/models/llama-v3p1-8b-instruct" },
  { id: "openrouter", label: "OpenRouter", model: "openai/gpt-4o-mini" },
  { id: "perplexity", label: "Perplexity", model: "sonar" },
  { id: "together", label: "Together", model: "meta-llama/Llama-3.2-3B-Instruct-Turbo" },
  { id: "nebius", label: "Nebius", model: "meta-llama/Meta-Llama-3.1-8B-Instruct" },
  { id: "parasail", label: "Parasail", model: "parasail-llama-33-70b-fp8" },
  { id: "huggingface", label: "Hugging Face", model: "meta-llama/Llama-3.1-8B-Instruct" },
  { id: "elevenlabs", label: "ElevenLabs", model: "eleven_multilingual_v2" },
  { id: "ollama", label: "Ollama (local)", model: "llama3.2", keyless: true },
  { id: "vllm", label: "vLLM (local)", model: "", keyless: true },
  { id: "sglang", label: "SGLang (local)", model: "", keyless: true },
  { id: "lmstudio", label: "LM Studio (local)", model: "", keyless: true },
];

/** A key's name as the gateway knows it (logs, circuits, x-bf-api-key-id). */
export function keyName(p: Provider, k: ProviderKey, i: number): string {
  return k.name || k.id || `${p.name}-key-${i}`;
}

/** A key's models as typed: "a, b"; empty or "*" = every model. */
export function parseModels(text: string): string[] {
  const list = text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
  return list.length === 0 || list.includes("*") ? ["*"] : [...new Set(list)];
}

export function modelsText(models: string[] | undefined): string {
  return !models || models.includes("*") ? "" : models.join(", ");
}

/** A number field's value: undefined when empty, NaN when not a number (the form says so). */
export function numberOf(text: string): number | undefined {
  const t = text.trim();
  return t === "" ? undefined : Number(t);
}
