/**
 * A request's record for the observers (plugins' onRequestEnd): kept only when a plugin observes.
 * The path notes each attempt and hook as it goes; a unary request hands its record over when its
 * answer is ready, a stream when its last chunk went out, it failed, or the client left (then the
 * usage delivered so far is estimated and charged).
 */
import type { Pipeline } from "../plugins/pipeline";
import type { AnyRequest, AttemptRecord, Cost, HookTiming, RequestContext, RequestSummary } from "../plugins/types";
import type { ModelPrice, Pricing } from "../pricing/types";
import type { ChatChunk, ChatRequest, Usage } from "../schemas/chat";
import { log } from "../log";
import { BifrostError } from "../schemas/error";
import { isStreamOp, type Op } from "../schemas/ops";
import type { Answer } from "./answer";
import type { ChunkStream } from "./provider-call";
import { ChatAssembly, ResponsesAssembly } from "./stream-assembly";
import { CHARS_PER_TOKEN, estimateInputTokens } from "./token-estimate";

/** What an observation needs of the gateway: the count of requests in flight, and prices. */
export interface ObservedGateway {
  activeRequests: number;
  readonly pricing?: Pricing;
}

const MAX_GAPS = 1000;

/** Each unpriced model is named in the log once (a bounded set: model names come from clients). */
const warnedMissing = new Set<string>();
function warnMissingCost(provider: string, model: string): void {
  const key = `${provider}/${model}`;
  if (warnedMissing.has(key) || warnedMissing.size >= 1000) return;
  warnedMissing.add(key);
  log.warn(`missing cost: no price for ${key} (its cost is unknown, not 0); give one in providers.${provider}.pricing_overrides`, { provider, model });
}
/** Operations a provider bills for: a model without a price there is "missing cost". */
const BILLED: ReadonlySet<Op> = new Set<Op>(["chat", "chatStream", "textCompletion", "textCompletionStream", "embeddings", "rerank", "speech", "transcription", "imageGeneration", "responses", "responsesStream"]);

export class Observation {
  readonly hooks: HookTiming[] = [];
  readonly attempts: AttemptRecord[] = [];
  private readonly t0 = performance.now();
  private readonly startedAt = Date.now();
  private ended = false;
  /** The candidate being tried: 0 for the primary. */
  fallbackIndex = 0;
  /** The price of the model the last successful call used (null: unknown; undefined: no call answered). */
  private price: ModelPrice | null | undefined = undefined;
  private provider = "";
  private model = "";
  private keyName: string | null = null;
  answeredBy: string | null = null;

  constructor(
    private readonly gw: ObservedGateway,
    private readonly pipe: Pipeline,
    readonly op: Op,
    private readonly ctx: RequestContext,
    private readonly requestedModel: string,
    /** The incoming headers as the server got them (one header read without building them all). */
    private readonly rawHeaders?: Headers,
    /** MCP tool executions this request carries (agent mode). */
    private readonly toolCalls?: RequestSummary["toolCalls"],
    /** The batch this request is a line of. */
    private readonly batchId?: string,
  ) {
    gw.activeRequests++;
  }

  /** The candidate now being tried. */
  candidate(index: number, provider: string, model: string): void {
    this.fallbackIndex = index;
    this.provider = provider;
    this.model = model;
  }

  /** One attempt ended: `t0` its start (performance.now()), `error` null when it answered. */
  attempt(provider: string, model: string, keyName: string | null, t0: number, error: BifrostError | null, price: ModelPrice | null): void {
    const durationMs = performance.now() - t0;
    this.attempts.push({
      provider,
      model,
      keyName,
      fallbackIndex: this.fallbackIndex,
      startedAt: performance.timeOrigin + t0,
      durationMs,
      status: error ? error.status : 200,
      error: error ? { type: error.type, code: error.code ?? null, message: error.message } : null,
    });
    if (!error) (this.price = price), (this.keyName = keyName);
  }

  /** A unary request ended: its answer, or its error. */
  endUnary(request: AnyRequest, answer: Answer | null, error: BifrostError | null, retries: number): void {
    const value = answer && !answer.bytes ? answer.value : null;
    const usage = (value?.usage as Usage | undefined) ?? null;
    // Audio bytes (and answers without extra_fields) are priced here.
    const cost = (value?.extra_fields?.cost as Cost | undefined) ?? (answer ? this.costOf(usage, request, value) : null);
    this.emit(request, error ? "error" : "success", error, usage, cost, value, retries, null, []);
  }

  /** A started stream, watched: its timings, usage and cost, and its answer assembled for the record. */
  stream<C>(src: ChunkStream<C>, request: AnyRequest, retries: number): ChunkStream<C> {
    const responses = this.op === "responsesStream";
    const assembly = responses ? new ResponsesAssembly() : new ChatAssembly();
    const gaps: number[] = [];
    let first: number | null = null;
    let last = 0;
    let usage: Usage | null = null;
    let cost: Cost | null = null;
    const finish = (outcome: RequestSummary["outcome"], error: BifrostError | null) => {
      if (this.ended) return;
      if (responses) usage = (assembly as ResponsesAssembly).usage();
      let response = responses ? (assembly as ResponsesAssembly).final : (assembly as ChatAssembly).response(usage);
      if (outcome === "cancelled" && !usage) usage = this.deliveredUsage(request, assembly.chars);
      // A Responses stream's events have no room for extra_fields: its cost is worked out here, as a cut stream's.
      cost ??= usage ? this.costOf(usage, request, null) : null;
      if (outcome !== "success" && response && !responses && !(response as { choices?: unknown[] }).choices?.length) response = null;
      this.emit(request, outcome, error, usage, cost, response, retries, first, gaps);
    };
    return {
      next: async () => {
        let batch: C[] | null;
        try {
          batch = await src.next();
        } catch (e) {
          finish("error", BifrostError.from(e));
          throw e;
        }
        if (batch === null) {
          finish("success", null);
          return null;
        }
        const now = performance.now();
        if (first === null) first = now - this.t0;
        else if (gaps.length < MAX_GAPS) gaps.push(now - last);
        last = now;
        for (const c of batch) {
          if (responses) (assembly as ResponsesAssembly).add(c as never);
          else {
            const chunk = c as ChatChunk;
            (assembly as ChatAssembly).add(chunk);
            if (chunk.usage) usage = chunk.usage;
            const cst = chunk.extra_fields?.cost as Cost | undefined;
            if (cst) cost = cst;
          }
        }
        return batch;
      },
      cancel: () => {
        finish("cancelled", new BifrostError({ status: 499, code: "client_closed_request", message: "the client left before the stream ended" }));
        src.cancel();
      },
    };
  }

  private costOf(usage: Usage | null, request: AnyRequest, response: unknown): Cost | null {
    return this.price && this.gw.pricing ? this.gw.pricing.costOf(this.price, this.op, usage, request, response) : null;
  }

  /** A cut stream is charged for what it delivered: the prompt (estimated) and the characters sent. */
  private deliveredUsage(request: AnyRequest, chars: number): Usage | null {
    if (this.price === undefined) return null;
    const messages = (request as Partial<ChatRequest>).messages;
    const prompt = Array.isArray(messages) ? estimateInputTokens(request as ChatRequest) : 0;
    const completion = Math.ceil(chars / CHARS_PER_TOKEN);
    return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, estimated: true };
  }

  private emit(request: AnyRequest, outcome: RequestSummary["outcome"], error: BifrostError | null, usage: Usage | null, cost: Cost | null, response: unknown, retries: number, first: number | null, gaps: number[]): void {
    if (this.ended) return;
    this.ended = true;
    this.gw.activeRequests--;
    const ctx = this.ctx;
    const called = this.price !== undefined;
    const summary: RequestSummary = {
      requestId: this.ctx.requestId,
      op: this.op,
      stream: isStreamOp(this.op),
      startedAt: this.startedAt,
      latencyMs: performance.now() - this.t0,
      firstChunkMs: first,
      chunkGapsMs: gaps,
      requestedModel: this.requestedModel,
      provider: this.provider,
      model: this.model,
      outcome,
      status: outcome === "success" ? 200 : outcome === "cancelled" ? 499 : (error?.status ?? 500),
      error,
      usage,
      cost,
      costMissing: called && cost === null && outcome !== "error" && BILLED.has(this.op),
      retries,
      fallbackIndex: this.fallbackIndex,
      keyName: this.keyName,
      attempts: this.attempts,
      hooks: this.hooks,
      answeredBy: this.answeredBy,
      ...(this.toolCalls?.length ? { toolCalls: this.toolCalls } : {}),
      cacheHit: this.ctx.cacheHit ?? null,
      request,
      response: (response as RequestSummary["response"]) ?? null,
      get headers() {
        return ctx.headers;
      },
      header: (name) => (this.rawHeaders ? (this.rawHeaders.get(name) ?? undefined) : ctx.headers[name.toLowerCase()]),
      values: this.ctx.values,
      ...(ctx.principal ? { principal: ctx.principal } : {}),
      ...(this.batchId ? { batchId: this.batchId } : {}),
    };
    if (summary.costMissing) warnMissingCost(summary.provider, summary.model);
    void this.pipe.runRequestEnd(summary);
  }
}

/**
 * A request a provider ran on its own, outside the gateway's request path (a line of a native batch), as
 * its result arrived: what the observers need to log, count and charge it (RequestSummary.external).
 */
export interface ExternalRequest {
  /** The record's id (default: a new UUIDv7). */
  requestId?: string;
  op: Op;
  provider: string;
  /** As the provider knows it. */
  model: string;
  /** As the client named it (default: `model`). */
  requestedModel?: string;
  request: AnyRequest;
  /** The provider's answer when it succeeded, else null. */
  response: RequestSummary["response"];
  /** Why it failed, else null (a success). */
  error: BifrostError | null;
  usage: Usage | null;
  /** What it cost, any discount the provider gives such requests (a batch's) applied; null when unknown. */
  cost: Cost | null;
  /** It succeeded but its model has no price: the cost is unknown, not 0. */
  costMissing: boolean;
  /** The provider key (by name) it ran under. */
  keyName: string | null;
  /** Who it ran for ("vk:<id>"), or null. */
  principal: string | null;
  batchId?: string;
  /** Epoch ms: when it was handed to the provider. */
  startedAt: number;
  /** Epoch ms: when its result arrived (default: now). */
  endedAt?: number;
}

/** An external request's record: no hooks ran, no attempt was timed, nothing in `values`. */
export function externalSummary(x: ExternalRequest): RequestSummary {
  const error = x.error;
  return {
    requestId: x.requestId || Bun.randomUUIDv7(),
    op: x.op,
    stream: false,
    startedAt: x.startedAt,
    latencyMs: Math.max(0, (x.endedAt ?? Date.now()) - x.startedAt),
    firstChunkMs: null,
    chunkGapsMs: [],
    requestedModel: x.requestedModel ?? x.model,
    provider: x.provider,
    model: x.model,
    outcome: error ? "error" : "success",
    status: error ? error.status : 200,
    error,
    usage: x.usage,
    cost: x.cost,
    costMissing: !error && x.costMissing && BILLED.has(x.op),
    retries: 0,
    fallbackIndex: 0,
    keyName: x.keyName,
    attempts: [],
    hooks: [],
    answeredBy: null,
    cacheHit: null,
    request: x.request,
    response: x.response,
    headers: {},
    header: () => undefined,
    values: new Map(),
    principal: x.principal,
    ...(x.batchId ? { batchId: x.batchId } : {}),
    external: true,
  };
}

/** Hands an external request's record to the observers (none: nothing is built); resolves when they are done with it. */
export function observeExternal(pipe: Pipeline, x: ExternalRequest): Promise<void> {
  if (!pipe.hasRequestEnd) return Promise.resolve();
  const summary = externalSummary(x);
  if (summary.costMissing) warnMissingCost(summary.provider, summary.model);
  return pipe.runRequestEnd(summary);
}
