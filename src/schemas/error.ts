/** The one error type of the gateway. Its JSON is Bifrost's shape, a superset of OpenAI's. */

export type ErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "upstream_error"
  | "timeout_error"
  | "server_error";

export interface ErrorExtraFields {
  provider?: string;
  model_requested?: string;
  [k: string]: unknown;
}

export interface BifrostErrorJSON {
  is_bifrost_error: boolean;
  status_code: number;
  error: { type: string; code: string | null; message: string; param: string | null };
  extra_fields: ErrorExtraFields;
}

export interface BifrostErrorInit {
  status: number;
  message: string;
  type?: string;
  code?: string | null;
  param?: string | null;
  /** false when the error came from the upstream provider rather than the gateway itself. */
  isBifrostError?: boolean;
  extra?: ErrorExtraFields;
  /** Headers the client gets with this error (a limit's Retry-After and x-ratelimit-*). */
  headers?: Record<string, string>;
}

export class BifrostError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string | null;
  readonly param: string | null;
  readonly isBifrostError: boolean;
  extra: ErrorExtraFields;
  /** From the upstream's Retry-After header; internal (never sent to the client). */
  retryAfterMs?: number;
  /** Headers the client gets with this error, on every route and dialect (e.g. Retry-After, x-ratelimit-*). */
  headers?: Record<string, string>;

  constructor(init: BifrostErrorInit) {
    super(init.message);
    this.name = "BifrostError";
    this.status = init.status;
    this.type = init.type ?? defaultType(init.status);
    this.code = init.code ?? null;
    this.param = init.param ?? null;
    this.isBifrostError = init.isBifrostError ?? true;
    this.extra = init.extra ?? {};
    if (init.headers) this.headers = init.headers;
  }

  toJSON(): BifrostErrorJSON {
    return {
      is_bifrost_error: this.isBifrostError,
      status_code: this.status,
      error: { type: this.type, code: this.code, message: this.message, param: this.param },
      extra_fields: this.extra,
    };
  }

  /** Between a worker and the server thread: the client JSON plus internal fields. */
  toWire(): string {
    const j: BifrostErrorJSON & { retry_after_ms?: number } = this.toJSON();
    if (this.retryAfterMs !== undefined) j.retry_after_ms = this.retryAfterMs;
    return JSON.stringify(j);
  }

  static badRequest(message: string, param: string | null = null, code: string | null = null) {
    return new BifrostError({ status: 400, message, param, code, type: "invalid_request_error" });
  }

  static fromJSON(json: BifrostErrorJSON & { retry_after_ms?: number }): BifrostError {
    const e = new BifrostError({
      status: json.status_code,
      message: json.error.message,
      type: json.error.type,
      code: json.error.code,
      param: json.error.param,
      isBifrostError: json.is_bifrost_error,
      extra: json.extra_fields,
    });
    if (json.retry_after_ms !== undefined) e.retryAfterMs = json.retry_after_ms;
    return e;
  }

  /** Anything thrown becomes a BifrostError; unknown throwables never leak their stack. */
  static from(err: unknown): BifrostError {
    if (err instanceof BifrostError) return err;
    if (err instanceof Error && (err.name === "AbortError" || err.name === "TimeoutError")) {
      return err.name === "TimeoutError"
        ? new BifrostError({ status: 504, type: "timeout_error", message: "upstream request timed out" })
        : new BifrostError({ status: 499, type: "invalid_request_error", code: "client_closed_request", message: "request aborted" });
    }
    return new BifrostError({ status: 500, type: "server_error", message: "internal gateway error" });
  }
}

export function defaultType(status: number): ErrorType {
  if (status === 400 || status === 422) return "invalid_request_error";
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 413) return "request_too_large";
  if (status === 429) return "rate_limit_error";
  if (status === 504) return "timeout_error";
  if (status === 502 || status === 503) return "upstream_error";
  return status >= 500 ? "server_error" : "invalid_request_error";
}
