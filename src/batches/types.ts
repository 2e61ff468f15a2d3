/**
 * Files and batches (issue 17): the shared vocabulary. The gateway is the system of record for every
 * file and batch a client makes through it (its own unguessable ids, its owner, its provider), whatever
 * API the client spoke (OpenAI, Anthropic, GenAI) and whichever provider runs the batch:
 *
 *   client SDK ─► surface (routes-openai / routes-anthropic / routes-genai: their shapes ⇄ these records)
 *              ─► BatchService (service.ts): files into the FileStore, batches into the BatchStore,
 *                 input validated as OpenAI-format JSONL lines, then ONE of
 *                   • a native BatchBackend (backends/openai|anthropic|gemini.ts) for a provider with a batch API
 *                   • the gateway's own runner (runner.ts): lines through the normal request path
 *                 and, when the batch ends, its results written as OpenAI-format output/error files.
 *
 * Internally a batch's input is always OpenAI batch JSONL (custom_id, method, url, body) and its output
 * always OpenAI batch output lines; the Anthropic and GenAI surfaces convert at their edge.
 */
import type { ProviderAdapter, ProviderTarget } from "../providers/types";

// ── OpenAI's wire objects (what /v1/files and /v1/batches answer) ──

export interface OpenAIFileObject {
  id: string;
  object: "file";
  bytes: number;
  /** Unix seconds. */
  created_at: number;
  filename: string;
  purpose: string;
  status: "uploaded" | "processed" | "error";
  /** Unix seconds; null when kept until deleted. */
  expires_at: number | null;
  status_details?: string | null;
}

export type BatchStatus = "validating" | "failed" | "in_progress" | "finalizing" | "completed" | "expired" | "cancelling" | "cancelled";
export const ENDED: ReadonlySet<BatchStatus> = new Set(["failed", "completed", "expired", "cancelled"]);

export interface BatchRequestCounts {
  total: number;
  completed: number;
  failed: number;
}

export interface BatchError {
  code: string;
  message: string;
  param?: string | null;
  line?: number | null;
}

export interface OpenAIBatchObject {
  id: string;
  object: "batch";
  endpoint: string;
  errors: { object: "list"; data: BatchError[] } | null;
  input_file_id: string;
  completion_window: string;
  status: BatchStatus;
  output_file_id: string | null;
  error_file_id: string | null;
  created_at: number;
  in_progress_at: number | null;
  expires_at: number | null;
  finalizing_at: number | null;
  completed_at: number | null;
  failed_at: number | null;
  expired_at: number | null;
  cancelling_at: number | null;
  cancelled_at: number | null;
  request_counts: BatchRequestCounts;
  metadata: Record<string, string> | null;
  /** Ours (Go Bifrost answers with the provider too): which provider runs it, and how. */
  provider?: string;
  /**
   * Ours: what the batch's finished lines cost in USD (a native batch's at the provider's batch discount), once
   * known (when it ended); absent while unknown.
   */
  cost?: number;
}

/** One line of an OpenAI batch input file. */
export interface BatchInputLine {
  custom_id: string;
  method: "POST";
  /** "/v1/chat/completions", "/v1/embeddings", "/v1/completions", "/v1/responses". */
  url: string;
  body: Record<string, unknown>;
}

/** One line of an OpenAI batch output (or error) file. */
export interface BatchOutputLine {
  id: string;
  custom_id: string;
  response: { status_code: number; request_id: string; body: unknown } | null;
  error: { code: string; message: string } | null;
}

// ── the gateway's records ──

/** Who may see a file or batch: "vk:<virtual key id>" when governance identified the caller, else null (admin/anonymous). */
export type Owner = string | null;

export interface FileMeta {
  /** "file-" + 128 random bits, base32: unguessable. */
  id: string;
  owner: Owner;
  /** The provider the client named when uploading (default "openai"). */
  provider: string;
  filename: string;
  purpose: string;
  bytes: number;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms; null: kept until deleted. */
  expiresAt: number | null;
  /** Made by the gateway (a batch's output or error file), not uploaded. */
  generated: boolean;
}

export interface FileQuery {
  /** undefined: everyone's (admin); null: only files with no owner; a string: that owner's. */
  owner?: Owner;
  purpose?: string;
  provider?: string;
  /** Cursor: the id of the last file of the previous page. */
  after?: string;
  limit: number;
  order: "asc" | "desc";
}

/**
 * Where files live: SQLite by default (appDir/batches.db), PostgreSQL when configured. Content is kept
 * in chunks: written as it arrives, read back chunk by chunk; a file is never whole in memory.
 */
export interface FileStore {
  /**
   * Streams `body` in. Past `maxBytes` it stops reading, removes what it wrote and throws a 413
   * BifrostError (code "file_too_large"). `meta.bytes` is ignored: the stored size is what arrived.
   */
  put(meta: Omit<FileMeta, "bytes">, body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<FileMeta>;
  get(id: string): Promise<FileMeta | null>;
  list(q: FileQuery): Promise<FileMeta[]>;
  /** The content in stored order. */
  read(id: string): AsyncIterable<Uint8Array>;
  delete(id: string): Promise<boolean>;
  /** Changes what a stored file is (fields an upload sent after its content); null when there is no such file. */
  update(id: string, patch: Partial<Pick<FileMeta, "purpose" | "provider" | "filename" | "expiresAt">>): Promise<FileMeta | null>;
  /**
   * Deletes files whose expiresAt has passed (and uploads left unfinished by a crash), except those in `keep`
   * (the inputs of batches that have not ended); returns how many.
   */
  deleteExpired(now: number, keep?: ReadonlySet<string>): Promise<number>;
  close(): Promise<void>;
}

export interface BatchRecord {
  /** "batch_" + 128 random bits, base32. */
  id: string;
  owner: Owner;
  provider: string;
  endpoint: string;
  inputFileId: string;
  completionWindow: string;
  metadata: Record<string, string> | null;
  status: BatchStatus;
  /** native: the provider's batch API runs it; gateway: runner.ts runs each line through the request path. */
  mode: "native" | "gateway";
  /** The provider's own batch id (native). */
  upstreamId: string | null;
  /** A backend's private notes (its uploaded file id, its result URL …), JSON. */
  upstreamState: Record<string, unknown> | null;
  counts: BatchRequestCounts;
  outputFileId: string | null;
  errorFileId: string | null;
  errors: BatchError[] | null;
  /** Sum of the lines' costs in USD once known (batch discount applied); null while unknown. */
  cost: number | null;
  /** Epoch ms timestamps (null until reached). */
  createdAt: number;
  inProgressAt: number | null;
  finalizingAt: number | null;
  completedAt: number | null;
  failedAt: number | null;
  expiredAt: number | null;
  cancellingAt: number | null;
  cancelledAt: number | null;
  expiresAt: number | null;
  /** Native: the provider key (by name) that submitted it; its refreshes and results use the same one. */
  keyName?: string | null;
}

export interface BatchStore {
  create(r: BatchRecord): Promise<void>;
  get(id: string): Promise<BatchRecord | null>;
  list(q: { owner?: Owner; after?: string; limit: number }): Promise<BatchRecord[]>;
  update(id: string, patch: Partial<BatchRecord>): Promise<BatchRecord>;
  /** Batches not ended (validating, in_progress, finalizing, cancelling): resumed after a restart. */
  unfinished(): Promise<BatchRecord[]>;
  /**
   * A line's outcome (its output line as JSON text); recording the same index twice keeps the first. True when
   * this call recorded it (a native batch's line is reported to the observers once, by the call that recorded it).
   */
  recordLine(batchId: string, index: number, ok: boolean, output: string, cost: number | null): Promise<boolean>;
  /** Indexes of the lines already done (a resumed batch skips them). */
  doneLines(batchId: string): Promise<Set<number>>;
  /** Recorded outputs in line order: successes (ok true), failures (ok false), or both (undefined). */
  lineOutputs(batchId: string, ok?: boolean): AsyncIterable<string>;
  /** How many recorded lines succeeded and failed, and the sum of their known costs (null: none known). */
  lineCounts(batchId: string): Promise<{ completed: number; failed: number; cost: number | null }>;
  /**
   * Takes (or renews) the right to run a batch until `until` (epoch ms) for `holder`: true when it was free,
   * expired, or already this holder's. Replicas sharing a store never run the same batch twice at once.
   */
  claim(batchId: string, holder: string, until: number, now: number): Promise<boolean>;
  release(batchId: string, holder: string): Promise<void>;
  /** Deletes ended batches created before `before` (epoch ms), with their recorded lines; returns how many. */
  deleteEndedBefore(before: number): Promise<number>;
  close(): Promise<void>;
}

// ── native backends ──

export interface BackendContext {
  /** Base URL, a key chosen as for a request (weights, allow-lists, circuits) and extra headers for `provider`. */
  target(provider: string, model?: string): ProviderTarget;
  adapter(provider: string): ProviderAdapter;
  /** fetch toward the provider (the gateway's; tests may hand their own). */
  fetch(url: string, init?: RequestInit): Promise<Response>;
  files: FileStore;
  signal?: AbortSignal;
}

export interface Submitted {
  upstreamId: string;
  upstreamState?: Record<string, unknown> | null;
}

/** What the provider says of a batch now, in OpenAI's terms. */
export interface Refreshed {
  status: BatchStatus;
  counts: BatchRequestCounts;
  errors?: BatchError[] | null;
  expiresAt?: number | null;
  upstreamState?: Record<string, unknown> | null;
}

/**
 * A provider's own batch API behind the OpenAI batch model. Errors are BifrostErrors with the
 * provider's status and message (never a key).
 */
export interface BatchBackend {
  /** Provider base types it serves natively (ProviderAdapter.kind): "openai", "anthropic", "gemini". */
  readonly kinds: readonly string[];
  /** Sends the (validated) input lines upstream as the provider's batch. */
  submit(ctx: BackendContext, batch: BatchRecord, input: AsyncIterable<BatchInputLine>): Promise<Submitted>;
  refresh(ctx: BackendContext, batch: BatchRecord): Promise<Refreshed>;
  cancel(ctx: BackendContext, batch: BatchRecord): Promise<Refreshed>;
  /** Once the provider ended the batch: every line's result as an OpenAI output line (response or error). */
  results(ctx: BackendContext, batch: BatchRecord): AsyncIterable<BatchOutputLine>;
}

// ── what the surfaces call (implemented by service.ts) ──

/** A caller outside a request's path: its headers (credentials); the service asks the plugins' `identify` for its owner. */
export interface BatchCaller {
  headers: Headers;
}

export interface UploadInput {
  filename: string;
  purpose: string;
  provider: string;
  body: AsyncIterable<Uint8Array>;
  /** OpenAI's expires_after {anchor: "created_at", seconds}; default: the configured retention. */
  expiresAfterSeconds?: number | null;
  /**
   * Fields that came after the file's content (a multipart form whose file part is not last): called once
   * `body` is consumed; what it gives replaces the values above.
   */
  late?: () => Promise<Partial<Pick<UploadInput, "purpose" | "provider" | "expiresAfterSeconds">>>;
}

export interface CreateBatchInput {
  provider: string;
  endpoint: string;
  completionWindow?: string;
  metadata?: Record<string, string> | null;
}

/**
 * Files and batches for the surfaces. Every call is scoped: a caller sees only what its owner made
 * (404, not 403, for anyone else's id). Errors are BifrostErrors in the gateway's shape.
 */
export interface BatchApi {
  /**
   * Called by a surface before it reads a request's body: refuses a caller without a valid key (where one
   * is required) or a gateway without files and batches, so nothing is parsed for them. Optional for doubles.
   */
  admit?(caller: BatchCaller): Promise<void>;
  /** The caller's owner (what scopes its files and batches); a surface keeping state across requests checks it. Optional for doubles. */
  owner?(caller: BatchCaller): Promise<Owner>;
  uploadFile(caller: BatchCaller, input: UploadInput): Promise<FileMeta>;
  getFile(caller: BatchCaller, id: string): Promise<FileMeta>;
  listFiles(caller: BatchCaller, q: Omit<FileQuery, "owner">): Promise<FileMeta[]>;
  fileContent(caller: BatchCaller, id: string): Promise<{ meta: FileMeta; body: AsyncIterable<Uint8Array> }>;
  deleteFile(caller: BatchCaller, id: string): Promise<void>;
  /** From an uploaded OpenAI-format JSONL file. */
  createBatch(caller: BatchCaller, input: CreateBatchInput & { inputFileId: string }): Promise<BatchRecord>;
  /** From lines the surface converted (Anthropic's inline requests, GenAI's): stored as the batch's input file first. */
  createBatchFromLines(caller: BatchCaller, input: CreateBatchInput & { lines: AsyncIterable<BatchInputLine> | BatchInputLine[] }): Promise<BatchRecord>;
  /** The batch as of now (a native batch is refreshed from its provider when due). */
  getBatch(caller: BatchCaller, id: string): Promise<BatchRecord>;
  listBatches(caller: BatchCaller, q: { after?: string; limit: number }): Promise<BatchRecord[]>;
  cancelBatch(caller: BatchCaller, id: string): Promise<BatchRecord>;
  /** Once ended: every line's result in input order (successes and failures), OpenAI output lines. */
  results(caller: BatchCaller, id: string): AsyncIterable<BatchOutputLine>;
}
