/** The matrix's axes: which client dialects and which providers (with a config that points them at the mock). */
import { EventStreamDecoder } from "../../src/providers/bedrock/eventstream";
import {
  anthropicMessages,
  anthropicTools,
  bedrockConverse,
  bedrockTools,
  cohereChat,
  cohereTools,
  genaiTools,
  googleGenai,
  openaiChat,
  openaiChatTools,
  openaiResponses,
  responsesTools,
  type DialectClient,
  type ToolClient,
} from "./dialect-clients";

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
    name: "bedrock",
    model: "anthropic.claude-3-5-haiku-20241022-v1:0",
    // The mock verifies the SigV4 signature made with this secret.
    config: (url) => ({ keys: [{ value: "", bedrock_key_config: { access_key: "mock-access", secret_key: "mock-secret", region: "us-east-1" } }], network_config: { base_url: url } }),
  },
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
  {
    // Anthropic models on Vertex: rawPredict with the Messages body.
    name: "vertex-claude",
    model: "claude-3-5-haiku@20241022",
    config: (url) => ({
      keys: [{ value: "ya29.mock-token", vertex_key_config: { project_id: "proj", region: "us-east5" } }],
      custom_provider_config: { base_provider_type: "vertex" },
      network_config: { base_url: url },
    }),
  },
];

const decodeEvents = (bytes: Uint8Array) =>
  new EventStreamDecoder().push(bytes).map((m) => ({
    type: String((m.headers[":event-type"] ?? m.headers[":exception-type"])?.value),
    body: JSON.parse(new TextDecoder().decode(m.body)),
  }));

export const MATRIX_DIALECTS: DialectClient[] = [openaiChat, anthropicMessages, openaiResponses, googleGenai, cohereChat, bedrockConverse(decodeEvents)];

export const MATRIX_TOOL_DIALECTS: ToolClient[] = [openaiChatTools, anthropicTools, responsesTools, genaiTools, cohereTools, bedrockTools(decodeEvents)];
