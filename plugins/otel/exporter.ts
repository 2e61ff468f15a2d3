/** The OTLP/HTTP (JSON) exporter, with failed exports logged now and then (never its headers). */
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace";
import type { Logger } from "bifrost/plugin";

/** How often a collector that keeps failing is logged. */
const LOG_EVERY_MS = 60_000;

export class LoggedExporter implements SpanExporter {
  private readonly inner: OTLPTraceExporter;
  private lastLogged = 0;
  private failedSince = 0;

  constructor(
    private readonly url: string,
    headers: Record<string, string>,
    private readonly logger: Logger,
    timeoutMillis: number,
  ) {
    this.inner = new OTLPTraceExporter({ url, headers, timeoutMillis });
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) this.failedSince = 0;
      else this.failed(spans.length, result.error);
      done(result);
    });
  }

  private failed(count: number, error: Error | undefined): void {
    this.failedSince += count;
    const now = Date.now();
    if (now - this.lastLogged < LOG_EVERY_MS) return;
    this.lastLogged = now;
    this.logger.warn("traces not exported to the collector", { collector: this.url, spans_dropped: this.failedSince, error: error?.message ?? "unknown" });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }
}
