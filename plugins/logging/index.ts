/**
 * logging: every inference request as a row in SQLite or PostgreSQL, written in the background in
 * batches (a slow or dead store drops rows and counts them; it never delays a request), searched
 * through Go Bifrost's /api/logs, and announced on the live feed. See README.md.
 */
import { definePlugin } from "bifrost/plugin";
import { configSchema, type StoreConfig } from "./config";
import { contentLoggingOff, draftEntry, toDraft } from "./entry";
import { PostgresLogStore } from "./postgres";
import { logRoutes } from "./routes";
import { SqliteLogStore } from "./sqlite";
import type { LogStore } from "./store";
import { LogWriter } from "./writer";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** How long cleanup waits for queued rows to be written. */
const CLOSE_BUDGET_MS = 5000;

export function openStore(store: StoreConfig): LogStore {
  return store.type === "postgres" ? new PostgresLogStore(store.config) : new SqliteLogStore(store.config.path);
}

export default definePlugin({
  name: "logging",
  description: "Request logs in SQLite or PostgreSQL, with /api/logs search, stats, histogram and the live feed",
  config: configSchema,
  setupTimeoutMs: 15000,

  async setup(ctx) {
    const cfg = ctx.config;
    const store = openStore(cfg.store);
    await store.init();
    const writer = new LogWriter(store, {
      batchSize: cfg.batch_size,
      flushIntervalMs: cfg.flush_interval_ms,
      maxQueue: cfg.max_queue,
      writeTimeoutMs: cfg.write_timeout_ms,
      logger: ctx.logger,
      // Announced only once committed, so the dashboard never shows a row that was dropped.
      onWritten: (rows) => {
        for (const row of rows) ctx.broadcast(() => ({ type: "log", operation: "create", payload: draftEntry(row) }));
      },
    });

    const retain = async () => {
      if (cfg.log_retention_days <= 0) return;
      try {
        const n = await store.deleteOlderThan(Date.now() - cfg.log_retention_days * DAY_MS);
        if (n > 0) ctx.logger.info(`logging: deleted ${n} log rows older than ${cfg.log_retention_days} days`);
      } catch (e) {
        ctx.logger.warn("logging: retention delete failed", { error: (e as Error).message });
      }
    };
    void retain();
    const retention = setInterval(retain, HOUR_MS);
    retention.unref?.();

    return {
      onRequestEnd(summary) {
        let row;
        try {
          row = toDraft(summary, !cfg.disable_content_logging && !contentLoggingOff(summary));
        } catch (e) {
          writer.dropped++;
          ctx.logger.warn("logging: a request summary could not be made a log row", { error: (e as Error).message });
          return;
        }
        writer.push(row);
      },
      routes: logRoutes(ctx, store, () => writer.dropped),
      metrics: () =>
        [
          "# HELP bifrost_logs_written_total Request log rows written to the log store.",
          "# TYPE bifrost_logs_written_total counter",
          `bifrost_logs_written_total ${writer.written}`,
          "# HELP bifrost_logs_dropped_total Request log rows dropped: queue full, or the log store failed or was too slow.",
          "# TYPE bifrost_logs_dropped_total counter",
          `bifrost_logs_dropped_total ${writer.dropped}`,
          "# HELP bifrost_logs_queue_depth Request log rows waiting to be written.",
          "# TYPE bifrost_logs_queue_depth gauge",
          `bifrost_logs_queue_depth ${writer.queued}`,
          "",
        ].join("\n"),
      async cleanup() {
        clearInterval(retention);
        await writer.close(CLOSE_BUDGET_MS);
        await store.close();
      },
    };
  },
});
