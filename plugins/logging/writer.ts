/**
 * The background writer: a bounded queue that a loop drains in batches, one transaction each. A
 * request never waits for it: `push` is synchronous, and when the queue is full, a write fails,
 * or a write outlasts its budget, rows are dropped and counted instead of retried. Only one write
 * is in flight at a time, so a hanging store holds one batch, never an unbounded pile of them.
 */
import type { Logger } from "bifrost/plugin";
import type { LogDraft, LogStore } from "./store";

export interface WriterOptions {
  batchSize: number;
  flushIntervalMs: number;
  maxQueue: number;
  writeTimeoutMs: number;
  /** How long an overdue write may still hold off the next one (default 4 × writeTimeoutMs). */
  abandonAfterMs?: number;
  /** Called with each batch once it committed. */
  onWritten(rows: LogDraft[]): void;
  logger: Logger;
}

export class LogWriter {
  private queue: LogDraft[] = [];
  private inFlight: Promise<void> | null = null;
  private timer: ReturnType<typeof setInterval>;
  private closed = false;
  dropped = 0;
  written = 0;
  /** Set while the store is failing, so a dead store logs once rather than every flush. */
  private failing = false;

  constructor(
    private readonly store: LogStore,
    private readonly opts: WriterOptions,
  ) {
    this.timer = setInterval(() => this.flush(), opts.flushIntervalMs);
    this.timer.unref?.();
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Queues a row; never waits. */
  push(row: LogDraft): void {
    if (this.closed || this.queue.length >= this.opts.maxQueue) {
      this.dropped++;
      return;
    }
    this.queue.push(row);
    if (this.queue.length >= this.opts.batchSize && !this.inFlight) queueMicrotask(() => this.flush());
  }

  /** Starts writing the next batch unless one is in flight; resolves when that write settled. */
  flush(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (this.queue.length === 0) return Promise.resolve();
    const batch = this.queue.splice(0, this.opts.batchSize);
    this.inFlight = this.write(batch).finally(() => {
      this.inFlight = null;
      if (this.queue.length >= this.opts.batchSize && !this.closed) queueMicrotask(() => this.flush());
    });
    return this.inFlight;
  }

  private async write(batch: LogDraft[]): Promise<void> {
    let timedOut = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const write = this.store.insertBatch(batch);
    const budget = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), this.opts.writeTimeoutMs);
    });
    try {
      const outcome = await Promise.race([write.then(() => "ok" as const), budget]);
      if (outcome === "timeout") {
        timedOut = true;
        this.drop(batch.length, `a batch write took longer than ${this.opts.writeTimeoutMs} ms`);
        // The next write waits for this one to settle (or a few budgets more), so writes never pile up.
        await Promise.race([write.catch(() => {}), Bun.sleep(this.opts.abandonAfterMs ?? 4 * this.opts.writeTimeoutMs)]);
        return;
      }
      this.written += batch.length;
      if (this.failing) this.opts.logger.info("logging: the log store accepts writes again");
      this.failing = false;
      this.opts.onWritten(batch);
    } catch (e) {
      if (!timedOut) this.drop(batch.length, (e as Error).message);
    } finally {
      clearTimeout(timer);
    }
  }

  private drop(n: number, why: string): void {
    this.dropped += n;
    if (!this.failing) this.opts.logger.warn(`logging: dropped ${n} log rows: ${why}`);
    this.failing = true;
  }

  /** Stops the loop and writes what is queued, within `budgetMs`; what is left is dropped. */
  async close(budgetMs: number): Promise<void> {
    clearInterval(this.timer);
    const deadline = Date.now() + budgetMs;
    const drain = (async () => {
      while ((this.queue.length || this.inFlight) && Date.now() < deadline) await this.flush();
    })();
    await Promise.race([drain, Bun.sleep(budgetMs)]);
    this.closed = true;
    this.dropped += this.queue.length;
    this.queue = [];
  }
}
