/** The matrix's axes: which client dialects and which providers (with a config that points them at the mock). */
import { anthropicMessages, cohereChat, googleGenai, openaiChat, openaiResponses, type DialectClient } from "./dialect-clients";

export interface MatrixProvider {
  name: string;
  model: string;
  config(mockUrl: string): Record<string, unknown>;
}

const plain = (name: string, model: string): MatrixProvider => ({
  name,
  model,
  config: (url) => ({ keys: [{ value: `sk-${name}-matrix` }], network_config: { base_url: url } }),
});

export const MATRIX_PROVIDERS: MatrixProvider[] = [
  plain("openai", "gpt-4o-mini"),
  plain("anthropic", "claude-3-5-haiku-latest"),
  plain("gemini", "gemini-2.0-flash"),
  plain("mistral", "mistral-small-latest"),
  plain("cohere", "command-r-plus"),
  {
    name: "azure",
    model: "gpt-4o-mini",
    config: (url) => ({ keys: [{ value: "azure-key-matrix", azure_key_config: { endpoint: url, deployments: { "gpt-4o-mini": "prod-4o-mini" }, api_version: "2024-10-21" } }] }),
  },
  {
    name: "vertex",
    model: "gemini-2.0-flash",
    config: (url) => ({ keys: [{ value: "ya29.mock-token", vertex_key_config: { project_id: "proj", region: "us-central1" } }], network_config: { base_url: url } }),
  },
];

export const MATRIX_DIALECTS: DialectClient[] = [openaiChat, anthropicMessages, openaiResponses, googleGenai, cohereChat];
