/** The server thread's side of a worker call: replies turned into an Answer (unary) or a ChunkStream. */
import { Answer } from "../core/answer";
import type { ChunkStream } from "../core/provider-call";
import type { ChatChunk } from "../schemas/chat";
import { BifrostError } from "../schemas/error";

/** What the pool routes a call's replies to. */
export interface CallSink {
  ok(json: string): void;
  bytes(contentType: string, body: ArrayBuffer): void;
  start(): void;
  chunks(lines: string): void;
  end(): void;
  error(errorJson: string): void;
}

function errorFrom(json: string): BifrostError {
  return BifrostError.fromJSON(JSON.parse(json));
}

/** A non-streaming call: the answer's JSON is parsed only if someone reads the object. */
export class UnaryCall implements CallSink {
  readonly result: Promise<Answer>;
  private resolve!: (a: Answer) => void;
  private reject!: (e: BifrostError) => void;

  constructor() {
    this.result = new Promise((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
  }
  ok(json: string) {
    this.resolve(Answer.fromJson(json));
  }
  bytes(contentType: string, body: ArrayBuffer) {
    this.resolve(Answer.ofBytes({ contentType, body }));
  }
  error(json: string) {
    this.reject(errorFrom(json));
  }
  start() {}
  chunks() {}
  end() {}
}

/**
 * A streaming call. `started` settles once the upstream accepted (or failed before any byte); then
 * `next()` hands out the batches as chunk objects, and throws if the upstream fails mid-stream.
 */
export class StreamCall implements CallSink, ChunkStream {
  readonly started: Promise<void>;
  private resolveStart!: () => void;
  private rejectStart!: (e: BifrostError) => void;
  private queue: string[] = [];
  private finished = false;
  private failure: BifrostError | null = null;
  private waiter: (() => void) | null = null;
  private isStarted = false;

  constructor(private readonly onCancel: () => void) {
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

  async next(): Promise<ChatChunk[] | null> {
    for (;;) {
      if (this.queue.length) return this.queue.shift()!.split("\n").map((l) => JSON.parse(l) as ChatChunk);
      if (this.failure) {
        const f = this.failure;
        this.failure = null;
        throw f;
      }
      if (this.finished) return null;
      await new Promise<void>((r) => (this.waiter = r));
    }
  }

  cancel() {
    if (this.finished) return;
    this.finished = true;
    this.onCancel();
    this.wake();
  }

  private wake() {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }
}
