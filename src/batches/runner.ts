/**
 * ★ Batches for providers without a batch API: the gateway runs each line through the normal request
 * path (Bifrost.request: plugins, governance under the batch owner's key, routing, key choice, the
 * provider's queue and retries, logs and metrics), at most `concurrency` lines of a batch in flight.
 * Every finished line is recorded at once, so a restart resumes where the batch was without running a
 * finished line again; `cancel` stops new lines and aborts those in flight (their output is kept for
 * the ones that finished); stopping the gateway aborts in-flight lines without recording them, so the
 * next start runs them. A lease keeps replicas sharing a store from running one batch twice.
 */
import { completionsDialect } from "../dialects/completions";
import { log } from "../log";
import { BifrostError } from "../schemas/error";
import type { BatchGateway } from "./gateway";
import { newLineRequestId } from "./ids";
import { textLines } from "./jsonl";
import { failureLine, successLine, unrunLine } from "./output";
import { parsedLines, withProviderModel, type ParsedLine } from "./validate";
import type { BatchRecord, BatchStatus, BatchStore, FileStore } from "./types";

export interface RunnerOptions {
  gw: BatchGateway;
  files: FileStore;
  batches: BatchStore;
  concurrency: number;
  /** This process's name in leases. */
  holder: string;
  leaseMs: number;
  now: () => number;
  /** The run ended (all lines done, cancelled, expired, or the input gone): write the results and the final status. */
  finish: (batch: BatchRecord, status: "completed" | "cancelled" | "expired" | "failed", error?: { code: string; message: string }) => Promise<void>;
}

/** The gateway's own limits (a virtual key's rate limit) ask a line to wait, not to fail: this many waits at most. */
const MAX_LIMIT_WAITS = 100;
const LIMIT_WAIT_MS = { initial: 1000, max: 60_000 };
/** How often a run looks at its batch's status (a cancel from another replica). */
const STATUS_CHECK_MS = 1000;

interface Run {
  batch: BatchRecord;
  abort: AbortController;
  /** Why it stops early: a cancel (finish as cancelled) or the gateway stopping (leave it to resume). */
  halt: "cancel" | "stop" | null;
  done: Promise<void>;
}

export class GatewayRunner {
  private readonly runs = new Map<string, Run>();
  private stopping = false;

  constructor(private readonly o: RunnerOptions) {}

  isRunning(id: string): boolean {
    return this.runs.has(id);
  }

  /** Runs the batch here unless it already runs here or another replica holds it; true when it started. */
  async start(batch: BatchRecord): Promise<boolean> {
    if (this.stopping || this.runs.has(batch.id)) return false;
    const now = this.o.now();
    if (!(await this.o.batches.claim(batch.id, this.o.holder, now + this.o.leaseMs, now))) return false;
    if (this.runs.has(batch.id)) return false;
    const run: Run = { batch, abort: new AbortController(), halt: null, done: Promise.resolve() };
    this.runs.set(batch.id, run);
    run.done = this.run(run)
      .catch((e) => log.error("batch run failed", { batch: batch.id, error: String((e as Error)?.stack ?? e) }))
      .finally(() => {
        this.runs.delete(batch.id);
        return this.o.batches.release(batch.id, this.o.holder).catch(() => {});
      });
    return true;
  }

  /** Stops a batch running here: no new lines, in-flight lines aborted; it then finishes as cancelled. */
  cancel(id: string): boolean {
    const run = this.runs.get(id);
    if (!run) return false;
    run.halt ??= "cancel";
    run.abort.abort();
    return true;
  }

  /** The gateway stops: every run aborted, its unfinished lines left for the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    const runs = [...this.runs.values()];
    for (const r of runs) {
      r.halt = "stop";
      r.abort.abort();
    }
    await Promise.all(runs.map((r) => r.done));
  }

  private async run(run: Run): Promise<void> {
    const { batches, files } = this.o;
    const id = run.batch.id;
    if (!(await files.get(run.batch.inputFileId))) {
      return this.o.finish(run.batch, "failed", { code: "input_file_missing", message: `The input file ${run.batch.inputFileId} no longer exists.` });
    }
    const done = await batches.doneLines(id);
    const counts = { ...run.batch.counts, ...(await batches.lineCounts(id)) };
    const writeCounts = serialWriter(() => batches.update(id, { counts: { total: counts.total, completed: counts.completed, failed: counts.failed } }));
    writeCounts();
    const inflight = new Set<Promise<void>>();
    const state = { lastCheck: this.o.now(), expired: false };
    // The lease is renewed while the run lasts, however long its lines take.
    const renew = setInterval(() => {
      const now = this.o.now();
      void batches.claim(id, this.o.holder, now + this.o.leaseMs, now).catch(() => {});
    }, this.o.leaseMs / 3);
    renew.unref?.();
    try {
      await this.launch(run, { done, counts, writeCounts, inflight, state });
    } finally {
      clearInterval(renew);
    }
    await Promise.all(inflight);
    await writeCounts.idle();
    if (run.halt === "stop") return;
    const status: BatchStatus = run.halt === "cancel" ? "cancelled" : state.expired ? "expired" : "completed";
    if (status === "expired") await this.recordUnrun(run.batch, "batch_expired", "This request could not be executed before the completion window expired.");
    await this.o.finish({ ...run.batch, counts }, status as "completed" | "cancelled" | "expired");
  }

  /** Launches the lines not done yet, at most `concurrency` at a time, until the input ends or the run halts. */
  private async launch(run: Run, o: { done: Set<number>; counts: { completed: number; failed: number }; writeCounts: () => void; inflight: Set<Promise<void>>; state: { lastCheck: number; expired: boolean } }): Promise<void> {
    const { batches, files } = this.o;
    const { done, counts, writeCounts, inflight, state } = o;
    const id = run.batch.id;
    for await (const line of parsedLines(textLines(files.read(run.batch.inputFileId)))) {
      // The gateway is stopping: what is left runs after the next start.
      if (this.o.gw.refusing) run.halt ??= "stop";
      if (run.halt) break;
      if (done.has(line.index)) continue;
      while (inflight.size >= this.o.concurrency) await Promise.race(inflight);
      if (run.halt) break;
      const now = this.o.now();
      if (run.batch.expiresAt !== null && now >= run.batch.expiresAt) {
        state.expired = true;
        break;
      }
      if (now - state.lastCheck >= STATUS_CHECK_MS) {
        state.lastCheck = now;
        const status = (await batches.get(id))?.status;
        if (status === "cancelling" || status === "cancelled") {
          this.cancel(id);
          break;
        }
      }
      const p: Promise<void> = this.line(run, line).then((outcome) => {
        if (outcome === "aborted") return;
        counts[outcome === "ok" ? "completed" : "failed"]++;
        writeCounts();
      });
      const tracked = p.finally(() => inflight.delete(tracked));
      inflight.add(tracked);
    }
  }

  /** One line through the request path: "ok", "failed" (both recorded) or "aborted" (not recorded: it runs again). */
  private async line(run: Run, line: ParsedLine): Promise<"ok" | "failed" | "aborted"> {
    const { batches } = this.o;
    const requestId = newLineRequestId();
    const input = withProviderModel(line.input, run.batch.provider, true);
    const { stream: _s, stream_options: _so, ...body } = input.body as Record<string, unknown>;
    const signal = run.abort.signal;
    for (let wait = 0; ; wait++) {
      try {
        const { json, cost } = await this.execute(input.url, body, { signal, principal: run.batch.owner, requestId, batchId: run.batch.id });
        await batches.recordLine(run.batch.id, line.index, true, successLine(requestId, input.custom_id, 200, json), cost);
        return "ok";
      } catch (err) {
        if (signal.aborted || this.stopping || this.o.gw.refusing) return "aborted";
        const e = BifrostError.from(err);
        // A limit of the gateway's own (a virtual key's requests per minute) passes with time: wait for it.
        if (e.status === 429 && e.isBifrostError && wait < MAX_LIMIT_WAITS) {
          const retryAfter = Number(e.headers?.["retry-after"] ?? NaN) * 1000;
          const ms = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : Math.min(LIMIT_WAIT_MS.max, LIMIT_WAIT_MS.initial * 2 ** wait);
          if (!(await sleep(Math.min(ms, LIMIT_WAIT_MS.max), signal))) return "aborted";
          continue;
        }
        await batches.recordLine(run.batch.id, line.index, false, failureLine(requestId, input.custom_id, e), null);
        return "failed";
      }
    }
  }

  /** The line's request as the endpoint's operation; the answer's JSON text and its cost. */
  private async execute(url: string, body: Record<string, unknown>, opts: { signal: AbortSignal; principal: string | null; requestId: string; batchId: string }): Promise<{ json: string; cost: number | null }> {
    const gw = this.o.gw;
    const costOf = (v: any): number | null => (typeof v?.extra_fields?.cost?.total_cost === "number" ? v.extra_fields.cost.total_cost : null);
    switch (url) {
      case "/v1/embeddings": {
        const { answer } = await gw.request("embeddings", body, opts);
        return { json: answer.json(), cost: costOf(answer.value) };
      }
      case "/v1/responses": {
        const { answer } = await gw.request("responses", body, opts);
        return { json: answer.json(), cost: costOf(answer.value) };
      }
      case "/v1/completions": {
        // Self-hosted servers answer legacy completions themselves; the rest through chat, as /v1/completions does.
        if (gw.servesTextCompletions(body.model)) {
          const { answer } = await gw.request("textCompletion", body, opts);
          return { json: answer.json(), cost: costOf(answer.value) };
        }
        const { answer } = await gw.request("chat", completionsDialect.toChatRequest(body, {}), opts);
        return { json: JSON.stringify(completionsDialect.fromChatResponse(answer.value, {})), cost: costOf(answer.value) };
      }
      default: {
        const { answer } = await gw.request("chat", body, opts);
        return { json: answer.json(), cost: costOf(answer.value) };
      }
    }
  }

  /** Lines an expired batch never ran: in its error file, as OpenAI reports them. */
  private async recordUnrun(batch: BatchRecord, code: string, message: string): Promise<void> {
    const done = await this.o.batches.doneLines(batch.id);
    for await (const line of parsedLines(textLines(this.o.files.read(batch.inputFileId)))) {
      if (done.has(line.index)) continue;
      const id = newLineRequestId();
      await this.o.batches.recordLine(batch.id, line.index, false, unrunLine(id, line.input.custom_id, code, message), null);
    }
  }
}

/** `write` run one at a time; a call while it runs asks for one more run after it (the latest counts win). */
function serialWriter(write: () => Promise<unknown>) {
  let running: Promise<void> | null = null;
  let again = false;
  const kick = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await write().catch((e) => log.warn("batch progress could not be saved", { error: (e as Error).message }));
      } while (again);
      running = null;
    })();
  };
  return Object.assign(kick, { idle: async () => void (await running) });
}

/** Waits `ms`; false when aborted first. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      resolve(false);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
