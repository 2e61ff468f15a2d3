/**
 * A circuit per provider+key+model: a run of failures opens it (the key is skipped by selection for
 * that model only), a cool-down half-opens it (one probe request may pass), the probe's success closes it.
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

/** Past this many models on one key, healthy circuits are forgotten (model names come from clients). */
const MODELS_PER_KEY = 512;

/**
 * One circuit per provider+key+model, made when a request is sent: a per-key Map from model to
 * circuit (keyed by the resolved key object, then the model string: no string built per lookup).
 */
export class CircuitBreakers {
  private readonly byKey = new WeakMap<object, Map<string, CircuitBreaker>>();

  /** May this key serve this model now? A model with no circuit yet may. */
  allows(k: object, model: string): boolean {
    return this.byKey.get(k)?.get(model)?.allows() ?? true;
  }

  of(p: { circuitBreaker: BreakerSettings | null }, k: object, model: string): CircuitBreaker {
    let models = this.byKey.get(k);
    if (!models) this.byKey.set(k, (models = new Map()));
    let b = models.get(model);
    if (!b) {
      if (models.size >= MODELS_PER_KEY) forgetHealthy(models);
      models.set(model, (b = new CircuitBreaker(p.circuitBreaker ?? BREAKER_DEFAULTS)));
    }
    return b;
  }

  /** Each model's circuit on this key, in first-use order. */
  models(k: object): Array<[string, CircuitBreaker]> {
    return [...(this.byKey.get(k) ?? [])];
  }
}

function forgetHealthy(models: Map<string, CircuitBreaker>): void {
  for (const [model, b] of models) {
    const s = b.snapshot();
    if (s.state === "closed" && s.consecutive_failures === 0) models.delete(model);
  }
}
