/**
 * The management API as the dashboard calls it: same origin, the session cookie (HttpOnly, set by
 * POST /api/session/login) carries the credentials. Errors arrive in the gateway's JSON shape and are
 * thrown as ApiError with its message; a 401 also tells the shell to show the login form.
 */

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null = null,
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

type UnauthorizedListener = () => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();

/** Called whenever an API call answers 401 (the session expired or was revoked). */
export function onUnauthorized(fn: UnauthorizedListener): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

/** The gateway's error message from an answer's body, or a plain description of the status. */
export async function errorOf(res: Response): Promise<ApiError> {
  let message = `${res.status} ${res.statusText || "error"}`;
  let code: string | null = null;
  let param: string | null = null;
  try {
    const body = await res.json();
    const e = body?.error ?? body;
    if (typeof e?.message === "string") message = e.message;
    else if (typeof body?.message === "string") message = body.message;
    if (typeof e?.code === "string") code = e.code;
    if (typeof e?.param === "string") param = e.param;
  } catch {
    /* not JSON: keep the status line */
  }
  return new ApiError(message, res.status, code, param);
}

export interface CallOptions {
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /** Do not announce a 401 (the login form's own calls). */
  quiet401?: boolean;
}

/** One JSON call; resolves to the parsed body (null for an empty one). */
export async function call<T = unknown>(method: string, path: string, body?: unknown, opts: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json", ...opts.headers };
  if (body !== undefined) headers["content-type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin", signal: opts.signal });
  } catch (e) {
    if ((e as Error).name === "AbortError") throw e;
    throw new ApiError("the gateway could not be reached", 0);
  }
  if (!res.ok) {
    if (res.status === 401 && !opts.quiet401) unauthorizedListeners.forEach((fn) => fn());
    throw await errorOf(res);
  }
  const text = await res.text();
  return (text ? JSON.parse(text) : null) as T;
}

export const api = {
  get: <T = unknown>(path: string, opts?: CallOptions) => call<T>("GET", path, undefined, opts),
  post: <T = unknown>(path: string, body?: unknown, opts?: CallOptions) => call<T>("POST", path, body ?? {}, opts),
  put: <T = unknown>(path: string, body?: unknown, opts?: CallOptions) => call<T>("PUT", path, body ?? {}, opts),
  del: <T = unknown>(path: string, body?: unknown, opts?: CallOptions) => call<T>("DELETE", path, body, opts),
};

/** A query string from the defined, non-empty values (arrays joined by commas, as Go's API takes them). */
export function query(params: Record<string, string | number | boolean | string[] | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === "") continue;
    if (Array.isArray(v)) {
      if (v.length) q.set(k, v.join(","));
    } else q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

export const enc = encodeURIComponent;

// ── session (Go Bifrost's /api/session/*) ──

export interface AuthState {
  is_auth_enabled: boolean;
  has_valid_token: boolean;
  auth_type?: string;
  inference_auth_enforced?: boolean;
}

export const session = {
  state: () => api.get<AuthState>("/api/session/is-auth-enabled", { quiet401: true }),
  login: (username: string, password: string) => api.post<{ message: string; token: string }>("/api/session/login", { username, password }, { quiet401: true }),
  logout: () => api.post("/api/session/logout", {}, { quiet401: true }),
};
