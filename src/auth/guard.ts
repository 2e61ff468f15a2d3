/**
 * The guard in front of /api/* and (when enforced) the inference routes. Reusable for /metrics and
 * the dashboard: `admit(request, address)` answers who is calling or the refusal to send.
 * Credentials: `Authorization: Basic`, `Authorization: Bearer <session token>`, or the `token` cookie
 * (on inference also `api-key: <session token>`, as the Azure OpenAI SDK sends it).
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { createLogger } from "../log";
import { BifrostError } from "../schemas/error";
import type { ResolvedAuth } from "./config";
import { FailureLimiter, MemorySessionStore, type SessionStore } from "./sessions";

/** Where a client SDK puts its API key: a plugin may check such a credential itself (a virtual key). */
const CREDENTIAL_HEADERS = ["x-bf-vk", "x-api-key", "api-key", "x-goog-api-key"] as const;

/** The API-key-like credentials a request presents (Authorization: Bearer, then the SDKs' key headers). */
export function presentedCredentials(request: Request): string[] {
  const out: string[] = [];
  const auth = request.headers.get("authorization");
  if (auth && auth.slice(0, 7).toLowerCase() === "bearer ") out.push(auth.slice(7).trim());
  for (const h of CREDENTIAL_HEADERS) {
    const v = request.headers.get(h);
    if (v) out.push(v.trim());
  }
  return out;
}

export type Admission = { who: string } | { refused: BifrostError; retryAfter?: number };

/** Session routes answer for themselves (login must be reachable without credentials). */
const SESSION_PATHS = new Set(["/api/session/login", "/api/session/logout", "/api/session/is-auth-enabled"]);
const OPEN_PATHS = new Set(["/health"]);
const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);
/** A verified Basic header is remembered this long, so a client using Basic does not pay argon2 on every call. */
const BASIC_CACHE_MS = 5 * 60_000;
const BASIC_CACHE_MAX = 1000;

const audit = createLogger("audit");

const unauthorized = (message = "Unauthorized: send Authorization: Basic or Bearer <session token>, or the token cookie") =>
  new BifrostError({ status: 401, type: "authentication_error", code: "unauthorized", message });

export interface GuardOptions {
  /** The clock (tests move it instead of sleeping). */
  now?: () => number;
  /** Where sessions live (shared by processes when a database is); default: this process's memory. */
  sessions?: SessionStore;
}

export class AuthGuard {
  readonly sessions: SessionStore;
  readonly failures: FailureLimiter;
  private readonly now: () => number;
  private readonly basicKey = randomBytes(32);
  private readonly basicVerified = new Map<string, number>();
  private readonly usernameDigest: Buffer;

  constructor(
    readonly auth: ResolvedAuth,
    opts: GuardOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.sessions = opts.sessions ?? new MemorySessionStore();
    this.failures = new FailureLimiter(this.now);
    this.usernameDigest = this.keyed(auth.username);
  }

  get sessionTtlSeconds(): number {
    return Math.floor(this.auth.sessionTtlMs / 1000);
  }

  get enabled(): boolean {
    return this.auth.enabled;
  }

  /** True when inference routes must check credentials; read once by the route helper. */
  get inferenceNeedsAuth(): boolean {
    return this.auth.enabled && this.auth.inferenceNeedsAuth;
  }

  /** An /api/* request: who it is, or why not. Session routes and, with auth off, loopback callers pass. */
  async admitAdmin(request: Request, path: string, address: string): Promise<Admission> {
    const cross = crossOrigin(request);
    if (cross) return { refused: cross };
    if (!this.auth.enabled) {
      if (this.auth.allowUnauthenticatedAdmin) return { who: "anonymous" };
      // DNS rebinding: a page on evil.example resolving to 127.0.0.1 arrives with Host: evil.example.
      if (!isLoopbackHostHeader(hostOf(request))) {
        return { refused: new BifrostError({ status: 403, type: "permission_error", code: "host_not_allowed", message: "the admin API without auth_config answers only to a loopback Host (localhost, 127.0.0.1, [::1])" }) };
      }
      return { who: "anonymous-loopback" };
    }
    if (SESSION_PATHS.has(path) || this.whitelisted(path)) return { who: "anonymous" };
    return this.credentials(request, address);
  }

  /** An inference request (only called when inferenceNeedsAuth): null when it may go on. */
  async admitInference(request: Request, address: string): Promise<Admission | null> {
    const path = pathOf(request.url);
    if (OPEN_PATHS.has(path) || this.whitelisted(path)) return null;
    const a = await this.credentials(request, address, true);
    return "who" in a ? null : a;
  }

  /** POST /api/session/login: a session token, or the refusal. */
  async login(username: string, password: string, address: string): Promise<{ token: string; expiresAt: number } | Admission> {
    const locked = this.lockedOut(address);
    if (locked) return locked;
    if (!(await this.passwordMatches(username, password))) {
      audit.warn("admin login failed", { address });
      return this.failed(address, unauthorized("Invalid username or password"));
    }
    this.failures.succeed(address);
    audit.info("admin login", { who: this.auth.username, address });
    const now = this.now();
    const expiresAt = now + this.auth.sessionTtlMs;
    return { token: await this.sessions.create({ username: this.auth.username, expiresAt }, now), expiresAt };
  }

  async logout(request: Request): Promise<void> {
    const token = presentedToken(request);
    if (!token) return;
    const s = await this.sessions.find(token, this.now());
    await this.sessions.revoke(token);
    if (s) audit.info("admin logout", { who: s.username });
  }

  async hasValidSession(request: Request): Promise<boolean> {
    const token = presentedToken(request);
    return token !== "" && (await this.sessions.find(token, this.now())) !== null;
  }

  /** One line per admin change: who, method and path (never the body or the query). */
  auditChange(who: string, request: Request, path: string): void {
    if (!READ_METHODS.has(request.method) && !SESSION_PATHS.has(path)) audit.info("admin change", { who, method: request.method, path });
  }

  private whitelisted(path: string): boolean {
    for (const r of this.auth.whitelistedRoutes) {
      if (r.endsWith("*") ? path.startsWith(r.slice(0, -1)) : path === r) return true;
    }
    return false;
  }

  private async credentials(request: Request, address: string, inference = false): Promise<Admission> {
    // The Azure OpenAI SDK sends its apiKey as api-key, not Authorization: on inference it is a session token like Bearer's.
    const apiKey = inference ? request.headers.get("api-key") : null;
    const authorization = request.headers.get("authorization") ?? (apiKey ? `Bearer ${apiKey}` : null);
    if (authorization) {
      const space = authorization.indexOf(" ");
      const scheme = authorization.slice(0, space).toLowerCase();
      const value = authorization.slice(space + 1).trim();
      if (scheme === "basic") return this.basic(value, address);
      if (scheme === "bearer") {
        const s = await this.sessions.find(value, this.now());
        return s ? { who: s.username } : { refused: unauthorized("Unauthorized: unknown or expired session token") };
      }
      return { refused: unauthorized() };
    }
    const cookie = cookieToken(request.headers.get("cookie"));
    const s = cookie ? await this.sessions.find(cookie, this.now()) : null;
    return s ? { who: s.username } : { refused: unauthorized() };
  }

  private async basic(encoded: string, address: string): Promise<Admission> {
    const locked = this.lockedOut(address);
    if (locked) return locked;
    const cacheKey = createHmac("sha256", this.basicKey).update(encoded).digest("base64");
    const until = this.basicVerified.get(cacheKey);
    if (until !== undefined && until > this.now()) return { who: this.auth.username };
    const decoded = Buffer.from(encoded, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0 || !(await this.passwordMatches(decoded.slice(0, colon), decoded.slice(colon + 1)))) return this.failed(address, unauthorized("Invalid username or password"));
    if (this.basicVerified.size >= BASIC_CACHE_MAX) this.basicVerified.clear();
    this.basicVerified.set(cacheKey, this.now() + BASIC_CACHE_MS);
    this.failures.succeed(address);
    return { who: this.auth.username };
  }

  /** Both checks always run, so the time taken does not tell a wrong username from a wrong password. */
  private async passwordMatches(username: string, password: string): Promise<boolean> {
    const userOk = timingSafeEqual(this.keyed(username), this.usernameDigest);
    let passOk = false;
    try {
      passOk = this.auth.passwordHash !== "" && (await Bun.password.verify(password, this.auth.passwordHash));
    } catch {
      passOk = false;
    }
    return userOk && passOk;
  }

  private keyed(s: string): Buffer {
    return createHmac("sha256", this.basicKey).update(s).digest();
  }

  private lockedOut(address: string): Admission | null {
    const retryAfter = this.failures.retryAfter(address);
    if (!retryAfter) return null;
    return { refused: new BifrostError({ status: 429, type: "rate_limit_error", code: "too_many_failed_logins", message: `too many failed attempts from this address; retry in ${retryAfter} s` }), retryAfter };
  }

  private failed(address: string, err: BifrostError): Admission {
    this.failures.fail(address);
    return { refused: err };
  }
}

/** The refusal as an answer: the gateway's error JSON, with Retry-After on a back-off. */
export function refusalHeaders(a: Admission, headers: Record<string, string>): Record<string, string> {
  return "retryAfter" in a && a.retryAfter ? { ...headers, "retry-after": String(a.retryAfter) } : headers;
}

export function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const q = url.indexOf("?", start);
  return q < 0 ? url.slice(start) : url.slice(start, q);
}

/** A Host header naming this machine's loopback (any port). */
export function isLoopbackHostHeader(host: string | null): boolean {
  if (!host) return false;
  const name = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.replace(/:\d+$/, "");
  return LOOPBACK_NAMES.has(name.toLowerCase());
}

/** A bind address that only this machine can reach. */
export function isLoopbackAddress(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Browsers send Origin (and Sec-Fetch-Site) on cross-site requests; the admin API takes none. */
function crossOrigin(request: Request): BifrostError | null {
  const origin = request.headers.get("origin");
  const site = request.headers.get("sec-fetch-site");
  let foreign = site === "cross-site";
  if (origin && !foreign) {
    try {
      foreign = new URL(origin).host !== hostOf(request);
    } catch {
      foreign = true;
    }
  }
  return foreign ? new BifrostError({ status: 403, type: "permission_error", code: "cross_origin_refused", message: "the admin API does not accept cross-origin requests" }) : null;
}

/** The Host header; a request built in-process (app.handle) may have none, and then its URL's host stands in. */
function hostOf(request: Request): string | null {
  const h = request.headers.get("host");
  if (h) return h;
  try {
    return new URL(request.url).host;
  } catch {
    return null;
  }
}

function presentedToken(request: Request): string {
  const a = request.headers.get("authorization");
  if (a && a.slice(0, 7).toLowerCase() === "bearer ") return a.slice(7).trim();
  return cookieToken(request.headers.get("cookie"));
}

function cookieToken(cookie: string | null): string {
  if (!cookie) return "";
  for (const part of cookie.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === "token") return part.slice(eq + 1).trim();
  }
  return "";
}
