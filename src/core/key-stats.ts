/**
 * Each provider key's recent requests and errors: a ring of one-minute buckets (the last 5 minutes),
 * counted where an attempt's outcome is known on the main thread (request-path's attempts, with any
 * transport). Cheap on the hot path: a monotonic clock read (performance.now: a third of Date.now's
 * cost here, and no wall-clock jumps), a WeakMap lookup and two increments; nothing runs per minute.
 */

export interface KeyWindowTotals {
  requests: number;
  errors: number;
  /** errors / requests; null when the window holds no request. */
  error_rate: number | null;
  /** How far back the window reaches: buckets × bucket length. */
  window_seconds: number;
}

export interface KeyWindowSettings {
  buckets: number;
  bucketMs: number;
}

export const KEY_WINDOW: KeyWindowSettings = { buckets: 5, bucketMs: 60_000 };

const monotonicNow = () => performance.now();

/** One key's window: bucket i counts the minute whose index (now / bucketMs) is slot[i]. */
export class KeyWindow {
  private readonly slot: Float64Array;
  private readonly requests: Uint32Array;
  private readonly errors: Uint32Array;

  constructor(
    private readonly settings: KeyWindowSettings = KEY_WINDOW,
    private readonly now: () => number = monotonicNow,
  ) {
    this.slot = new Float64Array(settings.buckets).fill(-Infinity);
    this.requests = new Uint32Array(settings.buckets);
    this.errors = new Uint32Array(settings.buckets);
  }

  record(error: boolean): void {
    const minute = Math.floor(this.now() / this.settings.bucketMs);
    const i = minute % this.settings.buckets;
    // A bucket last used for an older minute starts over.
    if (this.slot[i] !== minute) {
      this.slot[i] = minute;
      this.requests[i] = 0;
      this.errors[i] = 0;
    }
    this.requests[i]!++;
    if (error) this.errors[i]!++;
  }

  totals(): KeyWindowTotals {
    const minute = Math.floor(this.now() / this.settings.bucketMs);
    let requests = 0;
    let errors = 0;
    for (let i = 0; i < this.settings.buckets; i++) {
      // Only buckets of the current minute and the (buckets − 1) before it count.
      if (this.slot[i]! > minute - this.settings.buckets) {
        requests += this.requests[i]!;
        errors += this.errors[i]!;
      }
    }
    return { requests, errors, error_rate: requests ? errors / requests : null, window_seconds: (this.settings.buckets * this.settings.bucketMs) / 1000 };
  }
}

/**
 * A window per key, keyed by the resolved key object like the circuits: a key that a change left as
 * it was keeps its counts; a changed or removed key's window goes with its object.
 */
export class KeyStats {
  private readonly byKey = new WeakMap<object, KeyWindow>();

  constructor(
    private readonly settings: KeyWindowSettings = KEY_WINDOW,
    private readonly now: () => number = monotonicNow,
  ) {}

  record(k: object, error: boolean): void {
    let w = this.byKey.get(k);
    if (!w) this.byKey.set(k, (w = new KeyWindow(this.settings, this.now)));
    w.record(error);
  }

  /** The key's totals; zeros for a key with no attempt yet. */
  totals(k: object): KeyWindowTotals {
    return (this.byKey.get(k) ?? new KeyWindow(this.settings, this.now)).totals();
  }
}
