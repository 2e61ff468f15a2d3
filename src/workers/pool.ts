/**
 * A fixed pool of Bun Workers, started on first use, each carrying many concurrent calls.
 * A call goes to the worker with the fewest in flight. A worker that dies is replaced and only
 * its own in-flight calls fail, with a 502.
 */
import { BifrostError } from "../schemas/error";
import { ReplyKind, type CallHeader, type CallMessage, type CallSink, type Reply } from "./protocol";
import type { Transport } from "./transport";

interface Slot {
  worker: Worker;
  inflight: Map<number, CallSink>;
}

const WORKER_URL = new URL("./worker.ts", import.meta.url).href;

const CRASHED = new BifrostError({ status: 502, type: "upstream_error", code: "worker_crashed", message: "the provider worker handling this request crashed" }).toWire();
const CLOSED = new BifrostError({ status: 503, type: "server_error", code: "shutting_down", message: "the gateway is shutting down" }).toWire();

export class WorkerPoolTransport implements Transport {
  readonly kind = "workers" as const;
  private slots: Slot[] = [];
  /** call id → slot, for aborts. */
  private readonly owner = new Map<number, Slot>();
  private closed = false;

  constructor(
    readonly size: number,
    private readonly workerUrl: string = WORKER_URL,
  ) {}

  dispatch(h: CallHeader, body: ArrayBuffer, sink: CallSink): void {
    if (this.slots.length === 0) this.start();
    const slot = this.leastLoaded();
    slot.inflight.set(h.id, sink);
    this.owner.set(h.id, slot);
    // Keep the process alive while a call is in flight (library users await nothing else).
    if (slot.inflight.size === 1) slot.worker.ref();
    const msg = h as CallMessage;
    msg.body = body;
    slot.worker.postMessage(msg, [body]);
  }

  abort(id: number): void {
    const slot = this.owner.get(id);
    if (!slot) return;
    slot.worker.postMessage({ abort: id });
  }

  /** Calls in flight per worker (for /api and tests). */
  load(): number[] {
    return this.slots.map((s) => s.inflight.size);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.slots) {
      this.failAll(s, CLOSED);
      s.worker.terminate();
    }
    this.slots = [];
  }

  private start() {
    for (let i = 0; i < this.size; i++) this.slots.push(this.spawn());
  }

  private leastLoaded(): Slot {
    let best = this.slots[0]!;
    for (let i = 1; i < this.slots.length; i++) if (this.slots[i]!.inflight.size < best.inflight.size) best = this.slots[i]!;
    return best;
  }

  private spawn(): Slot {
    const worker = new Worker(this.workerUrl);
    const slot: Slot = { worker, inflight: new Map() };
    worker.onmessage = (e: MessageEvent<Reply>) => this.onReply(slot, e.data);
    const onDeath = () => this.replace(slot);
    worker.addEventListener("error", onDeath);
    worker.addEventListener("close", onDeath);
    // An idle pool must not keep the process alive.
    worker.unref();
    return slot;
  }

  private onReply(slot: Slot, r: Reply) {
    const sink = slot.inflight.get(r.id);
    if (!sink) return;
    switch (r.k) {
      case ReplyKind.Chunks:
        return sink.chunks(r.d);
      case ReplyKind.Start:
        return sink.start();
      case ReplyKind.Ok:
        this.done(slot, r.id);
        return sink.ok(r.d);
      case ReplyKind.Bytes:
        this.done(slot, r.id);
        return sink.bytes(r.d, r.b!);
      case ReplyKind.End:
        this.done(slot, r.id);
        return sink.end();
      case ReplyKind.Error:
        this.done(slot, r.id);
        return sink.error(r.d);
    }
  }

  private done(slot: Slot, id: number) {
    slot.inflight.delete(id);
    this.owner.delete(id);
    if (slot.inflight.size === 0) slot.worker.unref();
  }

  private failAll(slot: Slot, why = CRASHED) {
    for (const [id, sink] of slot.inflight) {
      this.owner.delete(id);
      sink.error(why);
    }
    slot.inflight.clear();
  }

  private replace(slot: Slot) {
    const i = this.slots.indexOf(slot);
    if (i === -1) return;
    this.failAll(slot);
    slot.worker.terminate();
    if (this.closed) return;
    this.slots[i] = this.spawn();
  }
}
