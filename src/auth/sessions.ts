/**
 * Login sessions: random tokens, kept only as their SHA-256, each with an expiry. In this process's
 * memory (one process, no config store), or as rows in a SQL database that every process shares (the
 * config store's, or the session file `--cluster` makes), so a login or logout on one counts on all.
 */
import { randomBytes } from "node:crypto";
import type { Db } from "../stores/config/sql-store";

export interface Session {
  username: string;
  expiresAt: number;
}

/** Where sessions live. `now` is the caller's clock (the guard's), so tests can move it. */
export interface SessionStore {
  /** Keeps the session; answers its new token. */
  create(session: Session, now: number): Promise<string>;
  /** The live session for a token, or null (unknown, revoked or expired). */
  find(token: string, now: number): Promise<Session | null>;
  revoke(token: string): Promise<void>;
  close(): Promise<void>;
}

/** A fixed-length digest: looking one up reveals nothing about how much of a guessed token matched. */
const digest = (token: string) => new Bun.CryptoHasher("sha256").update(token).digest("hex");
const newToken = () => randomBytes(32).toString("base64url");

export class MemorySessionStore implements SessionStore {
  private readonly byDigest = new Map<string, Session>();

  async create(session: Session, now: number): Promise<string> {
    for (const [k, s] of this.byDigest) if (s.expiresAt <= now) this.byDigest.delete(k);
    const token = newToken();
    this.byDigest.set(digest(token), session);
    return token;
  }

  async find(token: string, now: number): Promise<Session | null> {
    if (!token) return null;
    const key = digest(token);
    const s = this.byDigest.get(key);
    if (!s) return null;
    if (s.expiresAt <= now) {
      this.byDigest.delete(key);
      return null;
    }
    return s;
  }

  async revoke(token: string): Promise<void> {
    if (token) this.byDigest.delete(digest(token));
  }

  async close(): Promise<void> {}
}

/** How long a process trusts a session it found in the database: a logout elsewhere reaches it within this. */
export const SESSION_CACHE_MS = 2000;
const CACHE_MAX = 1000;

/** Sessions as rows (digest, username, expires_at) in a database shared by every process; expired rows are pruned at each login. */
export class SqlSessionStore implements SessionStore {
  /** Positive lookups, remembered for cacheMs of wall time (not the guard's clock, which tests freeze). */
  private readonly cache = new Map<string, { session: Session; until: number }>();

  private constructor(
    private readonly db: Db,
    private readonly cacheMs: number,
  ) {}

  static async open(db: Db, cacheMs = SESSION_CACHE_MS): Promise<SqlSessionStore> {
    await db.run("CREATE TABLE IF NOT EXISTS bifrost_sessions (digest TEXT PRIMARY KEY, username TEXT NOT NULL, expires_at BIGINT NOT NULL)");
    return new SqlSessionStore(db, cacheMs);
  }

  async create(session: Session, now: number): Promise<string> {
    await this.db.run("DELETE FROM bifrost_sessions WHERE expires_at <= $1", [now]);
    const token = newToken();
    await this.db.run("INSERT INTO bifrost_sessions (digest, username, expires_at) VALUES ($1, $2, $3)", [digest(token), session.username, session.expiresAt]);
    return token;
  }

  async find(token: string, now: number): Promise<Session | null> {
    if (!token) return null;
    const key = digest(token);
    const hit = this.cache.get(key);
    if (hit && hit.until > Date.now() && hit.session.expiresAt > now) return hit.session;
    this.cache.delete(key);
    const [row] = await this.db.all("SELECT username, expires_at FROM bifrost_sessions WHERE digest = $1", [key]);
    if (!row) return null;
    const session = { username: String(row.username), expiresAt: Number(row.expires_at) };
    if (session.expiresAt <= now) {
      await this.db.run("DELETE FROM bifrost_sessions WHERE digest = $1", [key]);
      return null;
    }
    if (this.cacheMs > 0) {
      if (this.cache.size >= CACHE_MAX) this.cache.clear();
      this.cache.set(key, { session, until: Date.now() + this.cacheMs });
    }
    return session;
  }

  async revoke(token: string): Promise<void> {
    if (!token) return;
    const key = digest(token);
    this.cache.delete(key);
    await this.db.run("DELETE FROM bifrost_sessions WHERE digest = $1", [key]);
  }

  close(): Promise<void> {
    this.cache.clear();
    return this.db.close();
  }
}

/** Failed password attempts per client address: after `max` in `windowMs`, refused for `lockoutMs`. */
export class FailureLimiter {
  private readonly entries = new Map<string, { count: number; first: number; lockedUntil: number }>();

  constructor(
    private readonly now: () => number,
    private readonly max = 5,
    private readonly windowMs = 60_000,
    private readonly lockoutMs = 60_000,
    private readonly maxTracked = 10_000,
  ) {}

  /** Seconds until this address may try again; 0 when it may now. */
  retryAfter(address: string): number {
    const e = this.entries.get(address);
    const left = e ? e.lockedUntil - this.now() : 0;
    return left > 0 ? Math.ceil(left / 1000) : 0;
  }

  fail(address: string): void {
    const now = this.now();
    let e = this.entries.get(address);
    if (!e || now - e.first > this.windowMs) {
      if (!e && this.entries.size >= this.maxTracked) this.prune(now);
      e = { count: 0, first: now, lockedUntil: 0 };
      this.entries.set(address, e);
    }
    if (++e.count >= this.max) e.lockedUntil = now + this.lockoutMs;
  }

  succeed(address: string): void {
    this.entries.delete(address);
  }

  private prune(now: number) {
    for (const [k, e] of this.entries) if (e.lockedUntil <= now && now - e.first > this.windowMs) this.entries.delete(k);
    // Still full (an address flood): forget the oldest rather than grow without bound.
    if (this.entries.size >= this.maxTracked) this.entries.delete(this.entries.keys().next().value!);
  }
}
