/**
 * Preallocated call envelopes (CallHeader), reused across requests: the hot path fills one in
 * instead of allocating. Sized by client.initial_pool_size, as in the Go Bifrost; grows on demand.
 */
import type { CallHeader, CallMessage } from "./protocol";

function blank(): CallHeader {
  return { id: 0, op: "chat", type: "", provider: "", model: "", modelRequested: "", baseUrl: "", apiKey: "", keyConfig: "", extraHeaders: "", timeoutMs: 0, idleTimeoutMs: 0 };
}

export class EnvelopePool {
  private readonly free: CallHeader[] = [];
  private created = 0;

  constructor(initial: number, private readonly max = initial * 4) {
    for (let i = 0; i < initial; i++) this.free.push(blank());
    this.created = initial;
  }

  acquire(): CallHeader {
    const h = this.free.pop();
    if (h) return h;
    this.created++;
    return blank();
  }

  /** Give it back once the call is over; the transport has copied (worker) or finished with (in-process) it. */
  release(h: CallHeader): void {
    (h as Partial<CallMessage>).body = undefined;
    h.apiKey = "";
    if (this.free.length < this.max) this.free.push(h);
  }

  stats() {
    return { free: this.free.length, created: this.created };
  }
}
