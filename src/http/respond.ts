/** Building responses: JSON, the error shape, and the SSE stream. */
import type { ChunkSource } from "../core/bifrost";
import { log } from "../log";
import { BifrostError } from "../schemas/error";
import { SSE_DONE } from "../providers/sse";

const JSON_HEADERS = { "content-type": "application/json" } as const;
const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  connection: "keep-alive",
  "x-accel-buffering": "no",
} as const;

const encoder = new TextEncoder();

export function jsonResponse(json: string, status = 200, headers?: Record<string, string>): Response {
  return new Response(json, { status, headers: headers ? { ...JSON_HEADERS, ...headers } : JSON_HEADERS });
}

export function errorResponse(err: unknown, headers?: Record<string, string>): Response {
  const e = BifrostError.from(err);
  if (e.status >= 500 && e.isBifrostError && e.type === "server_error") log.error("internal error", { error: String((err as Error)?.stack ?? err) });
  // A 413 leaves the body unread; closing the connection keeps it from holding a graceful stop open.
  if (e.status === 413) headers = { ...headers, connection: "close" };
  return jsonResponse(JSON.stringify(e.toJSON()), e.status, headers);
}

/** "\n"-joined chunk JSONs → SSE frames. */
function frames(batch: string): Uint8Array {
  let out = "";
  let start = 0;
  for (;;) {
    const nl = batch.indexOf("\n", start);
    out += "data: " + (nl === -1 ? batch.slice(start) : batch.slice(start, nl)) + "\n\n";
    if (nl === -1) break;
    start = nl + 1;
  }
  return encoder.encode(out);
}

/** An SSE response over a started chunk source. An upstream failure mid-stream becomes a final error event. */
export function sseResponse(src: ChunkSource, headers?: Record<string, string>): Response {
  const body = new ReadableStream<Uint8Array>({
    async pull(ctrl) {
      try {
        const batch = await src.next();
        if (batch === null) {
          ctrl.enqueue(encoder.encode(SSE_DONE));
          ctrl.close();
          return;
        }
        ctrl.enqueue(frames(batch));
      } catch (err) {
        const e = BifrostError.from(err);
        ctrl.enqueue(encoder.encode(`data: ${JSON.stringify(e.toJSON())}\n\n`));
        ctrl.close();
      }
    },
    cancel() {
      src.cancel();
    },
  });
  return new Response(body, { status: 200, headers: headers ? { ...SSE_HEADERS, ...headers } : SSE_HEADERS });
}
