/** Building answers: JSON, the error shape, and the SSE stream. Canonical objects are serialised here, once. */
import type { Answer } from "../core/answer";
import type { ChunkStream } from "../core/provider-call";
import { log } from "../log";
import { SSE_DONE } from "../providers/sse";
import type { Frame, StreamEncoder } from "../dialects/types";
import { BifrostError } from "../schemas/error";

const JSON_TYPE = "application/json";
const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  connection: "keep-alive",
  "x-accel-buffering": "no",
} as const;


/** x-bf-cost: the answer's cost in USD (extra_fields.cost.total_cost), when it has one. */
export function costHeader(answer: Answer, headers: Record<string, string>): Record<string, string> {
  const cost = answer.bytes ? undefined : (answer.value?.extra_fields?.cost as { total_cost?: unknown } | undefined)?.total_cost;
  if (typeof cost === "number") headers["x-bf-cost"] = String(cost);
  return headers;
}

export function jsonResponse(json: string, status = 200, headers?: Record<string, string>): Response {
  return new Response(json, { status, headers: headers ? { "content-type": JSON_TYPE, ...headers } : { "content-type": JSON_TYPE } });
}

/** The answer's headers with the error's own (a limit's Retry-After, x-ratelimit-*). */
export function withErrorHeaders(e: BifrostError, headers: Record<string, string>): Record<string, string> {
  return e.headers ? { ...headers, ...e.headers } : headers;
}

export function errorResponse(err: unknown, headers?: Record<string, string>): Response {
  const e = BifrostError.from(err);
  if (e.headers) headers = withErrorHeaders(e, headers ?? {});
  // Only what nobody meant to throw is an internal error worth a stack trace (not, say, a 503 while shutting down).
  if (!(err instanceof BifrostError) && e.type === "server_error") log.error("internal error", { error: String((err as Error)?.stack ?? err) });
  // A 413 leaves the body unread; closing the connection keeps it from holding a graceful stop open.
  if (e.status === 413) headers = { ...headers, connection: "close" };
  else if (e.status === 503 && e.retryAfterMs !== undefined) headers = { ...headers, "retry-after": String(Math.max(1, Math.ceil(e.retryAfterMs / 1000))) };
  return jsonResponse(JSON.stringify(e.toJSON()), e.status, headers);
}

/** The OpenAI dialect's stream: each canonical chunk as an SSE event, then [DONE]; a failure is a final error event. */
const openAIEvents: StreamEncoder = {
  contentType: SSE_HEADERS["content-type"],
  chunk: (c) => [`data: ${JSON.stringify(c)}\n\n`],
  end: () => [SSE_DONE],
  error: (e) => [`data: ${JSON.stringify(e.toJSON())}\n\n`],
};

/** An SSE response over a started chunk stream. */
export function sseResponse(src: ChunkStream, headers?: Record<string, string>): Response {
  return new Response(framedBody(src, openAIEvents), { status: 200, headers: headers ? { ...SSE_HEADERS, ...headers } : SSE_HEADERS });
}

/**
 * Canonical chunks → a dialect's frames, written straight to the connection (a direct stream: no
 * queue, strings written as they are). A mid-stream failure becomes the dialect's error frames.
 */
export function framedBody<C>(src: ChunkStream<C>, enc: StreamEncoder<C>): ReadableStream<Uint8Array> {
  let cancelled = false;
  return new ReadableStream({
    type: "direct",
    async pull(ctrl: ReadableStreamDirectController) {
      let frames: Frame[];
      try {
        for (let batch = await src.next(); batch !== null; batch = await src.next()) {
          if (cancelled) return;
          let text = "";
          for (const chunk of batch) {
            for (const f of enc.chunk(chunk)) {
              if (typeof f === "string") text += f;
              else {
                if (text) ctrl.write(text), (text = "");
                ctrl.write(f);
              }
            }
          }
          if (text) ctrl.write(text);
          await ctrl.flush();
        }
        frames = enc.end();
      } catch (err) {
        frames = enc.error(BifrostError.from(err));
      }
      if (cancelled) return;
      for (const f of frames) ctrl.write(f);
      ctrl.close();
    },
    cancel() {
      cancelled = true;
      src.cancel();
    },
  } as Bun.DirectUnderlyingSource) as unknown as ReadableStream<Uint8Array>;
}
