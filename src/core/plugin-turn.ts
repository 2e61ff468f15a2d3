/**
 * One candidate's turn through the plugin pipeline: pre-hooks (which may rewrite, re-route or
 * short-circuit), the provider's attempts, then post-hooks in reverse for the plugins that ran.
 */
import type { Pipeline } from "../plugins/pipeline";
import type { AnyRequest, AnyResponse, RequestContext } from "../plugins/types";
import type { ChatChunk, ChatResponse } from "../schemas/chat";
import { BifrostError } from "../schemas/error";
import { NO_FALLBACK, type AroundCandidate, type Candidate } from "./resilience";

/** The request as the pipeline leaves it; attempts read it from here. */
export interface TurnState {
  body: AnyRequest;
  /** False once a plugin rewrote the body: the client's original bytes no longer serve. */
  pristine: boolean;
}

export interface TurnDeps {
  pipeline: Pipeline;
  ctx: RequestContext;
  state: TurnState;
  /** Route a model a pre-hook chose. */
  reroute(model: string): Candidate;
}

function finalError(err: BifrostError, allowFallbacks = true): BifrostError {
  if (!allowFallbacks) NO_FALLBACK.add(err);
  return err;
}

async function pre(d: TurnDeps, c: Candidate, index: number) {
  d.ctx.provider = c.provider.name;
  d.ctx.model = c.model;
  (d.ctx as { isFallback: boolean }).isFallback = index > 0;
  const requested = d.state.body.model;
  const out = await d.pipeline.runPre(index === 0 ? d.state.body : { ...d.state.body, model: c.requested }, d.ctx);
  let target = c;
  if (out.kind === "continue" && out.request !== d.state.body) {
    d.state = Object.assign(d.state, { body: out.request, pristine: false });
    if (out.request.model !== requested && out.request.model !== c.requested) target = d.reroute(out.request.model);
  }
  return { out, target };
}

/** For JSON answers (chat, embeddings): T carries the canonical JSON text. */
export function unaryTurn<T extends { json: string }>(d: TurnDeps, wrap: (json: string) => T): AroundCandidate<T> {
  return async (c, index, tryProvider) => {
    const { out, target } = await pre(d, c, index);
    if (out.kind === "respond") return settle(d, out.ran, out.response, null, wrap);
    if (out.kind === "error") return settle(d, out.ran, null, finalError(out.error, out.allowFallbacks), wrap);
    if (out.kind === "stream") return settle(d, out.ran, null, BifrostError.badRequest("a plugin answered a non-streaming request with a stream"), wrap);
    let result: T;
    try {
      result = await tryProvider(target);
    } catch (e) {
      return settle(d, out.ran, null, BifrostError.from(e), wrap);
    }
    if (!d.pipeline.hasPost) return result;
    // Post-hooks may change the response in place: always serialise what they leave.
    return settle(d, out.ran, JSON.parse(result.json), null, wrap);
  };
}

async function settle<T extends { json: string }>(d: TurnDeps, ran: number, res: AnyResponse | null, err: BifrostError | null, wrap: (json: string) => T): Promise<T> {
  const after = await d.pipeline.runPost(ran, res, err, d.ctx);
  if (after.err) throw after.err;
  return wrap(JSON.stringify(after.res));
}

/** What a started stream hands out: batches of "\n"-joined chunk JSONs. */
export interface Batches {
  next(): Promise<string | null>;
  cancel(): void;
  readonly retries: number;
}

/** For streams: a short-circuit becomes a stream of its own; chunk hooks run on every chunk. */
export function streamTurn(d: TurnDeps): AroundCandidate<Batches> {
  return async (c, index, tryProvider) => {
    const { out, target } = await pre(d, c, index);
    if (out.kind === "respond") return withChunkHooks(d, fromChunks(responseAsChunks(out.response as ChatResponse)));
    if (out.kind === "stream") return withChunkHooks(d, fromChunks(out.stream));
    if (out.kind === "error") {
      const after = await d.pipeline.runPost(out.ran, null, out.error, d.ctx);
      if (after.err) throw finalError(after.err, out.allowFallbacks);
      return withChunkHooks(d, fromChunks(responseAsChunks(after.res as ChatResponse)));
    }
    let src: Batches;
    try {
      src = await tryProvider(target);
    } catch (e) {
      // A stream that failed before its first byte gets the post-hooks' say, like a unary error.
      const after = await d.pipeline.runPost(out.ran, null, BifrostError.from(e), d.ctx);
      if (after.err) throw after.err;
      return withChunkHooks(d, fromChunks(responseAsChunks(after.res as ChatResponse)));
    }
    return withChunkHooks(d, src);
  };
}

function withChunkHooks(d: TurnDeps, src: Batches): Batches {
  if (!d.pipeline.hasChunk) return src;
  let ended = false;
  return {
    retries: src.retries,
    cancel: () => src.cancel(),
    async next() {
      for (;;) {
        if (ended) return null;
        const batch = await src.next();
        if (batch === null) return null;
        const kept: string[] = [];
        for (const line of batch.split("\n")) {
          const r = d.pipeline.runChunk(JSON.parse(line), d.ctx);
          if (r === "end") {
            ended = true;
            src.cancel();
            break;
          }
          if (r) kept.push(JSON.stringify(r));
        }
        if (kept.length) return kept.join("\n");
      }
    },
  };
}

function fromChunks(chunks: AsyncIterable<ChatChunk> | Iterable<ChatChunk>): Batches {
  const it = (Symbol.asyncIterator in chunks ? (chunks as AsyncIterable<ChatChunk>)[Symbol.asyncIterator]() : (chunks as Iterable<ChatChunk>)[Symbol.iterator]()) as
    | AsyncIterator<ChatChunk>
    | Iterator<ChatChunk>;
  return {
    retries: 0,
    async next() {
      const r = await it.next();
      return r.done ? null : JSON.stringify(r.value);
    },
    cancel() {
      void it.return?.();
    },
  };
}

/** A whole response replayed as a stream: one content chunk, then the finish with usage. */
export function responseAsChunks(res: ChatResponse): ChatChunk[] {
  const base = { id: res.id, object: "chat.completion.chunk" as const, created: res.created, model: res.model };
  const extra = res.extra_fields ? { extra_fields: res.extra_fields } : {};
  return res.choices.flatMap((ch) => [
    {
      ...base,
      ...extra,
      choices: [
        {
          index: ch.index,
          delta: {
            role: "assistant" as const,
            content: ch.message.content ?? "",
            ...(ch.message.tool_calls ? { tool_calls: ch.message.tool_calls.map((t, i) => ({ index: i, id: t.id, type: "function" as const, function: t.function })) } : {}),
          },
          finish_reason: null,
        },
      ],
    },
    { ...base, ...extra, choices: [{ index: ch.index, delta: {}, finish_reason: ch.finish_reason }], ...(res.usage ? { usage: res.usage } : {}) },
  ]);
}
