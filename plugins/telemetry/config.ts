/** The telemetry plugin's config schema (Go Bifrost's field names where it has them) and its checks. */
import { t, type Static } from "bifrost/plugin";
import { RESERVED_LABELS } from "./metrics";

export const configSchema = t.Object({
  /** Extra labels on every metric, filled per request from `x-bf-dim-<label>` (or legacy `x-bf-prom-<label>`) headers. */
  custom_labels: t.Array(t.String({ minLength: 1, maxLength: 100 }), { default: [], maxItems: 20 }),
  /** Distinct values kept per label; past it a new value is reported as "__overflow__" (bounds memory). */
  max_label_values: t.Integer({ minimum: 1, maximum: 100_000, default: 500 }),
  /** false: GET /metrics gets nothing from this plugin (metrics are still counted). Go Bifrost's field. */
  metrics_enabled: t.Boolean({ default: true }),
});
export type TelemetryConfig = Static<typeof configSchema>;

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Why a custom label cannot be used, or null. Go Bifrost treats "-" and "_" as the same when it checks for clashes. */
export function customLabelProblem(label: string): string | null {
  if (!LABEL_NAME.test(label)) return `custom label ${JSON.stringify(label)} is not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)`;
  if (label.startsWith("__")) return `custom label ${JSON.stringify(label)}: names starting with "__" are reserved by Prometheus`;
  if (RESERVED_LABELS.has(label.toLowerCase())) return `custom label ${JSON.stringify(label)} is already one of the plugin's own labels`;
  return null;
}

/** The checks the schema cannot express; throws the first problem (setup fails, the gateway says why). */
export function checkConfig(cfg: TelemetryConfig): void {
  const seen = new Set<string>();
  for (const label of cfg.custom_labels) {
    const problem = customLabelProblem(label);
    if (problem) throw new Error(problem);
    if (seen.has(label.toLowerCase())) throw new Error(`custom label ${JSON.stringify(label)} is listed twice`);
    seen.add(label.toLowerCase());
  }
}
