/**
 * Batches a provider runs itself (a registered BatchBackend): submitted once, refreshed in the background
 * and when a client asks (at most every few seconds), cancelled upstream, and when the provider ended them
 * their results become the batch's lines (OpenAI output lines, input order) and its output and error files,
 * with the cost priced at the provider's batch discount.
 */
import type { ResolvedKey, ResolvedProvider } from "../config/resolved";
import { selectKey } from "../core/keys";
import { log } from "../log";
import { getAdapter } from "../providers";
import { PROVIDER_ALIASES, PROVIDERS } from "../providers/catalog";
import { BifrostError } from "../schemas/error";
import { backendFor } from "./backends";
import { nativeLineCost } from "./cost";
import type { BatchGateway } from "./gateway";
import { newLineRequestId } from "./ids";
import { textLines } from "./jsonl";
import { succeeded, unrunLine } from "./output";
import { parsedLines, withProviderModel } from "./validate";
import { ENDED, type BackendContext, type BatchBackend, type BatchInputLine, type BatchRecord, type BatchStore, type FileStore, type Refreshed } from "./types";

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

  /** The input's requests, with models as the provider names them. */
  async *lines(batch: BatchRecord): AsyncGenerator<BatchInputLine> {
    for await (const l of parsedLines(textLines(this.o.files.read(batch.inputFileId)))) yield withProviderModel(l.input, batch.provider, false);
  }

  /** Sends the batch upstream; the record as it then is. A refusal marks it failed and is thrown. */
  async submit(batch: BatchRecord): Promise<BatchRecord> {
    const { batches, now } = this.o;
    const chosen = { keyName: batch.keyName ?? null };
    try {
      const s = await this.backendOf(batch).submit(this.context(batch, chosen), batch, this.lines(batch));
      batch = await batches.update(batch.id, { upstreamId: s.upstreamId, upstreamState: s.upstreamState ?? null, keyName: chosen.keyName, status: "in_progress", inProgressAt: now() });
    } catch (err) {
      const e = BifrostError.from(err);
      await batches.update(batch.id, { status: "failed", failedAt: now(), errors: [{ code: e.code ?? "submit_failed", message: e.message, param: null, line: null }] });
      throw e;
    }
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
    const patch: Partial<BatchRecord> = { counts: r.counts };
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

  /** Every result as a recorded line (input order), priced; then the files and the final status. Under the batch's lease. */
  private async collect(batch: BatchRecord, ended: Refreshed["status"]): Promise<BatchRecord> {
    const { batches, files, now } = this.o;
    const t = now();
    if (!(await batches.claim(batch.id, this.o.holder, t + this.o.leaseMs, t))) return batch;
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
          const cost = ok && input && p ? nativeLineCost(this.o.gw.pricing, p.name, p.type, input.model, input.url, out.response!.body) : null;
          await batches.recordLine(batch.id, input ? input.index : extra++, ok, JSON.stringify(out), cost);
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
      await batches.release(batch.id, this.o.holder).catch(() => {});
    }
  }
}
