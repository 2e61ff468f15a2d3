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

  /** null when a slot was free (the hot path allocates nothing); else a promise that settles when one is. */
  acquire(signal?: AbortSignal): Promise<void> | null {
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
        w.onAbort = () => {
          const i = this.waiting.indexOf(w);
          if (i !== -1) this.waiting.splice(i, 1);
          reject(new BifrostError({ status: 499, code: "client_closed_request", message: "request aborted while queued" }));
        };
        signal.addEventListener("abort", w.onAbort, { once: true });
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
    if (next.onAbort) next.signal!.removeEventListener("abort", next.onAbort);
    next.resolve(); // the slot passes straight to the next waiter
  }
}
