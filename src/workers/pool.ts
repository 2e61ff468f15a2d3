/**
 * The Bun Worker transport (`--workers N`): a fixed pool, started on first use, each worker carrying
 * many concurrent calls; a call goes to the worker with the fewest in flight. Requests cross as
 * transferred JSON bytes, answers come back as JSON text (src/workers/protocol.ts): the call path's
 * only serialisation. A worker that dies is replaced and only its own in-flight calls fail, with a 502.
 */
import type { Answer } from "../core/answer";
import type { ChunkStream, ProviderCall } from "../core/provider-call";
import type { ProviderTransport } from "../core/transport";
import { BifrostError } from "../schemas/error";
import { StreamCall, UnaryCall, type CallSink } from "./calls";
import { ReplyKind, type CallMessage, type Reply } from "./protocol";

interface Slot {
  worker: Worker;
  inflight: Map<number, CallSink>;
}

const WORKER_URL = new URL("./worker.ts", import.meta.url).href;
const CRASHED = new BifrostError({ status: 502, type: "upstream_error", code: "worker_crashed", message: "the provider worker handling this request crashed" }).toWire();
const CLOSED = new BifrostError({ status: 503, type: "server_error", code: "shutting_down", message: "the gateway is shutting down" }).toWire();

const encoder = new TextEncoder();
/** Key settings as JSON text, made once per settings object. */
const settingsJson = new WeakMap<object, string>();
function jsonOf(v: Record<string, unknown> | undefined): string {
  if (!v || Object.keys(v).length === 0) return "";
  let s = settingsJson.get(v);
  if (s === undefined) settingsJson.set(v, (s = JSON.stringify(v)));
  return s;
}

export class WorkerPoolTransport implements ProviderTransport {
  readonly kind = "workers" as const;
  private slots: Slot[] = [];
  private readonly owner = new Map<number, Slot>();
  private nextId = 1;
  private closed = false;

  constructor(
    readonly size: number,
    private readonly workerUrl: string = WORKER_URL,
  ) {}

  async call(call: ProviderCall, req: unknown, signal?: AbortSignal, raw?: ArrayBuffer): Promise<Answer> {
    const sink = new UnaryCall();
    const id = this.dispatch(message(call, req, raw), sink);
    const abort = () => this.abort(id);
    signal?.addEventListener("abort", abort, { once: true });
    try {
      return await sink.result;
    } finally {
      signal?.removeEventListener("abort", abort);
    }
  }

  async stream(call: ProviderCall, req: unknown, signal?: AbortSignal, raw?: ArrayBuffer): Promise<ChunkStream> {
    let id = 0;
    const sink = new StreamCall(() => this.abort(id));
    id = this.dispatch(message(call, req, raw), sink);
    const abort = () => sink.cancel();
    signal?.addEventListener("abort", abort, { once: true });
    await sink.started.catch((e) => {
      signal?.removeEventListener("abort", abort);
      throw e;
    });
    return sink;
  }

  /** Start a call; the body is transferred (unusable by the caller afterwards). Exposed for the pool's own tests. */
  dispatch(msg: Omit<CallMessage, "id">, sink: CallSink): number {
    if (this.slots.length === 0) this.start();
    const id = this.nextId++;
    const slot = this.leastLoaded();
    slot.inflight.set(id, sink);
    this.owner.set(id, slot);
    // Keep the process alive while a call is in flight (library users await nothing else).
    if (slot.inflight.size === 1) slot.worker.ref();
    (msg as CallMessage).id = id;
    slot.worker.postMessage(msg, [msg.body]);
    return id;
  }

  abort(id: number): void {
    this.owner.get(id)?.worker.postMessage({ abort: id });
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

/** The call as a flat message; the client's own bytes when they still stand for the request. */
function message(call: ProviderCall, req: unknown, raw?: ArrayBuffer): Omit<CallMessage, "id"> {
  const t = call.target;
  return {
    op: call.op,
    type: call.type,
    provider: t.provider,
    model: t.model,
    modelRequested: call.modelRequested,
    baseUrl: t.baseUrl,
    apiKey: t.apiKey,
    keyConfig: jsonOf(t.keyConfig),
    extraHeaders: jsonOf(t.extraHeaders),
    timeoutMs: call.timeoutMs,
    idleTimeoutMs: call.idleTimeoutMs,
    maxResponseBytes: call.maxResponseBytes ?? 0,
    price: call.price ? jsonOf(call.price as unknown as Record<string, unknown>) : "",
    body: raw && raw.byteLength > 0 ? raw : (encoder.encode(req === null ? "" : JSON.stringify(req)).buffer as ArrayBuffer),
  };
}
