/**
 * Batches a provider runs itself (a registered BatchBackend): submitted once, refreshed in the background
 * and when a client asks (at most every few seconds), cancelled upstream, and when the provider ended them
 * their results become the batch's lines (OpenAI output lines, input order) and its output and error files,
 * with the cost priced at the provider's batch discount. Lines refused at creation (the owner's key may not
 * call their model) are recorded as error lines first and never sent. Each line the provider ran is then
 * reported to the plugins' onRequestEnd as a request of its own (logs, metrics, governance's charge to the
 * batch owner's key), once: by the call that recorded it.
 */
import type { ResolvedKey, ResolvedProvider } from "../config/resolved";
import { selectKey } from "../core/keys";
import { log } from "../log";
import { getAdapter } from "../providers";
import { PROVIDER_ALIASES, PROVIDERS } from "../providers/catalog";
import type { AnyRequest } from "../plugins/types";
import { BifrostError } from "../schemas/error";
import { backendFor } from "./backends";
import { nativeLineCost, opOf } from "./cost";
import type { BatchGateway } from "./gateway";
import { newLineRequestId } from "./ids";
import { textLines } from "./jsonl";
import { succeeded, unrunLine } from "./output";
import { parsedLines, withProviderModel } from "./validate";
import { ENDED, type BackendContext, type BatchBackend, type BatchInputLine, type BatchOutputLine, type BatchRecord, type BatchStore, type FileStore, type Refreshed } from "./types";

export interface NativeOptions {
  gw: BatchGateway;
  files: FileStore;
  batches: BatchStore;
  backends: () => readonly BatchBackend[];
  fetch: (url: string, init?: RequestInit) => Promise<Response>;
  holder: string;
  leaseMs: number;
  now: () => number;
  /** The provider ended it and its lines are recorded: write the files and the final status. */
  finish: (batch: BatchRecord, status: "completed" | "cancelled" | "expired" | "failed") => Promise<void>;
}

/** A provider configured under its own built-in name (not a custom OpenAI-compatible one such as vLLM or Ollama). */
export function isBuiltIn(p: ResolvedProvider): boolean {
  return (PROVIDER_ALIASES[p.name] ?? p.name) === p.type && PROVIDERS[p.type] !== undefined;
}

export class NativeBatches {
  private readonly refreshing = new Map<string, Promise<BatchRecord>>();

  constructor(private readonly o: NativeOptions) {}

  /** The backend that runs batches for this provider natively, or null (the gateway runs them). */
  backendFor(provider: ResolvedProvider): BatchBackend | null {
    if (!isBuiltIn(provider)) return null;
    return backendFor(getAdapter(provider.type).kind, this.o.backends());
  }

  private backendOf(batch: BatchRecord): BatchBackend {
    const p = this.o.gw.config.providers.get(batch.provider);
    const b = p && this.backendFor(p);
    if (!b) throw new BifrostError({ status: 400, code: "provider_not_configured", message: `provider ${batch.provider} is no longer configured for native batches` });
    return b;
  }

  /** What a backend may use: targets with one key for the whole batch (the provider's batch lives in that key's account). */
  context(batch: BatchRecord, chosen: { keyName: string | null } = { keyName: batch.keyName ?? null }, signal?: AbortSignal): BackendContext {
    const providers = this.o.gw.config.providers;
    const providerOf = (name: string) => {
      const p = providers.get(name);
      if (!p) throw BifrostError.badRequest(`provider ${name} is not configured`, "provider", "provider_not_configured");
      return p;
    };
    return {
      target: (name, model) => {
        const p = providerOf(name);
        let key: ResolvedKey | undefined = chosen.keyName ? p.keys.find((k) => k.name === chosen.keyName) : undefined;
        if (!key) {
          key = model ? selectKey(p, model) : (p.keys.find((k) => k.weight > 0) ?? p.keys[0]);
          if (!key) throw new BifrostError({ status: 400, code: "no_eligible_key", message: `provider ${name} has no key` });
          chosen.keyName = key.name;
        }
        return { provider: p.name, model: model ?? "", baseUrl: p.baseUrl, apiKey: key.value, extraHeaders: p.extraHeaders, keyConfig: key.config ?? undefined };
      },
      adapter: (name) => getAdapter(providerOf(name).type),
      fetch: this.o.fetch,
      files: this.o.files,
      signal,
    };
  }

  /** The input's requests to send, with models as the provider names them: those recorded already (refused at creation) left out. */
  async *lines(batch: BatchRecord): AsyncGenerator<BatchInputLine> {
    const refused = await this.o.batches.doneLines(batch.id);
    for await (const l of parsedLines(textLines(this.o.files.read(batch.inputFileId)))) {
      if (!refused.has(l.index)) yield withProviderModel(l.input, batch.provider, false);
    }
  }

  /** Sends the batch upstream; the record as it then is. A refusal marks it failed and is thrown. */
  async submit(batch: BatchRecord): Promise<BatchRecord> {
    const { batches, now } = this.o;
    const chosen = { keyName: batch.keyName ?? null };
    let cancelled = false;
    try {
      const s = await this.backendOf(batch).submit(this.context(batch, chosen), batch, this.lines(batch));
      const sent = { upstreamId: s.upstreamId, upstreamState: s.upstreamState ?? null, keyName: chosen.keyName };
      // Cancelled while it was being sent: the cancel goes upstream now instead of being overwritten.
      const status = (await batches.get(batch.id))?.status;
      cancelled = status === "cancelling" || status === "cancelled";
      batch = await batches.update(batch.id, cancelled ? sent : { ...sent, status: "in_progress", inProgressAt: now() });
    } catch (err) {
      const e = BifrostError.from(err);
      await batches.update(batch.id, { status: "failed", failedAt: now(), errors: [{ code: e.code ?? "submit_failed", message: e.message, param: null, line: null }] });
      throw e;
    }
    if (cancelled) return this.cancel(batch).catch(() => batch);
    return this.refresh(batch).catch(() => batch);
  }

  /** The provider's word on the batch, applied; ended: its results collected. One refresh per batch at a time. */
  refresh(batch: BatchRecord): Promise<BatchRecord> {
    const running = this.refreshing.get(batch.id);
    if (running) return running;
    const p = this.doRefresh(batch).finally(() => this.refreshing.delete(batch.id));
    this.refreshing.set(batch.id, p);
    return p;
  }

  private async doRefresh(batch: BatchRecord): Promise<BatchRecord> {
    // The record as stored now: the caller's copy may predate a collect that already ended the batch.
    batch = (await this.o.batches.get(batch.id)) ?? batch;
    if (ENDED.has(batch.status) || !batch.upstreamId) return batch;
    // Ended upstream but not collected yet (results failed last time): collect again.
    if (batch.status === "finalizing" && batch.upstreamState?.bf_ended) return this.collect(batch, batch.upstreamState.bf_ended as Refreshed["status"]);
    const r = await this.backendOf(batch).refresh(this.context(batch), batch);
    return this.apply(batch, r);
  }

  async cancel(batch: BatchRecord): Promise<BatchRecord> {
    const r = await this.backendOf(batch).cancel(this.context(batch), batch);
    return this.apply(batch, { ...r, status: ENDED.has(r.status) ? r.status : "cancelling" });
  }

  private async apply(batch: BatchRecord, r: Refreshed): Promise<BatchRecord> {
    const now = this.o.now();
    // Ended meanwhile (another refresh or replica collected it while the provider was asked): never reopened.
    const current = await this.o.batches.get(batch.id);
    if (current && ENDED.has(current.status)) return current;
    // The provider counts what it was sent; lines refused at creation (the only ones recorded before the results) count too.
    const refused = batch.counts.failed > 0 ? (await this.o.batches.lineCounts(batch.id)).failed : 0;
    const patch: Partial<BatchRecord> = { counts: { total: r.counts.total + refused, completed: r.counts.completed, failed: r.counts.failed + refused } };
    if (r.errors !== undefined) patch.errors = r.errors;
    if (r.expiresAt !== undefined) patch.expiresAt = r.expiresAt;
    if (r.upstreamState !== undefined) patch.upstreamState = r.upstreamState;
    if (!ENDED.has(r.status)) {
      patch.status = r.status;
      if (r.status === "in_progress" && !batch.inProgressAt) patch.inProgressAt = now;
      if (r.status === "finalizing" && !batch.finalizingAt) patch.finalizingAt = now;
      if (r.status === "cancelling" && !batch.cancellingAt) patch.cancellingAt = now;
      return this.o.batches.update(batch.id, patch);
    }
    // Ended upstream: "finalizing" here while the results are collected (remembered, should collecting fail).
    patch.status = "finalizing";
    patch.finalizingAt = batch.finalizingAt ?? now;
    patch.upstreamState = { ...(r.upstreamState ?? batch.upstreamState ?? {}), bf_ended: r.status };
    return this.collect(await this.o.batches.update(batch.id, patch), r.status);
  }

  /**
   * Every result as a recorded line (input order), priced; then the files and the final status; then the lines
   * this call recorded reported to the observers (even when reading the results failed part way: a later
   * collect records only the rest). Under the batch's lease.
   */
  private async collect(batch: BatchRecord, ended: Refreshed["status"]): Promise<BatchRecord> {
    const { batches, files, now } = this.o;
    const t = now();
    if (!(await batches.claim(batch.id, this.o.holder, t + this.o.leaseMs, t))) return batch;
    // The lines this call recorded from the provider's results (by index), to report once the batch is done.
    const fresh = new Set<number>();
    try {
      const p = this.o.gw.config.providers.get(batch.provider);
      // custom_id → the line's place, model and url (results may come in any order).
      const inputs = new Map<string, { index: number; model: string; url: string }>();
      for await (const l of parsedLines(textLines(files.read(batch.inputFileId)))) {
        inputs.set(l.input.custom_id, { index: l.index, model: String(withProviderModel(l.input, batch.provider, false).body.model), url: l.input.url });
      }
      const seen = new Set<string>();
      let extra = inputs.size;
      try {
        for await (const out of this.backendOf(batch).results(this.context(batch), batch)) {
          const input = inputs.get(out.custom_id);
          seen.add(out.custom_id);
          const ok = succeeded(out);
          const cost = ok && input && p ? nativeLineCost(this.o.gw.pricing, p.name, p.type, input.model, input.url, out.response!.body).cost : null;
          const index = input ? input.index : extra++;
          if ((await batches.recordLine(batch.id, index, ok, JSON.stringify(out), cost?.total_cost ?? null)) && input) fresh.add(index);
        }
      } catch (e) {
        // A failed or cancelled batch may have no results at all; a completed one must: collect again later.
        if (ended === "completed") throw e;
        log.warn("native batch results could not be read", { batch: batch.id, error: (e as Error).message });
      }
      // Lines an expired batch never ran are in its error file, as OpenAI reports them.
      if (ended === "expired") {
        for (const [customId, input] of inputs) {
          if (seen.has(customId)) continue;
          await batches.recordLine(batch.id, input.index, false, unrunLine(newLineRequestId(), customId, "batch_expired", "This request could not be executed before the completion window expired."), null);
        }
      }
      await this.o.finish(batch, ended as "completed" | "cancelled" | "expired" | "failed");
      return (await batches.get(batch.id)) ?? batch;
    } finally {
      await this.observe(batch, fresh).catch((e) => log.warn("native batch lines could not be reported to the observers", { batch: batch.id, error: (e as Error).message }));
      await batches.release(batch.id, this.o.holder).catch(() => {});
    }
  }

  /**
   * The lines at `fresh` (indexes the provider ran, just recorded), each reported to the observers as a request
   * of its own: the input's request and the recorded output, read back together in line order (neither is kept
   * in memory). At most once: a line recorded by a process that stopped before this ran is not reported.
   */
  private async observe(batch: BatchRecord, fresh: ReadonlySet<number>): Promise<void> {
    if (!fresh.size || !this.o.gw.pipeline.hasRequestEnd) return;
    const p = this.o.gw.config.providers.get(batch.provider);
    const startedAt = batch.inProgressAt ?? batch.createdAt;
    const endedAt = this.o.now();
    const outputs = this.o.batches.lineOutputs(batch.id)[Symbol.asyncIterator]();
    try {
      for await (const l of parsedLines(textLines(this.o.files.read(batch.inputFileId)))) {
        if (!fresh.has(l.index)) continue;
        // Outputs come in line order too: the next one with this line's custom_id is its own.
        let out: BatchOutputLine | null = null;
        for (let r = await outputs.next(); !r.done; r = await outputs.next()) {
          const o = JSON.parse(r.value) as BatchOutputLine;
          if (o.custom_id === l.input.custom_id) {
            out = o;
            break;
          }
        }
        if (!out) return;
        const sent = withProviderModel(l.input, batch.provider, false).body;
        const model = String(sent.model);
        const ok = succeeded(out);
        const priced = ok && p ? nativeLineCost(this.o.gw.pricing, p.name, p.type, model, l.input.url, out.response!.body) : null;
        await this.o.gw.observeExternal({
          requestId: out.id,
          op: opOf(l.input.url),
          provider: batch.provider,
          model,
          requestedModel: String(l.input.body.model),
          request: sent as AnyRequest,
          response: ok ? (out.response!.body as Record<string, unknown>) : null,
          error: ok ? null : lineError(out),
          usage: priced?.usage ?? null,
          cost: priced?.cost ?? null,
          costMissing: priced?.unpriced ?? false,
          keyName: batch.keyName ?? null,
          principal: batch.owner,
          batchId: batch.id,
          startedAt,
          endedAt,
        });
      }
    } finally {
      await outputs.return?.();
    }
  }
}

/** A failed output line's error, as a request's: the provider's status and message (a line that never ran: 500). */
function lineError(out: BatchOutputLine): BifrostError {
  const status = out.response && out.response.status_code >= 400 ? out.response.status_code : 500;
  const body = (out.response?.body as { error?: { message?: unknown; type?: unknown; code?: unknown } } | null)?.error;
  const message = out.error?.message ?? (typeof body?.message === "string" ? body.message : "the provider could not run this request");
  const code = out.error?.code ?? (typeof body?.code === "string" ? body.code : null);
  return new BifrostError({ status, message, code, ...(typeof body?.type === "string" ? { type: body.type } : {}), isBifrostError: false });
}
