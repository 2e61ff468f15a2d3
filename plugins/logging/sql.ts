/**
 * The SQL both stores run: the same text for SQLite and PostgreSQL except for the placeholders
 * (`?1` and `$1`, both numbered). Times are epoch ms in BIGINT columns, so bucketing is integer
 * division in either dialect.
 */
import { COLUMNS, type LogFilters, type LogRow, type Page } from "./store";

export type Dialect = "sqlite" | "postgres";
export interface Query {
  sql: string;
  params: unknown[];
}

export const DDL = [
  `CREATE TABLE IF NOT EXISTS logs (
    id TEXT PRIMARY KEY,
    timestamp_ms BIGINT NOT NULL,
    object_type TEXT NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    requested_model TEXT NOT NULL,
    status TEXT NOT NULL,
    stream INTEGER NOT NULL DEFAULT 0,
    latency DOUBLE PRECISION NOT NULL,
    time_to_first_token DOUBLE PRECISION,
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    total_tokens INTEGER NOT NULL DEFAULT 0,
    cached_read_tokens INTEGER NOT NULL DEFAULT 0,
    token_usage TEXT,
    cost DOUBLE PRECISION,
    number_of_retries INTEGER NOT NULL DEFAULT 0,
    fallback_index INTEGER NOT NULL DEFAULT 0,
    selected_key_name TEXT NOT NULL DEFAULT '',
    cache_hit TEXT,
    answered_by TEXT,
    error_details TEXT,
    input_history TEXT,
    output_message TEXT,
    params TEXT,
    attempt_trail TEXT,
    content_hidden INTEGER NOT NULL DEFAULT 0,
    search_text TEXT NOT NULL DEFAULT '',
    created_at_ms BIGINT NOT NULL
  )`,
  "CREATE INDEX IF NOT EXISTS idx_logs_timestamp ON logs (timestamp_ms)",
  "CREATE INDEX IF NOT EXISTS idx_logs_provider ON logs (provider)",
  "CREATE INDEX IF NOT EXISTS idx_logs_model ON logs (model)",
  "CREATE INDEX IF NOT EXISTS idx_logs_status ON logs (status)",
  // No index on latency or cost: every row pays for an index on insert, and those filters come with a time range.
];

/** Numeric columns: PostgreSQL hands BIGINT and aggregates back as strings. */
const NUMERIC: ReadonlySet<string> = new Set([
  "timestamp_ms", "stream", "latency", "time_to_first_token", "prompt_tokens", "completion_tokens", "total_tokens",
  "cached_read_tokens", "cost", "number_of_retries", "fallback_index", "content_hidden", "created_at_ms",
]);

export function fromDb(raw: Record<string, unknown>): LogRow {
  const row: Record<string, unknown> = {};
  for (const c of COLUMNS) {
    const v = raw[c];
    row[c] = NUMERIC.has(c) && v !== null && v !== undefined ? Number(v) : (v ?? null);
  }
  return row as unknown as LogRow;
}

/** A statement and its parameters; `ph()` numbers the next placeholder in the dialect's style. */
export class Statement {
  readonly params: unknown[] = [];
  constructor(private readonly dialect: Dialect) {}

  ph(value: unknown): string {
    this.params.push(value);
    return this.dialect === "sqlite" ? `?${this.params.length}` : `$${this.params.length}`;
  }
}

/** `%text%` for LIKE, with LIKE's own wildcards and the escape character taken literally. */
export function likeContains(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The WHERE clause for Go's search filters ("" when none apply). */
export function whereClause(f: LogFilters, s: Statement): string {
  const and: string[] = [];
  const oneOf = (col: string, values: string[] | undefined) => {
    if (values?.length) and.push(`${col} IN (${values.map((v) => s.ph(v)).join(", ")})`);
  };
  oneOf("provider", f.providers);
  oneOf("model", f.models);
  oneOf("status", f.status);
  oneOf("object_type", f.objects);
  oneOf("selected_key_name", f.selectedKeys);
  oneOf("virtual_key_id", f.virtualKeys);
  oneOf("batch_id", f.batchIds);
  if (f.startTime !== undefined) and.push(`timestamp_ms >= ${s.ph(f.startTime)}`);
  if (f.endTime !== undefined) and.push(`timestamp_ms <= ${s.ph(f.endTime)}`);
  if (f.minLatency !== undefined) and.push(`latency >= ${s.ph(f.minLatency)}`);
  if (f.maxLatency !== undefined) and.push(`latency <= ${s.ph(f.maxLatency)}`);
  if (f.minTokens !== undefined) and.push(`total_tokens >= ${s.ph(f.minTokens)}`);
  if (f.maxTokens !== undefined) and.push(`total_tokens <= ${s.ph(f.maxTokens)}`);
  if (f.minCost !== undefined) and.push(`cost >= ${s.ph(f.minCost)}`);
  if (f.maxCost !== undefined) and.push(`cost <= ${s.ph(f.maxCost)}`);
  if (f.missingCostOnly) and.push("cost IS NULL AND status = 'success'");
  if (f.contentSearch) and.push(`search_text LIKE ${s.ph(likeContains(f.contentSearch))} ESCAPE '\\'`);
  return and.length ? ` WHERE ${and.join(" AND ")}` : "";
}

const SORT_COLUMN = { timestamp: "timestamp_ms", latency: "latency", tokens: "total_tokens", cost: "cost" } as const;

export function selectPage(dialect: Dialect, f: LogFilters, page: Page): Query {
  const s = new Statement(dialect);
  const where = whereClause(f, s);
  const dir = page.order === "asc" ? "ASC" : "DESC";
  // NULL costs sort last either way, the same in both dialects.
  const nulls = page.sortBy === "cost" ? `${SORT_COLUMN.cost} IS NULL, ` : "";
  const sql = `SELECT ${COLUMNS.join(", ")} FROM logs${where} ORDER BY ${nulls}${SORT_COLUMN[page.sortBy]} ${dir}, id ${dir} LIMIT ${s.ph(page.limit)} OFFSET ${s.ph(page.offset)}`;
  return { sql, params: s.params };
}

export function selectCount(dialect: Dialect, f: LogFilters): Query {
  const s = new Statement(dialect);
  return { sql: `SELECT COUNT(*) AS n FROM logs${whereClause(f, s)}`, params: s.params };
}

export function selectStats(dialect: Dialect, f: LogFilters): Query {
  const s = new Statement(dialect);
  const sql = `SELECT COUNT(*) AS total, SUM(CASE WHEN status = 'success' THEN 1 ELSE 0 END) AS success, AVG(latency) AS avg_latency,
    SUM(total_tokens) AS total_tokens, SUM(prompt_tokens) AS prompt_tokens, SUM(completion_tokens) AS completion_tokens, SUM(cost) AS total_cost
    FROM logs${whereClause(f, s)}`;
  return { sql, params: s.params };
}

export function selectHistogram(dialect: Dialect, f: LogFilters, bucketSeconds: number): Query {
  const s = new Statement(dialect);
  const width = Math.trunc(bucketSeconds) * 1000;
  const sql = `SELECT (timestamp_ms / ${width}) * ${width} AS bucket, COUNT(*) AS count,
    SUM(CASE WHEN status = 'success' THEN 1 ELSE 0 END) AS success, SUM(CASE WHEN status = 'error' THEN 1 ELSE 0 END) AS error,
    SUM(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END) AS cancelled
    FROM logs${whereClause(f, s)} GROUP BY bucket ORDER BY bucket`;
  return { sql, params: s.params };
}

export function insertRows(dialect: Dialect, rows: LogRow[]): Query {
  const s = new Statement(dialect);
  const values = rows.map((r) => `(${COLUMNS.map((c) => s.ph(r[c])).join(", ")})`).join(", ");
  return { sql: `INSERT INTO logs (${COLUMNS.join(", ")}) VALUES ${values} ON CONFLICT (id) DO NOTHING`, params: s.params };
}

export function deleteIds(dialect: Dialect, ids: string[]): Query {
  const s = new Statement(dialect);
  return { sql: `DELETE FROM logs WHERE id IN (${ids.map((id) => s.ph(id)).join(", ")})`, params: s.params };
}

export function deleteOlderThan(dialect: Dialect, ms: number): Query {
  const s = new Statement(dialect);
  return { sql: `DELETE FROM logs WHERE timestamp_ms < ${s.ph(ms)}`, params: s.params };
}

export function statsFrom(r: Record<string, unknown> | undefined) {
  const total = Number(r?.total ?? 0);
  const success = Number(r?.success ?? 0);
  return {
    total_requests: total,
    success_rate: total ? (success / total) * 100 : 0,
    average_latency: Number(r?.avg_latency ?? 0),
    total_tokens: Number(r?.total_tokens ?? 0),
    prompt_tokens: Number(r?.prompt_tokens ?? 0),
    completion_tokens: Number(r?.completion_tokens ?? 0),
    total_cost: Number(r?.total_cost ?? 0),
  };
}

export function bucketFrom(r: Record<string, unknown>) {
  return { timestamp: Number(r.bucket), count: Number(r.count), success: Number(r.success ?? 0), error: Number(r.error ?? 0), cancelled: Number(r.cancelled ?? 0) };
}
