/**
 * The one config schema: the Go Bifrost's config.json, in TypeBox.
 * Sections this gateway does not implement yet are accepted as-is (Unknown) so that a Go config loads unchanged.
 */
import { Type as t, type Static } from "@sinclair/typebox";

const Any = t.Unknown();

export const KeySchema = t.Object({
  id: t.Optional(t.String()),
  name: t.Optional(t.String()),
  value: t.Optional(t.String()),
  models: t.Optional(t.Array(t.String())),
  blacklisted_models: t.Optional(t.Array(t.String())),
  weight: t.Optional(t.Number({ minimum: 0 })),
  enabled: t.Optional(t.Boolean()),
  use_for_batch_api: t.Optional(t.Boolean()),
  azure_key_config: t.Optional(Any),
  vertex_key_config: t.Optional(Any),
  bedrock_key_config: t.Optional(Any),
});

/** The longest delay a JavaScript timer keeps (2³¹−1 ms): a longer one fires at once, so every value that feeds a timer stays under it. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
const timerSeconds = () => t.Number({ exclusiveMinimum: 0, maximum: Math.floor(MAX_TIMER_MS / 1000) });
const timerMs = () => t.Number({ minimum: 0, maximum: MAX_TIMER_MS });

export const NetworkConfigSchema = t.Object({
  base_url: t.Optional(t.String()),
  extra_headers: t.Optional(t.Record(t.String(), t.String())),
  default_request_timeout_in_seconds: t.Optional(timerSeconds()),
  stream_idle_timeout_in_seconds: t.Optional(timerSeconds()),
  max_retries: t.Optional(t.Integer({ minimum: 0 })),
  retry_backoff_initial: t.Optional(timerMs()),
  retry_backoff_max: t.Optional(timerMs()),
  /** Ours: consecutive failures that open a key's circuit, and its cool-down. */
  circuit_breaker: t.Optional(
    t.Object({ failure_threshold: t.Optional(t.Integer({ minimum: 1 })), cooldown_seconds: t.Optional(t.Number({ minimum: 0 })) }),
  ),
  /**
   * Ours: forward clients' gs:// and file: URLs (image_url, file parts, document sources) to this provider,
   * which reads them with the gateway's credentials. Default false: such a request is a 400.
   */
  allow_client_storage_urls: t.Optional(t.Boolean()),
  max_conns_per_host: t.Optional(t.Integer({ minimum: 1 })),
  insecure_skip_verify: t.Optional(t.Boolean()),
  ca_cert_pem: t.Optional(t.String()),
});

export const ConcurrencySchema = t.Object({
  concurrency: t.Optional(t.Integer({ minimum: 1 })),
  buffer_size: t.Optional(t.Integer({ minimum: 1 })),
});

export const CustomProviderSchema = t.Object({
  base_provider_type: t.String({ minLength: 1 }),
  is_key_less: t.Optional(t.Boolean()),
  allowed_requests: t.Optional(t.Record(t.String(), t.Boolean())),
  request_path_overrides: t.Optional(t.Record(t.String(), t.String())),
});

export const ProviderSchema = t.Object({
  keys: t.Optional(t.Array(KeySchema)),
  network_config: t.Optional(NetworkConfigSchema),
  concurrency_and_buffer_size: t.Optional(ConcurrencySchema),
  proxy_config: t.Optional(Any),
  send_back_raw_request: t.Optional(t.Boolean()),
  send_back_raw_response: t.Optional(t.Boolean()),
  store_raw_request_response: t.Optional(t.Boolean()),
  custom_provider_config: t.Optional(CustomProviderSchema),
  openai_config: t.Optional(Any),
  pricing_overrides: t.Optional(Any),
});

/** Client fields of the Go Bifrost that this gateway reads; other Go fields are listed so they load without warnings. */
export const ClientSchema = t.Object({
  drop_excess_requests: t.Optional(t.Boolean()),
  initial_pool_size: t.Optional(t.Integer({ minimum: 1 })),
  allowed_origins: t.Optional(t.Array(t.String())),
  allowed_headers: t.Optional(t.Array(t.String())),
  max_request_body_size_mb: t.Optional(t.Number({ exclusiveMinimum: 0 })),
  /** Ours: request bytes the process buffers at once, across requests; past it a request gets 503 + Retry-After (default min(256, memory/8) MB). */
  max_buffered_request_mb: t.Optional(t.Number({ exclusiveMinimum: 0 })),
  /** Ours: the largest non-streaming answer read from an upstream; past it a 502 (default 64). */
  max_upstream_response_mb: t.Optional(t.Number({ exclusiveMinimum: 0 })),
  /** Ours: provider calls run on this many Bun Workers; 0 (the default) runs them on the server's own thread. */
  worker_pool_size: t.Optional(t.Integer({ minimum: 0, maximum: 64 })),
  prometheus_labels: t.Optional(Any),
  enable_logging: t.Optional(Any),
  disable_content_logging: t.Optional(Any),
  log_retention_days: t.Optional(Any),
  enable_governance: t.Optional(t.Boolean()),
  enforce_governance_header: t.Optional(t.Boolean()),
  enforce_auth_on_inference: t.Optional(t.Boolean()),
  allow_direct_keys: t.Optional(Any),
  enable_litellm_fallbacks: t.Optional(Any),
  disable_db_pings_in_health: t.Optional(Any),
  dump_errors_in_console_logs: t.Optional(Any),
  header_filter_config: t.Optional(Any),
  required_headers: t.Optional(Any),
  logging_headers: t.Optional(Any),
  whitelisted_routes: t.Optional(t.Array(t.String({ minLength: 1 }))),
  compat: t.Optional(Any),
  async_job_result_ttl: t.Optional(Any),
  mcp_agent_depth: t.Optional(Any),
  /** Go Bifrost's: connected MCP servers' tools are not added to requests (agent mode and /v1/mcp/tool/execute still work). */
  mcp_disable_auto_tool_inject: t.Optional(t.Boolean()),
  mcp_tool_execution_timeout: t.Optional(Any),
  allow_per_request_content_storage_override: t.Optional(Any),
  allow_per_request_raw_override: t.Optional(Any),
  routing_chain_max_depth: t.Optional(Any),
  /** Ours: with auth_config off, the admin API may be reached on a non-loopback bind (otherwise start-up refuses). */
  allow_unauthenticated_admin: t.Optional(t.Boolean()),
});

/** Go Bifrost's auth_config; values may be "env.VAR". */
export const AuthConfigSchema = t.Object({
  is_enabled: t.Optional(t.Boolean()),
  admin_username: t.Optional(t.String()),
  admin_password: t.Optional(t.String()),
  disable_auth_on_inference: t.Optional(t.Boolean()),
  /** Ours: how long a login session lasts (default 86400). */
  session_ttl_seconds: t.Optional(t.Integer({ minimum: 1 })),
});

export const PluginEntrySchema = t.Object({
  name: t.String({ minLength: 1 }),
  enabled: t.Optional(t.Boolean()),
  path: t.Optional(t.String()),
  version: t.Optional(Any),
  placement: t.Optional(t.Union([t.Literal("pre_builtin"), t.Literal("builtin"), t.Literal("post_builtin")])),
  order: t.Optional(t.Number()),
  config: t.Optional(Any),
  /** Ours: the gateway does not start if this plugin fails to load. */
  required: t.Optional(t.Boolean()),
});

/** Ours: the Files and Batch APIs (src/batches): upload limit, retention, gateway-run concurrency, native polling, where files live. */
export const BatchesSchema = t.Object({
  /** false: /v1/files and /v1/batches answer 404. */
  enabled: t.Optional(t.Boolean()),
  /** The largest file an upload may store (default 200 MB, OpenAI's). */
  max_upload_bytes: t.Optional(t.Integer({ minimum: 1 })),
  /** Uploaded files and generated outputs expire after this many days (default 30). */
  retention_days: t.Optional(t.Number({ exclusiveMinimum: 0, maximum: 36500 })),
  /** Lines of one gateway-run batch in flight at once (default 8). */
  concurrency: t.Optional(t.Integer({ minimum: 1, maximum: 1000 })),
  /** How often native batches are refreshed from their provider in the background (default 30). */
  poll_interval_seconds: t.Optional(timerSeconds()),
  /** Where files and batches live: SQLite (default <app-dir>/batches.db) or PostgreSQL (replicas). */
  store: t.Optional(
    t.Union([
      t.Object({ type: t.Literal("sqlite"), path: t.Optional(t.String({ minLength: 1 })) }),
      t.Object({ type: t.Literal("postgres"), url: t.String({ minLength: 1 }) }),
    ]),
  ),
});

export const ConfigSchema = t.Object({
  $schema: t.Optional(t.String()),
  version: t.Optional(Any),
  encryption_key: t.Optional(Any),
  server: t.Optional(Any),
  source_of_truth: t.Optional(Any),
  env_label: t.Optional(Any),
  auth_config: t.Optional(AuthConfigSchema),
  client: t.Optional(ClientSchema),
  providers: t.Optional(t.Record(t.String(), ProviderSchema)),
  governance: t.Optional(Any),
  mcp: t.Optional(Any),
  plugins: t.Optional(t.Array(PluginEntrySchema)),
  logs_store: t.Optional(Any),
  config_store: t.Optional(Any),
  vector_store: t.Optional(Any),
  framework: t.Optional(Any),
  cluster_config: t.Optional(Any),
  saml_config: t.Optional(Any),
  load_balancer_config: t.Optional(Any),
  guardrails_config: t.Optional(Any),
  websocket: t.Optional(Any),
  batches: t.Optional(BatchesSchema),
});

export type BifrostConfig = Static<typeof ConfigSchema>;
export type ProviderConfig = Static<typeof ProviderSchema>;
export type KeyConfig = Static<typeof KeySchema>;
export type ClientConfig = Static<typeof ClientSchema>;
export type BatchesConfig = Static<typeof BatchesSchema>;
