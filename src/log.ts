/** The logger: levelled lines on stderr, with every configured secret masked before it is written. */

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

const secrets = new Set<string>();
/** Short secrets (a 3-character key): masked where they stand alone, so ordinary words that contain them survive. */
const shortSecrets = new Map<string, RegExp>();
const SHORT = 6;

/** Values that must never reach a log line (provider keys, extra headers, OAuth tokens, virtual keys), whatever their length. */
export function registerSecret(value: string) {
  if (!value) return;
  if (value.length >= SHORT) secrets.add(value);
  else if (!shortSecrets.has(value)) shortSecrets.set(value, standalone(value));
}

/** The value where no letter, digit or key-ish punctuation touches it on either side. */
function standalone(value: string): RegExp {
  const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(?<![A-Za-z0-9_\\-.])${escaped}(?![A-Za-z0-9_\\-])`, "g");
}

export function redact(text: string): string {
  for (const s of secrets) if (text.includes(s)) text = text.split(s).join("[REDACTED]");
  for (const [s, re] of shortSecrets) if (text.includes(s)) text = text.replace(re, "[REDACTED]");
  return text;
}

/** Every one of `values` masked wherever it appears, however short: for text a hostile upstream wrote about the request it was sent. */
export function redactValues(text: string, values: Iterable<string>): string {
  // Longest first, so a value that contains another ("Bearer abc" and "abc") is masked whole.
  for (const v of [...values].filter(Boolean).sort((a, b) => b.length - a.length)) if (text.includes(v)) text = text.split(v).join("[REDACTED]");
  return text;
}

let level: LogLevel = (process.env.BIFROST_LOG_LEVEL as LogLevel) in RANK ? (process.env.BIFROST_LOG_LEVEL as LogLevel) : "info";
let sink: (line: string) => void = (line) => process.stderr.write(line + "\n");

export function setLogLevel(l: LogLevel) {
  level = l;
}
export function isLogLevel(l: string): l is LogLevel {
  return l in RANK;
}
/** Tests capture lines here. */
export function setLogSink(fn: (line: string) => void) {
  sink = fn;
}

function write(lvl: LogLevel, scope: string, msg: string, fields?: Record<string, unknown>) {
  if (RANK[lvl] < RANK[level]) return;
  let line = `${new Date().toISOString()} ${lvl.toUpperCase().padEnd(5)} ${scope ? `[${scope}] ` : ""}${msg}`;
  if (fields) for (const [k, v] of Object.entries(fields)) line += ` ${k}=${typeof v === "string" ? v : JSON.stringify(v)}`;
  sink(redact(line));
}

export function createLogger(scope = ""): Logger {
  return {
    debug: (m, f) => write("debug", scope, m, f),
    info: (m, f) => write("info", scope, m, f),
    warn: (m, f) => write("warn", scope, m, f),
    error: (m, f) => write("error", scope, m, f),
    child: (s) => createLogger(scope ? `${scope}.${s}` : s),
  };
}

export const log = createLogger();
