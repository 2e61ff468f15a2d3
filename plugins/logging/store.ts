/**
 * The store contract: one row per request in the `logs` table, searched with Go Bifrost's filters.
 * sqlite.ts and postgres.ts implement it over the SQL that sql.ts builds for both dialects.
 */
import type { HistogramSeries } from "./histograms";

/** One row of `logs`, as stored. JSON columns hold serialised text (null when absent or not logged). */
export interface LogRow {
  id: string;
  /** Epoch ms. */
  timestamp_ms: number;
  object_type: string;
  provider: string;
  model: string;
  requested_model: string;
  status: string;
  stream: number;
  latency: number;
  time_to_first_token: number | null;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cached_read_tokens: number;
  token_usage: string | null;
  cost: number | null;
  number_of_retries: number;
  fallback_index: number;
  selected_key_name: string;
  /** The governance virtual key the request came with (Go's virtual_key_id/name); null without one. */
  virtual_key_id: string | null;
  virtual_key_name: string | null;
  /** Ours: the batch the request was a line of (run by the gateway or, reported when its results came, by the provider); null otherwise. */
  batch_id: string | null;
  cache_hit: string | null;
  answered_by: string | null;
  error_details: string | null;
  input_history: string | null;
  output_message: string | null;
  params: string | null;
  attempt_trail: string | null;
  content_hidden: number;
  /** Lower-cased input and output text, searched by content_search. */
  search_text: string;
  created_at_ms: number;
}

/** The JSON columns: a draft holds their values, a row their text. */
export const JSON_COLUMNS = ["token_usage", "error_details", "input_history", "output_message", "params", "attempt_trail"] as const;
type JsonColumn = (typeof JSON_COLUMNS)[number];

/**
 * A row as the request's thread makes it: the JSON columns still values, no search text. The store
 * finishes it (entry.ts finishRow) where it writes, so the request's thread serialises it only once.
 */
export type LogDraft = Omit<LogRow, JsonColumn | "search_text"> & { [K in JsonColumn]: unknown };

export const COLUMNS = [
  "id", "timestamp_ms", "object_type", "provider", "model", "requested_model", "status", "stream", "latency", "time_to_first_token",
  "prompt_tokens", "completion_tokens", "total_tokens", "cached_read_tokens", "token_usage", "cost", "number_of_retries", "fallback_index",
  "selected_key_name", "cache_hit", "answered_by", "error_details", "input_history", "output_message", "params", "attempt_trail",
  "content_hidden", "search_text", "created_at_ms",
  // Added later: migrate.ts adds them to a table made before.
  "virtual_key_id", "virtual_key_name", "batch_id",
] as const satisfies readonly (keyof LogRow)[];

/** Go Bifrost's SearchFilters (the subset this gateway records). Times are epoch ms. */
export interface LogFilters {
  providers?: string[];
  models?: string[];
  status?: string[];
  objects?: string[];
  selectedKeys?: string[];
  virtualKeys?: string[];
  /** Ours: rows of these batches' lines. */
  batchIds?: string[];
  startTime?: number;
  endTime?: number;
  minLatency?: number;
  maxLatency?: number;
  minTokens?: number;
  maxTokens?: number;
  minCost?: number;
  maxCost?: number;
  missingCostOnly?: boolean;
  contentSearch?: string;
}

export type SortBy = "timestamp" | "latency" | "tokens" | "cost";

export interface Page {
  limit: number;
  offset: number;
  sortBy: SortBy;
  order: "asc" | "desc";
}

/** Go's SearchStats (the fields this gateway can fill). */
export interface LogStats {
  total_requests: number;
  success_rate: number;
  average_latency: number;
  total_tokens: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_cost: number;
}

export interface HistogramBucket {
  /** Epoch ms of the bucket's start. */
  timestamp: number;
  count: number;
  success: number;
  error: number;
  cancelled: number;
}

export interface LogStore {
  /** Creates the table and indexes when missing. */
  init(): Promise<void>;
  /** One transaction; rows whose id exists already are skipped. */
  insertBatch(rows: LogDraft[]): Promise<void>;
  query(filters: LogFilters, page: Page): Promise<{ rows: LogRow[]; total: number }>;
  get(id: string): Promise<LogRow | null>;
  /** The values the filters can take (Go's /api/logs/filterdata), at most `limit` of each. */
  filterData(limit: number): Promise<FilterData>;
  stats(filters: LogFilters): Promise<LogStats>;
  histogram(filters: LogFilters, bucketSeconds: number): Promise<HistogramBucket[]>;
  /** The grouped rows of one of Go's /api/logs/histogram/* series (histograms.ts builds the SQL and shapes the answer). */
  series(series: HistogramSeries, filters: LogFilters, bucketSeconds: number): Promise<Record<string, unknown>[]>;
  deleteIds(ids: string[]): Promise<number>;
  /** Deletes rows older than `ms` (epoch); returns how many. */
  deleteOlderThan(ms: number): Promise<number>;
  close(): Promise<void>;
}

/** Go's /api/logs/filterdata (the dimensions this gateway records), plus the providers seen. */
export interface FilterData {
  models: string[];
  providers: string[];
  /** Provider keys by name: Go's selected_key_ids filter takes the name here (keys are known by name). */
  selected_keys: Array<{ id: string; name: string }>;
  /** Each virtual key by id, with the name it had on its latest request. */
  virtual_keys: Array<{ id: string; name: string }>;
}
