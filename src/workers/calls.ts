/** The server thread's side of a call: sink callbacks turned into a promise (unary) or an async stream. */
import { BifrostError } from "../schemas/error";
import type { CallSink } from "./protocol";

function errorFrom(json: string): BifrostError {
  return BifrostError.fromJSON(JSON.parse(json));
}

/** Raw bytes from the upstream (audio), with their media type. */
export interface BytesResult {
  contentType: string;
  body: ArrayBuffer;
}

/** A non-streaming call: resolves with the canonical JSON text (or bytes, for audio). */
export class UnaryCall implements CallSink {
  readonly result: Promise<string>;
  /** Set instead of a JSON text when the answer is bytes; `result` then resolves with "". */
  bytesResult: BytesResult | null = null;
  private resolve!: (json: string) => void;
  private reject!: (e: BifrostError) => void;

  constructor() {
    this.result = new Promise((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
  }
  ok(json: string) {
    this.resolve(json);
  }
  bytes(contentType: string, body: ArrayBuffer) {
    this.bytesResult = { contentType, body };
    this.resolve("");
  }
  error(json: string) {
    this.reject(errorFrom(json));
  }
  start() {}
  chunks() {}
  end() {}
}

/**
 * A streaming call. `started` settles once the upstream accepted (or failed before any byte);
 * then `next()` hands out batches of "\n"-joined canonical chunk JSONs, and throws a BifrostError
 * if the upstream fails mid-stream.
 */
export class StreamCall implements CallSink {
  readonly started: Promise<void>;
  private resolveStart!: () => void;
  private rejectStart!: (e: BifrostError) => void;
  private queue: string[] = [];
  private finished = false;
  private failure: BifrostError | null = null;
  private waiter: (() => void) | null = null;
  private isStarted = false;

  constructor() {
    this.started = new Promise((res, rej) => {
      this.resolveStart = res;
      this.rejectStart = rej;
    });
  }

  start() {
    this.isStarted = true;
    this.resolveStart();
  }
  chunks(lines: string) {
    this.queue.push(lines);
    this.wake();
  }
  end() {
    this.finished = true;
    this.wake();
  }
  error(json: string) {
    const e = errorFrom(json);
    if (!this.isStarted) return this.rejectStart(e);
    this.failure = e;
    this.finished = true;
    this.wake();
  }
  ok() {}
  bytes() {}

  /** The next batch, or null at the end. */
  async next(): Promise<string | null> {
    for (;;) {
      if (this.queue.length) return this.queue.shift()!;
      if (this.failure) {
        const f = this.failure;
        this.failure = null;
        throw f;
      }
      if (this.finished) return null;
      await new Promise<void>((r) => (this.waiter = r));
    }
  }

  private wake() {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }
}
