/**
 * otel: OpenTelemetry traces over OTLP/HTTP. One SERVER span per inference request (continuing the client's
 * W3C `traceparent`, which the provider calls carry on), one CLIENT span per provider attempt (retries,
 * fallbacks) and one INTERNAL span per plugin hook, with GenAI semantic-convention attributes. Spans are
 * built when the request ends and exported in batches in the background. See README.md.
 */
import { BatchSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { definePlugin, type RequestSummary } from "bifrost/plugin";
import { configSchema, resolveConfig } from "./config";
import { LoggedExporter } from "./exporter";
import { recordRequest } from "./spans";
import { newRequestIds, PresetIds, upstreamHeaders, type RequestIds } from "./trace-context";

/** Where preRequest leaves the request's span ids (rctx.values). */
export const IDS_KEY = "otel.ids";
/** How long cleanup waits for the last export before giving up on it (a collector that is down is retried with backoff). */
const SHUTDOWN_MS = 3_000;
const EXPORT_TIMEOUT_MS = 10_000;

export default definePlugin({
  name: "otel",
  description: "OpenTelemetry traces over OTLP/HTTP with GenAI semantic-convention attributes",
  config: configSchema,

  setup(ctx) {
    const cfg = resolveConfig(ctx.config);
    const ids = new PresetIds();
    const exporter = new LoggedExporter(cfg.url, cfg.headers, ctx.logger, EXPORT_TIMEOUT_MS);
    // Our own provider, never registered globally: other code's tracing is left alone.
    const provider = new TracerProvider({
      resource: resourceFromAttributes(cfg.resource),
      idGenerator: ids,
      spanProcessors: [new BatchSpanProcessor({ exporter, exportTimeoutMillis: EXPORT_TIMEOUT_MS })],
    });
    const tracer = provider.getTracer("bifrost-otel");
    ctx.logger.info("tracing to the OTLP/HTTP collector", { collector: cfg.url, service_name: ctx.config.service_name });

    return {
      // The hook budget must cover cleanup's bounded flush; the other hooks return at once.
      timeoutMs: SHUTDOWN_MS + 1_000,

      preRequest(_req, rctx) {
        // Pre-hooks run once per candidate (primary, then each fallback): the request gets one span.
        if (rctx.values.has(IDS_KEY)) return;
        const reqIds = newRequestIds(rctx.headers);
        rctx.values.set(IDS_KEY, reqIds);
        for (const [name, value] of Object.entries(upstreamHeaders(reqIds))) rctx.setUpstreamHeader(name, value);
      },

      onRequestEnd(summary: RequestSummary) {
        // No pre-hook ran (answered before it, or placed after a short-circuit): the span is made from the summary alone.
        const reqIds = (summary.values.get(IDS_KEY) as RequestIds | undefined) ?? newRequestIds(summary.headers);
        recordRequest(tracer, ids, reqIds, summary, cfg.captureContent);
      },

      async cleanup() {
        let timer: Timer | undefined;
        const late = new Promise<void>((resolve) => (timer = setTimeout(() => {
          ctx.logger.warn("the last traces were not exported before shutdown", { collector: cfg.url });
          resolve();
        }, SHUTDOWN_MS)));
        const flushed = provider
          .forceFlush()
          .then(() => provider.shutdown())
          .catch((e) => ctx.logger.warn("tracing did not shut down cleanly", { error: (e as Error).message }));
        await Promise.race([flushed, late]);
        clearTimeout(timer);
      },
    };
  },
});
