/** The logging plugin's API as the Logs page reads it (Go Bifrost's shapes; plugins/logging/README.md). */

export interface ChatMessage {
  role: string;
  content: unknown;
  tool_calls?: unknown[];
  [k: string]: unknown;
}

/** One attempt at a provider (or an MCP tool the gateway ran), in the order they happened. */
export interface Attempt {
  type?: "mcp_tool";
  provider?: string;
  model?: string;
  keyName?: string | null;
  fallbackIndex?: number;
  startedAt?: number;
  durationMs?: number;
  status?: number;
  error?: { type?: string; code?: string | null; message: string } | null;
  name?: string;
  latency_ms?: number;
  is_error?: boolean;
}

export interface LogEntry {
  id: string;
  timestamp: string;
  object: string;
  provider: string;
  model: string;
  requested_model?: string;
  status: "success" | "error" | "cancelled" | string;
  stream: boolean;
  latency: number;
  time_to_first_token?: number;
  token_usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } };
  cost?: number;
  number_of_retries: number;
  fallback_index: number;
  selected_key_name?: string;
  virtual_key_id?: string;
  virtual_key_name?: string;
  cache_hit?: string;
  answered_by?: string;
  error_details?: { is_bifrost_error?: boolean; status_code?: number; error?: { type?: string; code?: string | null; message?: string; param?: string | null } };
  input_history?: ChatMessage[];
  output_message?: ChatMessage;
  params?: Record<string, unknown>;
  attempt_trail?: Attempt[];
  content_hidden: boolean;
  created_at?: string;
}

export interface LogStats {
  total_requests: number;
  success_rate: number;
  average_latency: number;
  total_tokens: number;
  prompt_tokens?: number;
  completion_tokens?: number;
  total_cost: number;
}

export interface LogsPage {
  logs: LogEntry[];
  pagination: { limit: number; offset: number; sort_by: string; order: string; total_count: number };
  stats: LogStats;
  has_logs: boolean;
}

export interface FilterData {
  models: string[];
  providers: string[];
  selected_keys: Array<{ id: string; name: string }>;
  virtual_keys: Array<{ id: string; name: string }>;
}
