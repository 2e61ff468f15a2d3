/** Login sessions in memory: random tokens, kept only as their SHA-256, each with an expiry. */
import { randomBytes } from "node:crypto";

export interface Session {
  username: string;
  expiresAt: number;
}

/** A fixed-length digest: looking one up reveals nothing about how much of a guessed token matched. */
const digest = (token: string) => new Bun.CryptoHasher("sha256").update(token).digest("hex");

export class SessionStore {
  private readonly byDigest = new Map<string, Session>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  create(username: string): { token: string; expiresAt: number } {
    this.prune();
    const token = randomBytes(32).toString("base64url");
    const expiresAt = this.now() + this.ttlMs;
    this.byDigest.set(digest(token), { username, expiresAt });
    return { token, expiresAt };
  }

  /** The live session for a token, or null (unknown, revoked or expired). */
  find(token: string): Session | null {
    if (!token) return null;
    const key = digest(token);
    const s = this.byDigest.get(key);
    if (!s) return null;
    if (s.expiresAt <= this.now()) {
      this.byDigest.delete(key);
      return null;
    }
    return s;
  }

  revoke(token: string): void {
    if (token) this.byDigest.delete(digest(token));
  }

  get ttlSeconds(): number {
    return Math.floor(this.ttlMs / 1000);
  }

  private prune() {
    const now = this.now();
    for (const [k, s] of this.byDigest) if (s.expiresAt <= now) this.byDigest.delete(k);
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
