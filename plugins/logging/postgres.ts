/** The PostgreSQL log store (Bun.SQL), for replicas sharing one log table. */
import { finishRow } from "./entry";
import { SQL } from "bun";
import { readFilterData } from "./filterdata";
import type { FilterData } from "./store";
import { migratePostgres } from "./migrate";
import * as q from "./sql";
import { selectSeries, type HistogramSeries } from "./histograms";
import { COLUMNS, type HistogramBucket, type LogDraft, type LogFilters, type LogRow, type LogStats, type LogStore, type Page } from "./store";

export interface PostgresConfig {
  url?: string;
  host: string;
  port: number | string;
  user: string;
  password: string;
  db_name: string;
  ssl_mode: string;
  max_open_conns: number;
}

/** "env.X" (Go's way to keep a secret out of config.json) → the variable's value. */
function secret(value: string, field: string, env: Record<string, string | undefined>): string {
  if (!value.startsWith("env.")) return value;
  const v = env[value.slice(4)];
  if (!v) throw new Error(`logs store ${field}: environment variable ${value.slice(4)} is not set`);
  return v;
}

/** Go's logs_store postgres fields as a connection URL (the password is percent-encoded, never logged). */
export function postgresUrl(c: PostgresConfig, env: Record<string, string | undefined> = process.env): string {
  if (c.url) return secret(c.url, "url", env);
  const password = secret(c.password, "password", env);
  const auth = password ? `${encodeURIComponent(c.user)}:${encodeURIComponent(password)}` : encodeURIComponent(c.user);
  return `postgres://${auth}@${c.host}:${c.port}/${encodeURIComponent(c.db_name)}?sslmode=${encodeURIComponent(c.ssl_mode)}`;
}

export class PostgresLogStore implements LogStore {
  private readonly sql: SQL;

  constructor(config: PostgresConfig) {
    this.sql = new SQL(postgresUrl(config), { max: config.max_open_conns, connectionTimeout: 5 });
  }

  async init(): Promise<void> {
    for (const ddl of q.DDL) await this.sql.unsafe(ddl);
    await migratePostgres(this.sql);
  }

  async insertBatch(rows: LogDraft[]): Promise<void> {
    const ins = q.insertRows("postgres", rows.map(finishRow));
    await this.sql.begin((tx) => tx.unsafe(ins.sql, ins.params as never[]));
  }

  private all(query: q.Query): Promise<Record<string, unknown>[]> {
    return this.sql.unsafe(query.sql, query.params as never[]) as Promise<Record<string, unknown>[]>;
  }

  async query(filters: LogFilters, page: Page): Promise<{ rows: LogRow[]; total: number }> {
    const [rows, count] = await Promise.all([this.all(q.selectPage("postgres", filters, page)), this.all(q.selectCount("postgres", filters))]);
    return { rows: rows.map(q.fromDb), total: Number(count[0]?.n ?? 0) };
  }

  async get(id: string): Promise<LogRow | null> {
    const rows = await this.all({ sql: `SELECT ${COLUMNS.join(", ")} FROM logs WHERE id = $1`, params: [id] });
    return rows[0] ? q.fromDb(rows[0]) : null;
  }

  filterData(limit: number): Promise<FilterData> {
    return readFilterData("postgres", limit, (query) => this.all(query));
  }

  async stats(filters: LogFilters): Promise<LogStats> {
    return q.statsFrom((await this.all(q.selectStats("postgres", filters)))[0]);
  }

  async histogram(filters: LogFilters, bucketSeconds: number): Promise<HistogramBucket[]> {
    return (await this.all(q.selectHistogram("postgres", filters, bucketSeconds))).map(q.bucketFrom);
  }

  series(series: HistogramSeries, filters: LogFilters, bucketSeconds: number): Promise<Record<string, unknown>[]> {
    return this.all(selectSeries("postgres", series, filters, bucketSeconds));
  }

  async deleteIds(ids: string[]): Promise<number> {
    const d = q.deleteIds("postgres", ids);
    return (await this.sql.unsafe(d.sql, d.params as never[])).count ?? 0;
  }

  async deleteOlderThan(ms: number): Promise<number> {
    const d = q.deleteOlderThan("postgres", ms);
    return (await this.sql.unsafe(d.sql, d.params as never[])).count ?? 0;
  }

  async close(): Promise<void> {
    await this.sql.close({ timeout: 1 });
  }
}
