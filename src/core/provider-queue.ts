/**
 * Per-provider admission: at most `concurrency` calls in flight upstream, up to `bufferSize` waiting.
 * A full buffer answers 429 at once when dropping excess requests, otherwise the caller waits.
 */
import { BifrostError } from "../schemas/error";

interface Waiter {
  resolve: () => void;
  reject: (e: BifrostError) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
  timer?: ReturnType<typeof setTimeout>;
}

export class ProviderQueue {
  private inflight = 0;
  private readonly waiting: Waiter[] = [];

  constructor(
    readonly provider: string,
    readonly concurrency: number,
    readonly bufferSize: number,
    readonly dropExcess: boolean,
  ) {}

  get inFlight() {
    return this.inflight;
  }
  get queued() {
    return this.waiting.length;
  }

  /**
   * null when a slot was free (the hot path allocates nothing); else a promise that settles when one
   * is, or rejects with a 504 once `timeoutMs` (the request timeout, which queueing counts toward) passed.
   */
  acquire(signal?: AbortSignal, timeoutMs = Infinity): Promise<void> | null {
    if (this.inflight < this.concurrency) {
      this.inflight++;
      return null;
    }
    if (this.waiting.length >= this.bufferSize && this.dropExcess) {
      return Promise.reject(
        new BifrostError({
          status: 429,
          type: "rate_limit_error",
          code: "queue_full",
          message: `provider ${this.provider} is at capacity (${this.concurrency} in flight, ${this.bufferSize} queued); retry later`,
          extra: { provider: this.provider },
        }),
      );
    }
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { resolve, reject, signal };
      if (signal) {
        w.onAbort = () => this.leave(w, new BifrostError({ status: 499, code: "client_closed_request", message: "request aborted while queued" }));
        signal.addEventListener("abort", w.onAbort, { once: true });
      }
      if (timeoutMs !== Infinity) {
        w.timer = setTimeout(
          () =>
            this.leave(
              w,
              new BifrostError({
                status: 504,
                type: "timeout_error",
                code: "queue_timeout",
                message: `provider ${this.provider} had no free slot within the request timeout (${timeoutMs / 1000}s; ${this.concurrency} in flight)`,
                extra: { provider: this.provider },
              }),
            ),
          timeoutMs,
        );
      }
      this.waiting.push(w);
    });
  }

  release(): void {
    const next = this.waiting.shift();
    if (!next) {
      this.inflight--;
      return;
    }
    this.forget(next);
    next.resolve(); // the slot passes straight to the next waiter
  }

  /** Every waiter answered with `err` (the gateway is stopping): none is left hanging without a reply. */
  rejectAll(err: BifrostError): void {
    for (const w of this.waiting.splice(0)) this.forget(w), w.reject(err);
  }

  /** A waiter leaves the line (aborted, timed out) with `err`. */
  private leave(w: Waiter, err: BifrostError): void {
    const i = this.waiting.indexOf(w);
    if (i === -1) return;
    this.waiting.splice(i, 1);
    this.forget(w);
    w.reject(err);
  }

  private forget(w: Waiter): void {
    if (w.onAbort) w.signal!.removeEventListener("abort", w.onAbort);
    if (w.timer) clearTimeout(w.timer);
  }
}
