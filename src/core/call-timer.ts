/**
 * A provider call's clock: the request timeout until the stream starts, then an idle timeout while
 * waiting on the upstream; and the caller's abort. Every live timer is checked by one shared sweep
 * (a timeout fires, and a caller's abort reaches the upstream, within SWEEP_MS) instead of a
 * setTimeout and an abort listener per call: both cost more per request than the sweep.
 */
const SWEEP_MS = 50;
const live = new Set<CallTimer>();
let sweeper: ReturnType<typeof setInterval> | null = null;

function sweep() {
  const now = performance.now();
  for (const t of live) t.check(now);
  if (live.size === 0 && sweeper) {
    clearInterval(sweeper);
    sweeper = null;
  }
}

export class CallTimer {
  private readonly ctrl = new AbortController();
  private deadline: number;
  private idleMs = 0;
  /** True while a read from the upstream is pending: a slow client (backpressure) is not an idle upstream. */
  private reading = false;
  private lastTouch = 0;
  timedOut: "request" | "idle" | null = null;
  readonly signal = this.ctrl.signal;

  constructor(
    private readonly parent: AbortSignal | undefined,
    timeoutMs: number,
  ) {
    this.deadline = performance.now() + timeoutMs;
    if (parent?.aborted) this.abort();
    live.add(this);
    // The sweep must not keep a library user's process alive on its own.
    if (!sweeper) (sweeper = setInterval(sweep, SWEEP_MS)).unref();
  }

  abort() {
    this.ctrl.abort(new DOMException("aborted", "AbortError"));
  }

  /** The stream started: from now on only silence from the upstream counts. */
  streaming(idleMs: number) {
    this.idleMs = idleMs;
    this.deadline = Infinity;
  }

  /** A read from the upstream begins. Cheap per chunk: a flag and a timestamp. */
  waitingOnUpstream() {
    this.reading = true;
    this.lastTouch = performance.now();
  }

  /** Something arrived. */
  touch() {
    this.reading = false;
  }

  check(now: number) {
    if (this.parent?.aborted) {
      this.clear();
      this.abort();
    } else if (now >= this.deadline) this.fire("request");
    else if (this.reading && this.idleMs > 0 && now - this.lastTouch >= this.idleMs) this.fire("idle");
  }

  private fire(kind: "request" | "idle") {
    this.timedOut = kind;
    this.clear();
    this.ctrl.abort(new DOMException("timed out", "TimeoutError"));
  }

  clear() {
    live.delete(this);
  }
}
