/**
 * A circuit per provider+key: a run of failures opens it (the key is skipped by selection), a
 * cool-down half-opens it (one probe request may pass), the probe's success closes it.
 */

export type CircuitState = "closed" | "open" | "half_open";

export interface BreakerSettings {
  failureThreshold: number;
  cooldownMs: number;
}

export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private state: CircuitState = "closed";
  private probing = false;

  constructor(
    private readonly settings: BreakerSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** May a request use this key now? In half-open, only one probe at a time. */
  allows(): boolean {
    if (this.state === "closed") return true;
    if (this.state === "open") {
      if (this.now() - this.openedAt < this.settings.cooldownMs) return false;
      this.state = "half_open";
    }
    return !this.probing;
  }

  /** Called when a request is actually sent with this key. */
  begin(): void {
    if (this.state === "half_open") this.probing = true;
  }

  success(): void {
    this.failures = 0;
    this.probing = false;
    this.state = "closed";
  }

  failure(): void {
    this.probing = false;
    this.failures++;
    if (this.state === "half_open" || this.failures >= this.settings.failureThreshold) {
      this.state = "open";
      this.openedAt = this.now();
    }
  }

  snapshot(): { state: CircuitState; consecutive_failures: number; opened_at: string | null } {
    // Reading the state may move open → half-open once the cool-down passed.
    if (this.state === "open" && this.now() - this.openedAt >= this.settings.cooldownMs) this.state = "half_open";
    return { state: this.state, consecutive_failures: this.failures, opened_at: this.state === "closed" ? null : new Date(this.openedAt).toISOString() };
  }
}

export const BREAKER_DEFAULTS: BreakerSettings = { failureThreshold: 5, cooldownMs: 30_000 };

/** One circuit per provider+key, made on first use (keyed by the resolved key object: no string built per lookup). */
export class CircuitBreakers {
  private readonly byKey = new WeakMap<object, CircuitBreaker>();

  of(p: { circuitBreaker: BreakerSettings | null }, k: object): CircuitBreaker {
    let b = this.byKey.get(k);
    if (!b) this.byKey.set(k, (b = new CircuitBreaker(p.circuitBreaker ?? BREAKER_DEFAULTS)));
    return b;
  }
}
