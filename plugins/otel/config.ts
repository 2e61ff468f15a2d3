/** The otel plugin's config: Go Bifrost's field names (a single profile), checked and resolved once at setup. */
import { t, type Static } from "bifrost/plugin";

export const configSchema = t.Object({
  /** resource service.name. */
  service_name: t.String({ minLength: 1, default: "bifrost" }),
  /** The OTLP/HTTP traces endpoint (http://host:4318/v1/traces); a bare base URL gets /v1/traces. "env.VAR" reads it from the environment. */
  collector_url: t.String({ minLength: 1 }),
  /** Only "genai_extension" (the OpenTelemetry GenAI semantic conventions) is implemented. */
  trace_type: t.String({ default: "genai_extension" }),
  /** Only "http" (OTLP/HTTP, JSON) is implemented. */
  protocol: t.String({ default: "http" }),
  /** Sent to the collector with every export (e.g. Authorization); a value "env.VAR" is read from the environment. Never logged. */
  headers: t.Record(t.String(), t.String(), { default: {} }),
  /** Go Bifrost's TLS switches: http:// or https:// in collector_url decides here. */
  insecure: t.Optional(t.Boolean()),
  tls_ca_cert: t.Optional(t.String()),
  /** Extra resource attributes (added to OTEL_RESOURCE_ATTRIBUTES from the environment). */
  resource_attributes: t.Record(t.String(), t.String(), { default: {} }),
  /** Record prompts and completions (gen_ai.input.messages / gen_ai.output.messages). Off unless asked for. */
  capture_content: t.Boolean({ default: false }),
  /** Go Bifrost's switch: true keeps content out even when capture_content is on. */
  disable_content_logging: t.Optional(t.Boolean()),
});

export type OtelConfig = Static<typeof configSchema>;

/** What the plugin runs with: the endpoint, headers resolved, resource attributes merged. */
export interface ResolvedConfig {
  url: string;
  headers: Record<string, string>;
  resource: Record<string, string>;
  captureContent: boolean;
}

const fail = (message: string): never => {
  throw new Error(`otel: ${message}`);
};

/** "env.VAR" → the variable's value; an unset variable is a config error (as in Go Bifrost). */
function fromEnv(value: string, what: string, env: Record<string, string | undefined>): string {
  if (!value.startsWith("env.")) return value;
  const name = value.slice(4);
  const v = env[name];
  if (v === undefined || v === "") fail(`${what} refers to the environment variable ${name}, which is not set`);
  return v!;
}

export function resolveConfig(cfg: OtelConfig, env: Record<string, string | undefined> = process.env): ResolvedConfig {
  if (cfg.protocol === "grpc") fail('protocol "grpc" is not supported: use protocol "http" with the collector\'s OTLP/HTTP endpoint (port 4318, /v1/traces)');
  if (cfg.protocol !== "http") fail(`protocol must be "http", not ${JSON.stringify(cfg.protocol)}`);
  if (cfg.trace_type !== "genai_extension")
    fail(`trace_type ${JSON.stringify(cfg.trace_type)} is not supported: only "genai_extension" (OpenTelemetry GenAI semantic conventions) is`);
  if (cfg.tls_ca_cert) fail("tls_ca_cert is not supported: add the CA with NODE_EXTRA_CA_CERTS instead");
  const raw = fromEnv(cfg.collector_url, "collector_url", env);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail("collector_url is not a URL (expected e.g. http://localhost:4318/v1/traces)");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") fail(`collector_url must be http:// or https://, not ${url.protocol}//`);
  if (url.username || url.password) fail("collector_url must not carry credentials: put them in headers");
  if (url.pathname === "/" || url.pathname === "") url.pathname = "/v1/traces";
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(cfg.headers)) headers[k] = fromEnv(v, `headers.${k}`, env);
  const resource = { ...parseResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES ?? ""), ...cfg.resource_attributes, "service.name": cfg.service_name };
  return { url: url.href, headers, resource, captureContent: cfg.capture_content && cfg.disable_content_logging !== true };
}

/** OTEL_RESOURCE_ATTRIBUTES: "k=v,k2=v2" (values percent-decoded); malformed pairs are skipped. */
export function parseResourceAttributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(",")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    const key = pair.slice(0, eq).trim();
    let value = pair.slice(eq + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {}
    if (key) out[key] = value;
  }
  return out;
}
