/** Building answers: JSON, the error shape, and the SSE stream. Canonical objects are serialised here, once. */
import type { ChunkStream } from "../core/provider-call";
import { log } from "../log";
import { SSE_DONE } from "../providers/sse";
import { BifrostError } from "../schemas/error";

const JSON_TYPE = "application/json";
const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  connection: "keep-alive",
  "x-accel-buffering": "no",
} as const;

const encoder = new TextEncoder();

export function jsonResponse(json: string, status = 200, headers?: Record<string, string>): Response {
  return new Response(json, { status, headers: headers ? { "content-type": JSON_TYPE, ...headers } : { "content-type": JSON_TYPE } });
}

export function errorResponse(err: unknown, headers?: Record<string, string>): Response {
  const e = BifrostError.from(err);
  if (e.status >= 500 && e.isBifrostError && e.type === "server_error") log.error("internal error", { error: String((err as Error)?.stack ?? err) });
  // A 413 leaves the body unread; closing the connection keeps it from holding a graceful stop open.
  if (e.status === 413) headers = { ...headers, connection: "close" };
  return jsonResponse(JSON.stringify(e.toJSON()), e.status, headers);
}

/** An SSE response over a started chunk stream. An upstream failure mid-stream becomes a final error event. */
export function sseResponse(src: ChunkStream, headers?: Record<string, string>): Response {
  const body = new ReadableStream<Uint8Array>({
    async pull(ctrl) {
      try {
        const batch = await src.next();
        if (batch === null) {
          ctrl.enqueue(encoder.encode(SSE_DONE));
          ctrl.close();
          return;
        }
        let out = "";
        for (const c of batch) out += `data: ${JSON.stringify(c)}\n\n`;
        ctrl.enqueue(encoder.encode(out));
      } catch (err) {
        ctrl.enqueue(encoder.encode(`data: ${JSON.stringify(BifrostError.from(err).toJSON())}\n\n`));
        ctrl.close();
      }
    },
    cancel() {
      src.cancel();
    },
  });
  return new Response(body, { status: 200, headers: headers ? { ...SSE_HEADERS, ...headers } : SSE_HEADERS });
}
