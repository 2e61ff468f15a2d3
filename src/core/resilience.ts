/**
 * Retries, key rotation, circuit breakers and fallbacks around single provider attempts.
 * Per candidate (the primary, then each fallback in order): up to max_retries more attempts;
 * 5xx and network errors retry the same key after a backoff, 429 rotates to another key, 401/403
 * drop the key for this request, 400/404/422 stop. When every candidate fails, the primary's error
 * is returned.
 */
import type { ResolvedKey, ResolvedProvider } from "../config/resolved";
import { BifrostError } from "../schemas/error";
import type { Op } from "../schemas/ops";
import { CircuitBreaker } from "./circuit-breaker";
import { keyServesModel, selectKey } from "./keys";
import { backoffMs, countsAsFailure, verdictFor } from "./retry-policy";

export interface Candidate {
  op: Op;
  provider: ResolvedProvider;
  /** Upstream model id. */
  model: string;
  /** As the client named it ("anthropic/claude-…"). */
  requested: string;
  /** Set when no configured provider serves it: only a plugin's short-circuit can answer (e.g. mocker's mock/*). */
  unrouted?: BifrostError;
}

export interface AttemptOptions {
  signal?: AbortSignal;
  keyName?: string | null;
}

/** One attempt with one key; `retries` is how many attempts came before it. */
export type Attempt<T> = (c: Candidate, key: ResolvedKey, retries: number) => Promise<T>;

/**
 * Wraps each candidate's turn (the plugin pipeline does: pre-hooks, the provider's attempts, post-hooks).
 * `tryProvider` runs the attempts, on another candidate if a pre-hook re-routed the request.
 */
export type AroundCandidate<T> = (c: Candidate, index: number, tryProvider: (c?: Candidate) => Promise<T>) => Promise<T>;

/** Errors after which no fallback is tried (a plugin said so). */
export const NO_FALLBACK = new WeakSet<BifrostError>();

export const BREAKER_DEFAULTS = { failureThreshold: 5, cooldownMs: 30_000 };

export class Resilience {
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(private readonly stopping: () => boolean) {}

  breaker(p: ResolvedProvider, k: ResolvedKey): CircuitBreaker {
    const id = `${p.name}\u0000${k.name}`;
    let b = this.breakers.get(id);
    if (!b) this.breakers.set(id, (b = new CircuitBreaker(p.circuitBreaker ?? BREAKER_DEFAULTS)));
    return b;
  }

  async run<T>(candidates: Candidate[], opts: AttemptOptions, attempt: Attempt<T>, around?: AroundCandidate<T>): Promise<T> {
    let primaryError: BifrostError | null = null;
    let retries = 0;
    for (let i = 0; i < candidates.length; i++) {
      const tryProvider = (c: Candidate = candidates[i]!) => this.onProvider(c, opts, attempt, retries, (n) => (retries = n));
      try {
        return await (around ? around(candidates[i]!, i, tryProvider) : tryProvider());
      } catch (err) {
        const e = BifrostError.from(err);
        primaryError ??= e;
        if (e.status === 499 || NO_FALLBACK.has(e) || opts.signal?.aborted || this.stopping()) throw i === 0 ? e : primaryError;
      }
    }
    throw primaryError!;
  }

  private async onProvider<T>(c: Candidate, opts: AttemptOptions, attempt: Attempt<T>, retries: number, setRetries: (n: number) => void): Promise<T> {
    if (c.unrouted) throw c.unrouted;
    const p = c.provider;
    const dropped = new Set<ResolvedKey>();
    const usable = (k: ResolvedKey) => !dropped.has(k) && this.breaker(p, k).allows();
    let key: ResolvedKey | null = null;
    for (let n = 0; ; n++) {
      // A retry stays on its key; a new key is chosen only at the start or after a drop/rotation (or an opened circuit).
      if (!key || !usable(key)) key = selectKey(p, c.model, opts.keyName, Math.random, usable);
      const breaker = this.breaker(p, key);
      breaker.begin();
      try {
        const out = await attempt(c, key, retries);
        breaker.success();
        return out;
      } catch (err) {
        const e = BifrostError.from(err);
        if (countsAsFailure(e)) breaker.failure();
        else breaker.success(); // a 4xx says the key's upstream is alive; don't leave a half-open probe hanging
        const verdict = verdictFor(e);
        if (verdict === "stop" || n >= p.maxRetries || opts.signal?.aborted || this.stopping()) throw e;
        const others = !opts.keyName && p.keys.some((k) => k !== key && keyServesModel(k, c.model) && usable(k));
        if (verdict === "drop_key") {
          if (!others) throw e;
          dropped.add(key);
        } else if (verdict === "rotate_key" && others) {
          dropped.add(key);
        } else {
          await sleep(backoffMs(n, p.retryBackoffInitialMs, p.retryBackoffMaxMs, e.retryAfterMs), opts.signal);
        }
        setRetries(++retries);
      }
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(aborted());
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(aborted());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function aborted() {
  return new BifrostError({ status: 499, code: "client_closed_request", message: "request aborted" });
}
