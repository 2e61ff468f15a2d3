/** Runs calls on the server's own thread: no message hop, for low load and for library use. */
import { execute } from "./executor";
import type { CallHeader, CallSink } from "./protocol";
import type { Transport } from "./transport";

export class InProcessTransport implements Transport {
  readonly kind = "in-process" as const;
  private readonly running = new Map<number, AbortController>();

  dispatch(h: CallHeader, body: ArrayBuffer, sink: CallSink): void {
    // The caller may return its pooled envelope while the call runs (a cancelled stream): keep our own copy,
    // as postMessage does for the worker transport.
    const own = { ...h };
    const ctrl = new AbortController();
    this.running.set(own.id, ctrl);
    execute(own, body, ctrl.signal, sink).finally(() => this.running.delete(own.id));
  }

  abort(id: number): void {
    this.running.get(id)?.abort();
  }

  async close(): Promise<void> {
    for (const c of this.running.values()) c.abort();
    this.running.clear();
  }
}
