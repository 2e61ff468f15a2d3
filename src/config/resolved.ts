/** The runtime view of the config: every default applied, every env.X read, every provider typed. */
import type { PricingOverride } from "../pricing/overrides";
import { totalmem } from "node:os";
import type { ResolvedAuth } from "../auth/config";
import type { BifrostConfig } from "./schema";

export interface ResolvedKey {
  /** Stable name used in logs, headers (x-bf-api-key-id) and breaker state; never the secret. */
  name: string;
  value: string;
  /** null = every model. */
  models: string[] | null;
  blacklistedModels: string[];
  weight: number;
  /** azure_key_config / bedrock_key_config / vertex_key_config, env.X resolved; null when none. */
  config: Record<string, any> | null;
}

export interface ResolvedProvider {
  name: string;
  /** The built-in provider whose adapter and defaults it uses ("openai", "groq", "anthropic", …). */
  type: string;
  baseUrl: string;
  keys: ResolvedKey[];
  keyless: boolean;
  extraHeaders: Record<string, string>;
  timeoutMs: number;
  streamIdleTimeoutMs: number;
  maxRetries: number;
  retryBackoffInitialMs: number;
  retryBackoffMaxMs: number;
  concurrency: number;
  bufferSize: number;
  allowedRequests: Record<string, boolean> | null;
  /** Ours (network_config.allow_client_storage_urls): clients may send gs:// and file: URLs; absent = no. */
  allowClientStorageUrls?: boolean;
  /** Ours: when a key's circuit opens and how long it rests; null = defaults. */
  circuitBreaker: { failureThreshold: number; cooldownMs: number } | null;
  /** pricing_overrides: this provider's prices, over the catalog's. */
  pricingOverrides: PricingOverride[];
}

export interface ResolvedClient {
  dropExcessRequests: boolean;
  allowedOrigins: string[];
  allowedHeaders: string[];
  maxRequestBodyBytes: number;
  /** Request bytes buffered at once across requests (client.max_buffered_request_mb). */
  maxBufferedRequestBytes: number;
  /** The largest non-streaming upstream answer read (client.max_upstream_response_mb). */
  maxUpstreamResponseBytes: number;
  /** null = the default (0: provider calls on the server thread). */
  workerPoolSize: number | null;
  initialPoolSize: number;
  /** client.mcp_disable_auto_tool_inject: MCP tools are not added to requests. */
  mcpDisableAutoToolInject: boolean;
}

export interface ResolvedConfig {
  client: ResolvedClient;
  providers: Map<string, ResolvedProvider>;
  plugins: NonNullable<BifrostConfig["plugins"]>;
  /** auth_config with the password hashed; AUTH_OFF when disabled. */
  auth: ResolvedAuth;
  /** Non-fatal findings (unknown keys, empty model lists), each naming its JSON path. */
  warnings: string[];
  /** Where it came from: a file path, "environment", or "object". */
  source: string;
  /** The config object it was resolved from (env.X references unresolved): what the management API shows and the config store keeps. */
  raw?: BifrostConfig;
}

export const DEFAULTS = {
  timeoutSeconds: 30,
  streamIdleTimeoutSeconds: 60,
  maxRetries: 0,
  retryBackoffInitialMs: 500,
  retryBackoffMaxMs: 5000,
  concurrency: 1000,
  bufferSize: 5000,
  /** Fits the machine: 100 MB, or 1/32 of the memory available to the process when that is less. */
  maxRequestBodyMb: Math.min(100, Math.floor(memoryMb() / 32)),
  /** 256 MB, or 1/8 of the memory available to the process when that is less. */
  maxBufferedRequestMb: Math.min(256, Math.floor(memoryMb() / 8)),
  maxUpstreamResponseMb: 64,
  initialPoolSize: 300,
} as const;

/** The memory this process may use (a container's limit when there is one), in MB. */
function memoryMb(): number {
  const total = totalmem();
  const limit = (process as { constrainedMemory?: () => number }).constrainedMemory?.() ?? 0;
  return Math.max(64, (limit > 0 && limit < total ? limit : total) / 1048576);
}
