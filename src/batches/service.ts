/**
 * The Files and Batch APIs behind every surface (OpenAI, Anthropic, GenAI routes): files into the file
 * store, batches into the batch store, each scoped to its owner (the plugins' `identify`: a virtual key),
 * input checked as OpenAI batch JSONL, then run natively by the provider (native.ts; lines whose model the
 * caller may not use left out, the rest admitted by the plugins' admitBatch) or by the gateway itself
 * (runner.ts). In the background: native batches refreshed, orphaned gateway-run batches picked up (another
 * replica died), expired files and old batches swept.
 */
import { log } from "../log";
import { callerOf } from "../plugins/caller";
import { BifrostError } from "../schemas/error";
import { registeredBackends } from "./backends";
import { SqlBatchStore } from "./batch-store";
import type { BatchSettings } from "./config";
import { SqlFileStore } from "./file-store";
import type { BatchGateway } from "./gateway";
import { newBatchId, newFileId, newLineRequestId, randomId } from "./ids";
import { jsonlBytes, textLines } from "./jsonl";
import { NativeBatches } from "./native";
import { failureLine, writeResultFiles } from "./output";
import { GatewayRunner } from "./runner";
import { openBatchDb } from "./sql";
import { BATCH_ENDPOINTS, checkInput, parsedLines, withProviderModel } from "./validate";
import {
  ENDED,
  type BatchApi,
  type BatchBackend,
  type BatchCaller,
  type BatchInputLine,
  type BatchOutputLine,
  type BatchRecord,
  type BatchStore,
  type CreateBatchInput,
  type FileMeta,
  type FileQuery,
  type FileStore,
  type Owner,
  type UploadInput,
} from "./types";

export interface BatchServiceOptions {
  /** Stores to use instead of opening settings.store (tests). */
  files?: FileStore;
  batches?: BatchStore;
  /** The native backends (default: those registered in backends/index.ts). */
  backends?: () => readonly BatchBackend[];
  /** fetch toward providers, for native backends (default: the global one). */
  fetch?: (url: string, init?: RequestInit) => Promise<Response>;
  now?: () => number;
}

/** OpenAI's file purposes. */
export const FILE_PURPOSES: ReadonlySet<string> = new Set(["assistants", "batch", "fine-tune", "vision", "user_data", "evals"]);
/** OpenAI's bounds of expires_after.seconds (1 hour to 30 days). */
const EXPIRES_AFTER = { min: 3600, max: 2_592_000 };
const COMPLETION_WINDOW_MS: Record<string, number> = { "24h": 86_400_000 };
const LEASE_MS = 60_000;
/** A client's retrieve refreshes a native batch from its provider at most this often. */
const RETRIEVE_REFRESH_MS = 5000;
const SWEEP_EVERY_MS = 3600_000;

export class BatchService implements BatchApi {
  readonly files: FileStore;
  readonly batches: BatchStore;
  private readonly runner: GatewayRunner;
  private readonly native: NativeBatches;
  private readonly now: () => number;
  private readonly holder = randomId("bf_");
  private readonly refreshedAt = new Map<string, number>();
  /** Each request's owner, by its headers (one Headers object per request; forgotten with it). */
  private readonly owners = new WeakMap<Headers, Promise<Owner>>();
  private readonly submitting = new Set<string>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private ticking: Promise<void> | null = null;
  private lastSweep = 0;
  private stopped = false;

  private constructor(
    private readonly gw: BatchGateway,
    readonly settings: BatchSettings,
    files: FileStore,
    batches: BatchStore,
    opts: BatchServiceOptions,
  ) {
    this.files = files;
    this.batches = batches;
    this.now = opts.now ?? Date.now;
    const finish = this.finish.bind(this);
    this.runner = new GatewayRunner({ gw, files, batches, concurrency: settings.concurrency, holder: this.holder, leaseMs: LEASE_MS, now: this.now, finish });
    this.native = new NativeBatches({
      gw,
      files,
      batches,
      backends: opts.backends ?? registeredBackends,
      fetch: opts.fetch ?? ((url, init) => fetch(url, init)),
      holder: this.holder,
      leaseMs: LEASE_MS,
      now: this.now,
      finish,
    });
  }

  /** Opens the configured store (SQLite by default, PostgreSQL) unless stores are given. */
  static async open(gw: BatchGateway, settings: BatchSettings, opts: BatchServiceOptions = {}): Promise<BatchService> {
    if (opts.files && opts.batches) return new BatchService(gw, settings, opts.files, opts.batches, opts);
    const db = openBatchDb(settings.store);
    try {
      return new BatchService(gw, settings, await SqlFileStore.open(db), await SqlBatchStore.open(db), opts);
    } catch (e) {
      await db.close();
      throw e;
    }
  }

  /** Resumes unfinished batches now, then looks again every poll interval. */
  start(): Promise<void> {
    if (!this.timer && !this.stopped) {
      this.timer = setInterval(() => void this.tick(), this.settings.pollIntervalMs);
      this.timer.unref?.();
    }
    return this.tick();
  }

  /** Stops: in-flight lines aborted (the next start runs them), leases given back, the store closed. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.runner.stop();
    await this.ticking?.catch(() => {});
    await this.files.close();
    await this.batches.close();
  }

  /** One background round: resume, refresh, pick up orphans, sweep when due. */
  tick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return (this.ticking ??= this.round()
      .catch((e) => log.warn("batches: background round failed", { error: String((e as Error)?.message ?? e) }))
      .finally(() => (this.ticking = null)));
  }

  private async round(): Promise<void> {
    for (const b of await this.batches.unfinished()) {
      if (this.stopped) return;
      try {
        if (b.mode === "gateway") await this.resumeGateway(b);
        else if (!b.upstreamId) await this.resubmit(b);
        else if (!(this.gw.config.providers.has(b.provider))) continue;
        else await this.refreshNative(b);
      } catch (e) {
        log.warn("batches: could not advance a batch", { batch: b.id, error: (e as Error).message });
      }
    }
    if (this.now() - this.lastSweep >= SWEEP_EVERY_MS) await this.sweep();
  }

  /** Expired files and batches ended past the retention, deleted; the input of a batch that has not ended is kept until it has. */
  async sweep(now = this.now()): Promise<{ files: number; batches: number }> {
    this.lastSweep = now;
    const inUse = new Set((await this.batches.unfinished()).map((b) => b.inputFileId));
    const files = await this.files.deleteExpired(now, inUse);
    const batches = await this.batches.deleteEndedBefore(now - this.settings.retentionMs);
    if (files || batches) log.info("batches: retention sweep", { files, batches });
    return { files, batches };
  }

  private async resumeGateway(b: BatchRecord): Promise<void> {
    if (this.runner.isRunning(b.id)) return;
    if (b.status === "cancelling") return this.underLease(b, () => this.finish(b, "cancelled"));
    if (b.status === "validating") b = await this.batches.update(b.id, { status: "in_progress", inProgressAt: b.inProgressAt ?? this.now() });
    if (b.status === "in_progress") await this.runner.start(b);
  }

  /** A native batch whose submission a stop interrupted: sent again (one with every line refused: finalised). */
  private async resubmit(b: BatchRecord): Promise<void> {
    if (b.status === "finalizing") return void (await this.underLease(b, () => this.finish(b, "completed")));
    if (b.status !== "validating" || this.submitting.has(b.id)) return;
    await this.underLease(b, () => this.submitNative(b).then(() => {}));
  }

  private async underLease<T>(b: BatchRecord, fn: () => Promise<T>): Promise<T | undefined> {
    const t = this.now();
    if (!(await this.batches.claim(b.id, this.holder, t + LEASE_MS, t))) return undefined;
    try {
      return await fn();
    } finally {
      await this.batches.release(b.id, this.holder).catch(() => {});
    }
  }

  private async submitNative(b: BatchRecord): Promise<BatchRecord> {
    this.submitting.add(b.id);
    try {
      const r = await this.native.submit(b);
      this.refreshedAt.set(b.id, this.now());
      return r;
    } finally {
      this.submitting.delete(b.id);
    }
  }

  private async refreshNative(b: BatchRecord): Promise<BatchRecord> {
    this.refreshedAt.set(b.id, this.now());
    const r = await this.native.refresh(b);
    if (ENDED.has(r.status)) this.refreshedAt.delete(b.id);
    return r;
  }

  /**
   * A run ended (runner) or a provider ended a batch and its lines are recorded (native): the output and
   * error files written from the recorded lines, the counts and cost from them, the final status.
   */
  private async finish(batch: BatchRecord, status: "completed" | "cancelled" | "expired" | "failed", error?: { code: string; message: string }): Promise<void> {
    const t = this.now();
    const current = (await this.batches.get(batch.id)) ?? batch;
    if (ENDED.has(current.status)) return;
    if (status === "completed" && current.status !== "finalizing") await this.batches.update(batch.id, { status: "finalizing", finalizingAt: current.finalizingAt ?? t });
    const c = await this.batches.lineCounts(batch.id);
    const out = await writeResultFiles(this.files, this.batches, current, c, t, this.settings.retentionMs);
    const stamp = { completed: "completedAt", cancelled: "cancelledAt", expired: "expiredAt", failed: "failedAt" } as const;
    const patch: Partial<BatchRecord> = {
      status,
      [stamp[status]]: this.now(),
      counts: { total: Math.max(current.counts.total, c.completed + c.failed), completed: c.completed, failed: c.failed },
      cost: c.cost,
      outputFileId: out.outputFileId,
      errorFileId: out.errorFileId,
    };
    if (error) patch.errors = [...(current.errors ?? []), { code: error.code, message: error.message, param: null, line: null }];
    await this.batches.update(batch.id, patch);
  }

  // ── the API the surfaces call ─────────────────────────────────────────────

  async uploadFile(caller: BatchCaller, input: UploadInput): Promise<FileMeta> {
    this.open();
    const owner = await this.owner(caller);
    // Fields after the file (input.late) may still name the provider and purpose: checked once they are read.
    if (!input.late) this.checkProvider(input.provider);
    if (!input.late || input.purpose) checkPurpose(input.purpose);
    if (input.expiresAfterSeconds != null) checkExpiresAfter(input.expiresAfterSeconds);
    const now = this.now();
    const expiresAt = (s: number | null | undefined) => now + (s != null ? s * 1000 : this.settings.retentionMs);
    let meta = await this.files.put(
      { id: newFileId(), owner, provider: input.provider, filename: (input.filename || "file").slice(0, 255), purpose: input.purpose ?? "", createdAt: now, expiresAt: expiresAt(input.expiresAfterSeconds), generated: false },
      input.body,
      this.settings.maxUploadBytes,
    );
    if (!input.late) return meta;
    try {
      const late = await input.late();
      const purpose = late.purpose ?? input.purpose;
      const provider = late.provider ?? input.provider;
      checkPurpose(purpose);
      this.checkProvider(provider);
      if (late.expiresAfterSeconds != null) checkExpiresAfter(late.expiresAfterSeconds);
      const patch = {
        ...(purpose !== meta.purpose ? { purpose } : {}),
        ...(provider !== meta.provider ? { provider } : {}),
        ...(late.expiresAfterSeconds != null ? { expiresAt: expiresAt(late.expiresAfterSeconds) } : {}),
      };
      if (Object.keys(patch).length) meta = (await this.files.update(meta.id, patch)) ?? meta;
      return meta;
    } catch (e) {
      await this.files.delete(meta.id).catch(() => {});
      throw e;
    }
  }

  async getFile(caller: BatchCaller, id: string): Promise<FileMeta> {
    return this.visibleFile(await this.owner(caller), id);
  }

  async listFiles(caller: BatchCaller, q: Omit<FileQuery, "owner">): Promise<FileMeta[]> {
    const owner = await this.owner(caller);
    return this.files.list({ ...q, owner });
  }

  async fileContent(caller: BatchCaller, id: string): Promise<{ meta: FileMeta; body: AsyncIterable<Uint8Array> }> {
    const meta = await this.getFile(caller, id);
    return { meta, body: this.files.read(id) };
  }

  async deleteFile(caller: BatchCaller, id: string): Promise<void> {
    await this.getFile(caller, id);
    // A running batch still reads its input (and reads it again after a restart).
    const user = (await this.batches.unfinished()).find((b) => b.inputFileId === id);
    if (user) throw new BifrostError({ status: 409, type: "invalid_request_error", code: "file_in_use", message: `File ${id} is the input of batch ${user.id}, which has not ended; cancel it first`, param: "file_id" });
    await this.files.delete(id);
  }

  async createBatch(caller: BatchCaller, input: CreateBatchInput & { inputFileId: string }): Promise<BatchRecord> {
    this.open();
    const owner = await this.owner(caller);
    const provider = this.checkProvider(input.provider);
    if (!BATCH_ENDPOINTS.has(input.endpoint)) {
      throw BifrostError.badRequest(`endpoint: '${input.endpoint}' is not supported; supported: ${[...BATCH_ENDPOINTS].join(", ")}`, "endpoint", "invalid_endpoint");
    }
    const window = input.completionWindow ?? "24h";
    if (!COMPLETION_WINDOW_MS[window]) throw BifrostError.badRequest(`completion_window: only '24h' is supported`, "completion_window", "invalid_completion_window");
    checkMetadata(input.metadata);
    const file = await this.visibleFile(owner, input.inputFileId, "input_file_id");
    if (file.purpose !== "batch") throw BifrostError.badRequest(`The input file must have purpose 'batch' (it has '${file.purpose}')`, "input_file_id", "invalid_file_purpose");
    const backend = this.native.backendFor(provider);
    const { total, errors } = await checkInput(textLines(this.files.read(file.id)), { endpoint: input.endpoint, provider: provider.name, providers: new Set(this.gw.config.providers.keys()) });
    const failed = errors.length > 0;
    // A native batch's lines never pass the plugins: the models the caller may not use are refused here, and the
    // plugins admit what is left (admitBatch: governance's budgets and rate limits) or refuse the whole batch.
    const { refused, models } = backend && !failed ? await this.refusedLines(caller, provider.name, file.id) : { refused: [], models: [] };
    // Nothing left to send: it is only finalised here (no one submits a batch past "validating").
    const nothingToSend = !failed && refused.length === total;
    if (backend && !failed && !nothingToSend && this.gw.pipeline.hasAdmitBatch) {
      await this.gw.pipeline.runAdmitBatch(owner, { provider: provider.name, endpoint: input.endpoint, models, lines: total - refused.length }, callerOf(caller.headers));
    }
    const now = this.now();
    let batch: BatchRecord = {
      id: newBatchId(),
      owner,
      provider: provider.name,
      endpoint: input.endpoint,
      inputFileId: file.id,
      completionWindow: window,
      metadata: input.metadata ?? null,
      status: failed ? "failed" : nothingToSend ? "finalizing" : backend ? "validating" : "in_progress",
      mode: backend ? "native" : "gateway",
      upstreamId: null,
      upstreamState: null,
      counts: { total, completed: 0, failed: refused.length },
      outputFileId: null,
      errorFileId: null,
      errors: failed ? errors : null,
      cost: null,
      createdAt: now,
      inProgressAt: failed || backend ? null : now,
      finalizingAt: nothingToSend ? now : null,
      completedAt: null,
      failedAt: failed ? now : null,
      expiredAt: null,
      cancellingAt: null,
      cancelledAt: null,
      expiresAt: now + COMPLETION_WINDOW_MS[window]!,
      keyName: null,
    };
    // Refused lines are recorded before the batch exists: whoever submits it (a resubmit after a restart, another
    // replica) sends only the rest.
    for (const r of refused) await this.batches.recordLine(batch.id, r.index, false, failureLine(newLineRequestId(), r.customId, r.error), null);
    await this.batches.create(batch);
    if (failed) return batch;
    if (nothingToSend) {
      await this.underLease(batch, () => this.finish(batch, "completed"));
      return (await this.batches.get(batch.id)) ?? batch;
    }
    if (backend) {
      this.submitting.add(batch.id);
      try {
        return (await this.underLease(batch, () => this.submitNative(batch))) ?? batch;
      } finally {
        this.submitting.delete(batch.id);
      }
    }
    await this.runner.start(batch);
    return (await this.batches.get(batch.id)) ?? batch;
  }

  async createBatchFromLines(caller: BatchCaller, input: CreateBatchInput & { lines: AsyncIterable<BatchInputLine> | BatchInputLine[] }): Promise<BatchRecord> {
    const file = await this.uploadFile(caller, {
      filename: "batch_input.jsonl",
      purpose: "batch",
      provider: input.provider,
      body: jsonlBytes(mapLines(input.lines, (l) => JSON.stringify(l))),
    });
    const { lines: _lines, ...rest } = input;
    return this.createBatch(caller, { ...rest, inputFileId: file.id });
  }

  async getBatch(caller: BatchCaller, id: string): Promise<BatchRecord> {
    const b = await this.visibleBatch(await this.owner(caller), id);
    if (b.mode !== "native" || ENDED.has(b.status) || !b.upstreamId) return b;
    if (this.now() - (this.refreshedAt.get(b.id) ?? 0) < Math.min(RETRIEVE_REFRESH_MS, this.settings.pollIntervalMs)) return b;
    try {
      return await this.refreshNative(b);
    } catch (e) {
      log.warn("batches: could not refresh a native batch", { batch: b.id, error: (e as Error).message });
      return b;
    }
  }

  async listBatches(caller: BatchCaller, q: { after?: string; limit: number }): Promise<BatchRecord[]> {
    const owner = await this.owner(caller);
    return this.batches.list({ owner, after: q.after, limit: q.limit });
  }

  async cancelBatch(caller: BatchCaller, id: string): Promise<BatchRecord> {
    const b = await this.visibleBatch(await this.owner(caller), id);
    if (b.status === "cancelling" || b.status === "cancelled") return b;
    if (ENDED.has(b.status)) throw new BifrostError({ status: 409, type: "invalid_request_error", code: "batch_not_cancellable", message: `Cannot cancel a batch with status '${b.status}'.` });
    const now = this.now();
    if (b.mode === "native" && b.upstreamId) return this.native.cancel(b);
    const cancelling = await this.batches.update(b.id, { status: "cancelling", cancellingAt: now });
    // Running here: it stops and finishes as cancelled. Running on another replica: it sees the status within a second.
    // Running nowhere (or not yet submitted): finished here.
    if (!this.runner.cancel(b.id) && !this.submitting.has(b.id)) await this.underLease(cancelling, () => this.finish(cancelling, "cancelled"));
    return (await this.batches.get(b.id)) ?? cancelling;
  }

  async *results(caller: BatchCaller, id: string): AsyncIterable<BatchOutputLine> {
    const b = await this.visibleBatch(await this.owner(caller), id);
    if (!ENDED.has(b.status)) throw BifrostError.badRequest(`batch ${id} has not ended yet (status '${b.status}')`, null, "batch_not_ended");
    for await (const s of this.batches.lineOutputs(b.id)) yield JSON.parse(s) as BatchOutputLine;
  }

  // ── scoping and checks ────────────────────────────────────────────────────

  /**
   * The caller's owner per the plugins (a virtual key: "vk:<id>"), or null: a caller without one sees only what
   * was made without one (everything, when no plugin identifies callers). A refusal is thrown.
   */
  owner(caller: BatchCaller): Promise<Owner> {
    const pipe = this.gw.pipeline;
    if (!pipe.hasIdentify) return Promise.resolve(null);
    // Asked once per HTTP request: a route admits its caller before reading the body, then the service call asks again.
    let owner = this.owners.get(caller.headers);
    if (!owner) this.owners.set(caller.headers, (owner = pipe.runIdentify(callerOf(caller.headers))));
    return owner;
  }

  /**
   * The lines of a native batch whose model the caller may not use, each with the 403 a single request would
   * get (model_blocked): the plugins' model list for the caller (listModels: governance keeps what the virtual
   * key allows) asked once for the batch's distinct models, as `<provider>/<model>`; and the distinct models of
   * the lines left to send (read only when a plugin admits batches). The gateway's own runner needs none of this:
   * its lines pass the plugins one by one.
   */
  private async refusedLines(caller: BatchCaller, provider: string, fileId: string): Promise<{ refused: Array<{ index: number; customId: string; error: BifrostError }>; models: string[] }> {
    const pipe = this.gw.pipeline;
    if (!pipe.hasListModels && !pipe.hasAdmitBatch) return { refused: [], models: [] };
    const models = new Set<string>();
    for await (const l of parsedLines(textLines(this.files.read(fileId)))) models.add(String(withProviderModel(l.input, provider, false).body.model));
    if (!pipe.hasListModels) return { refused: [], models: [...models] };
    const asked = [...models].map((m) => ({ id: `${provider}/${m}`, object: "model" as const, created: 0, owned_by: provider }));
    const allowed = new Set((await pipe.runListModels(asked, callerOf(caller.headers))).map((m) => m.id));
    const sent = [...models].filter((m) => allowed.has(`${provider}/${m}`));
    if (sent.length === models.size) return { refused: [], models: sent };
    const refused: Array<{ index: number; customId: string; error: BifrostError }> = [];
    for await (const l of parsedLines(textLines(this.files.read(fileId)))) {
      const model = String(withProviderModel(l.input, provider, false).body.model);
      if (allowed.has(`${provider}/${model}`)) continue;
      const error = new BifrostError({ status: 403, type: "model_blocked", code: "model_blocked", message: `Model '${model}' is not allowed for provider '${provider}' for this caller` });
      refused.push({ index: l.index, customId: l.input.custom_id, error });
    }
    return { refused, models: sent };
  }

  private async visibleFile(owner: Owner, id: string, param = "file_id"): Promise<FileMeta> {
    const f = await this.files.get(id);
    if (!f || f.owner !== owner || (f.expiresAt !== null && f.expiresAt <= this.now())) {
      throw new BifrostError({ status: 404, type: "not_found_error", code: "file_not_found", message: `No such File object: ${id}`, param });
    }
    return f;
  }

  private async visibleBatch(owner: Owner, id: string): Promise<BatchRecord> {
    const b = await this.batches.get(id);
    if (!b || b.owner !== owner) throw new BifrostError({ status: 404, type: "not_found_error", code: "batch_not_found", message: `No such Batch object: ${id}`, param: "batch_id" });
    return b;
  }

  private checkProvider(name: string) {
    const p = this.gw.config.providers.get(name);
    if (!p) {
      const known = [...this.gw.config.providers.keys()];
      throw BifrostError.badRequest(`provider '${name}' is not configured (configured: ${known.length ? known.join(", ") : "none"})`, "provider", "unknown_provider");
    }
    return p;
  }

  private open(): void {
    if (this.stopped || this.gw.refusing) throw new BifrostError({ status: 503, type: "server_error", code: "shutting_down", message: "the gateway is shutting down" });
  }
}

function checkPurpose(purpose: string | undefined): void {
  if (!purpose) throw BifrostError.badRequest("purpose: required", "purpose", "missing_required_parameter");
  if (!FILE_PURPOSES.has(purpose)) throw BifrostError.badRequest(`purpose: '${purpose}' is not one of ${[...FILE_PURPOSES].join(", ")}`, "purpose", "invalid_purpose");
}

function checkExpiresAfter(s: number): void {
  if (!Number.isInteger(s) || s < EXPIRES_AFTER.min || s > EXPIRES_AFTER.max) {
    throw BifrostError.badRequest(`expires_after.seconds: an integer from ${EXPIRES_AFTER.min} to ${EXPIRES_AFTER.max}`, "expires_after.seconds", "invalid_expires_after");
  }
}

/** OpenAI's metadata: at most 16 pairs, keys up to 64 characters, string values up to 512. */
function checkMetadata(m: Record<string, string> | null | undefined): void {
  if (m == null) return;
  const entries = typeof m === "object" && !Array.isArray(m) ? Object.entries(m) : null;
  if (!entries || entries.length > 16 || entries.some(([k, v]) => k.length > 64 || typeof v !== "string" || v.length > 512)) {
    throw BifrostError.badRequest("metadata: at most 16 string pairs, keys up to 64 characters and values up to 512", "metadata", "invalid_metadata");
  }
}

async function* mapLines<T, U>(src: AsyncIterable<T> | Iterable<T>, f: (t: T) => U): AsyncGenerator<U> {
  for await (const x of src) yield f(x);
}
